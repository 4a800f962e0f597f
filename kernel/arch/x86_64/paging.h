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
/* Not a hardware bit: tells paging_map to leave the page executable. */
#define PTE_EXECUTE_OK (1ULL << 9)

/*
 * Builds the kernel's final page tables and switches to them: the direct
 * map of every memory-map region (never executable), and the kernel image
 * mapped with the rights of each part (text read+execute, rodata read-only,
 * data read-write, never both writable and executable), under its own
 * address and its direct-map alias. The boot identity map is gone after.
 */
void paging_init(const struct boot_info *info);

/*
 * The entry that maps virt in the kernel's tables (boot.asm's before
 * paging_init): a page-table entry, or a page-directory entry with
 * PTE_HUGE, or 0 when virt is not mapped.
 */
uint64_t paging_lookup(uint64_t virt);

typedef void (*paging_visit_fn)(uint64_t virt, uint64_t entry, void *ctx);

/*
 * Calls fn(virt, entry, ctx) for every page mapped in the kernel half of the
 * kernel's tables: entry is a page-table entry, or a page-directory entry
 * with PTE_HUGE for a 2 MiB page. For checks (the self-tests' W^X).
 */
void paging_walk_kernel(paging_visit_fn fn, void *ctx);

/* Maps [phys, phys + size) into the direct map (2 MiB pages). */
void paging_map_direct(uint64_t phys, uint64_t size);

/*
 * Page tables of user address spaces. root is the physical address of a
 * PML4. Locking: the caller serialises changes to one root.
 */

/* The kernel's own PML4 (what runs when no user space is active). */
uint64_t paging_kernel_root(void);

/* A new PML4 with an empty lower half and the kernel's upper half, or 0. */
uint64_t paging_new_root(void);

/*
 * Frees root, its lower-half page tables and every page they map: each user
 * page belongs to exactly one address space.
 */
void paging_free_root(uint64_t root);

/*
 * Maps the 4 KiB page at virt to phys with flags (PTE_WRITE, PTE_USER,
 * PTE_EXECUTE_OK; pages are no-execute unless PTE_EXECUTE_OK). Returns 0 or
 * -ENOMEM when a page table could not be allocated.
 */
int paging_map(uint64_t root, uint64_t virt, uint64_t phys, uint64_t flags);

/*
 * Removes the mapping of virt and, in the user half, frees page tables it
 * leaves empty (below the PML4; the kernel half's tables are shared by every
 * space and stay); returns the old entry, or 0 if none.
 */
uint64_t paging_unmap(uint64_t root, uint64_t virt);

/* The leaf entry mapping virt under root, or 0 when virt is not mapped. */
uint64_t paging_query(uint64_t root, uint64_t virt);

#endif
