/*
 * With frame pointers, every function's prologue pushes the caller's rbp
 * and sets rbp to that slot, so [rbp] is the previous frame and [rbp + 8] the
 * return address. boot.asm starts the chain with rbp = 0. The walk stops on a
 * null, misaligned, non-kernel or unmapped frame pointer, or one that does
 * not move up the stack, so a corrupted stack ends the backtrace instead of
 * faulting.
 */
#include "arch/x86_64/backtrace.h"

#include "arch/x86_64/paging.h"
#include "lib/kprintf.h"
#include "lib/ksyms.h"
#include "mm/memlayout.h"

#define MAX_FRAMES 32

static void print_frame(int depth, uint64_t addr)
{
    uint64_t offset;
    const char *name = ksyms_lookup(addr, &offset);
    if (name)
        kprintf("  #%-2d %p %s+%#lx\n", depth, (void *)addr, name, offset);
    else
        kprintf("  #%-2d %p ?\n", depth, (void *)addr);
}

/* rbp is 8-aligned, so the frame's two words share its page; a guard page is not mapped. */
static int plausible_frame(uint64_t rbp, uint64_t previous)
{
    return rbp >= HHDM_BASE && (rbp & 7) == 0 && rbp > previous && paging_lookup(rbp);
}

void backtrace_print(uint64_t rip, uint64_t rbp)
{
    kprintf("  backtrace:\n");
    print_frame(0, rip);
    uint64_t previous = 0;
    for (int depth = 1; depth < MAX_FRAMES && plausible_frame(rbp, previous); depth++) {
        const uint64_t *frame = (const uint64_t *)rbp;
        uint64_t return_address = frame[1];
        if (return_address < KERNEL_VMA)
            break;
        /* Point into the call instruction, not after it, for the right line. */
        print_frame(depth, return_address - 1);
        previous = rbp;
        rbp = frame[0];
    }
}

void backtrace_print_here(void)
{
    uint64_t rbp;
    __asm__ volatile("mov %%rbp, %0" : "=r"(rbp));
    const uint64_t *frame = (const uint64_t *)rbp;
    backtrace_print(frame[1] - 1, frame[0]);
}
