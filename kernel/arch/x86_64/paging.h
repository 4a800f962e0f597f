/*
 * x86-64 four-level page tables (Intel SDM 3A, chapter 4): PML4, PDPT,
 * page directory, page table; 4 KiB pages, or 2 MiB pages straight from a
 * page directory entry.
 */
#ifndef CHALK_ARCH_PAGING_H
#define CHALK_ARCH_PAGING_H

#include "boot/bootinfo.h"

#include <stdint.h>

#define PTE_PRESENT      (1ULL << 0)
#define PTE_WRITE        (1ULL << 1)
#define PTE_USER         (1ULL << 2)
#define PTE_HUGE         (1ULL << 7)
#define PTE_GLOBAL       (1ULL << 8)
#define PTE_NX           (1ULL << 63)
#define PTE_ADDRESS_MASK 0x000FFFFFFFFFF000ULL

/*
 * Builds the kernel's final page tables and switches to them: the direct
 * map of every memory-map region, and the kernel image mapped with the
 * rights of each part (text read+execute, rodata read-only, data read-write,
 * never both writable and executable). The boot identity map is gone after.
 */
void paging_init(const struct boot_info *info);

/*
 * The entry that maps virt in the kernel's tables (a page-table entry, or a
 * page-directory entry with PTE_HUGE), or 0 when virt is not mapped.
 */
uint64_t paging_lookup(uint64_t virt);

/* Maps [phys, phys + size) into the direct map (2 MiB pages). */
void paging_map_direct(uint64_t phys, uint64_t size);

#endif
