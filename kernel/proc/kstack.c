/*
 * Kernel stacks with guard pages.
 *
 * A kernel stack is small (16 KiB) and nothing checks its depth: a deep
 * call chain or a large local array runs off its bottom. If the memory
 * below were mapped (the next stack, a heap block), the overflow would
 * overwrite it silently and the kernel would fail much later, somewhere
 * else. So each stack gets a slot of its own in the kernel-stacks region,
 * one slot per process-table slot:
 *
 *     KSTACKS_BASE + slot * KSTACK_SLOT_SIZE
 *     | guard page, never mapped | stack, KERNEL_STACK_SIZE, mapped |
 *
 * The first push below the stack touches the guard and page-faults. The
 * CPU then tries to push the page fault's own frame on the same stack,
 * faults again, and turns the pair into a double fault, which runs on an
 * IST stack of its own (gdt.c), so the report still gets printed:
 * trap.c asks kstack_guard_hit whether CR2 is in the current process's
 * guard and says "kernel stack overflow" with the process's name.
 *
 * A guard of one page only works if no function moves the stack pointer by
 * more than a page at once: the kernel is built with -Wframe-larger-than
 * (toolchain.mk), so no stack frame can step over the guard.
 *
 * The stack's pages come one frame at a time from the frame allocator and
 * are reached only through this region; a slot's virtual range never
 * changes, only which frames back it. The region's page tables are made at
 * boot (paging_init) and never freed, so a spawn costs four frame
 * allocations and four page-table writes, whatever its slot, and cannot
 * fail for want of a page table.
 *
 * The boot stack (kmain's, then the idle task's) is in the kernel image's
 * .bss; boot.asm leaves a page below it that paging.c does not map, the same
 * guard by other means.
 */
#include "proc/kstack.h"

#include "arch/x86_64/paging.h"
#include "lib/panic.h"
#include "mm/memlayout.h"
#include "mm/mm.h"
#include "proc/proc.h"

_Static_assert(PROC_MAX *KSTACK_SLOT_SIZE <= KSTACKS_SIZE, "memlayout.h: KSTACKS_SIZE too small");

static uint64_t slot_stack(unsigned slot)
{
    return KSTACKS_BASE + (uint64_t)slot * KSTACK_SLOT_SIZE + KSTACK_GUARD_SIZE;
}

/* Unmaps the first size bytes of the stack at base, freeing their frames. */
static void unmap_pages(uint64_t base, uint64_t size)
{
    for (uint64_t offset = 0; offset < size; offset += PAGE_SIZE) {
        uint64_t old = paging_unmap(paging_kernel_root(), base + offset);
        if (old)
            mm_free_frames(old & PTE_ADDRESS_MASK, 1);
    }
}

void *kstack_alloc(unsigned slot)
{
    KASSERT(slot < PROC_MAX);
    uint64_t base = slot_stack(slot);
    KASSERT(!paging_lookup(base));
    for (uint64_t offset = 0; offset < KERNEL_STACK_SIZE; offset += PAGE_SIZE) {
        /* Not zeroed: nothing reads a stack before writing it. */
        uint64_t frame = mm_alloc_frames(1);
        if (!frame ||
            paging_map(paging_kernel_root(), base + offset, frame, PTE_WRITE | PTE_GLOBAL) < 0) {
            if (frame)
                mm_free_frames(frame, 1);
            unmap_pages(base, offset);
            return NULL;
        }
    }
    return (void *)base;
}

void kstack_free(void *stack)
{
    uint64_t base = (uint64_t)stack;
    KASSERT(base >= KSTACKS_BASE && (base - KSTACKS_BASE) % KSTACK_SLOT_SIZE == KSTACK_GUARD_SIZE);
    unmap_pages(base, KERNEL_STACK_SIZE);
}

bool kstack_guard_hit(const void *stack, uint64_t addr)
{
    uint64_t base = (uint64_t)stack;
    return stack && addr < base && addr >= base - KSTACK_GUARD_SIZE;
}
