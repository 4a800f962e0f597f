/*
 * The virtual address space, as every address space in Chalk sees it.
 *
 *   0x0000000000000000 - 0x00007FFFFFFFFFFF  user space (lower half); the
 *                                            kernel maps nothing here:
 *     0x0000000000400000                       the userland image (ELF)
 *     0x0000000100000000                       the user heap
 *     0x00007FFEC0000000 - 0x00007FFF00000000  user stacks, one per table
 *                                              slot, USER_STACK_STRIDE apart
 *   0xFFFF800000000000 - ...                 direct map: physical address p
 *                                            is visible at HHDM_BASE + p
 *   0xFFFFFF0000000000 - ...                 kernel stacks, one slot per
 *                                            process-table slot, each a
 *                                            guard page then the stack
 *                                            (proc/kstack.c)
 *   0xFFFFFFFF80000000 - ...                 the kernel image (-2 GiB), so
 *                                            it can use -mcmodel=kernel
 *
 * The upper half is shared by every future address space: a new page table
 * copies the kernel's top-level entries, never the lower ones.
 */
#ifndef CHALK_MM_MEMLAYOUT_H
#define CHALK_MM_MEMLAYOUT_H

#include <stdint.h>

#define PAGE_SIZE      4096ULL
#define PAGE_SHIFT     12
#define HUGE_PAGE_SIZE (2ULL << 20)

#define USER_BASE 0x0000000000001000ULL /* page 0 stays unmapped: NULL faults */
#define USER_TOP  0x0000800000000000ULL /* first non-canonical address */
/*
 * User mappings end one page below USER_TOP. So no instruction can sit at
 * the very top, and the rip after any `syscall` is canonical: sysret to a
 * non-canonical rip would fault in ring 0 (on Intel CPUs), with the user's
 * stack pointer already loaded.
 */
#define USER_MAP_END (USER_TOP - PAGE_SIZE)
#define HHDM_BASE    0xFFFF800000000000ULL

#define USER_HEAP_BASE  0x0000000100000000ULL
#define USER_STACKS_TOP 0x00007FFF00000000ULL
/*
 * Far apart, so a stack overflowing its pages faults instead of reaching
 * another; 2 MiB gives each stack a page table of its own, so every process
 * costs the same frames wherever its slot is.
 */
#define USER_STACK_STRIDE (2ULL << 20)
#define KSTACKS_BASE      0xFFFFFF0000000000ULL
#define KSTACKS_SIZE      (10ULL << 20) /* PROC_MAX slots of 20 KiB (proc/kstack.h) */
#define KERNEL_VMA        0xFFFFFFFF80000000ULL

#define ALIGN_DOWN(x, a) ((x) & ~((uint64_t)(a)-1))
#define ALIGN_UP(x, a)   ALIGN_DOWN((x) + (uint64_t)(a)-1, (a))

static inline void *phys_to_virt(uint64_t phys)
{
    return (void *)(phys + HHDM_BASE);
}

/* Valid for direct-map addresses and for addresses inside the kernel image. */
static inline uint64_t virt_to_phys(const void *virt)
{
    uint64_t v = (uint64_t)virt;
    return v >= KERNEL_VMA ? v - KERNEL_VMA : v - HHDM_BASE;
}

/* Symbols from toolchain/kernel.ld. */
extern char __kernel_phys_start[], __kernel_phys_end[];
extern char __text_start[], __text_end[], __rodata_start[], __rodata_end[];
extern char __data_start[], __data_end[], __ksyms_start[], __ksyms_end[];
extern char __kernel_end[];

/* From bootloader/boot.asm: kmain's stack (the idle task's), a guard page below it. */
extern char boot_stack_guard[], boot_stack[], boot_stack_top[];

#endif
