/*
 * Kernel stacks: every process has one, on which its system calls, its
 * interrupts and its switched-out context live. Each sits in a slot of its
 * own in the kernel-stacks region (memlayout.h), above an unmapped guard
 * page, so running off the bottom faults instead of overwriting whatever
 * lies below. kstack.c explains the layout and what the fault becomes.
 *
 * Locking: like the process table, with interrupts off (page tables of the
 * kernel half and the frame allocator are touched).
 */
#ifndef CHALK_PROC_KSTACK_H
#define CHALK_PROC_KSTACK_H

#include <stdbool.h>
#include <stdint.h>

#define KERNEL_STACK_SIZE (16 * 1024)
#define KSTACK_GUARD_SIZE 4096 /* one page; no kernel frame is that large */
#define KSTACK_SLOT_SIZE  (KSTACK_GUARD_SIZE + KERNEL_STACK_SIZE)

/*
 * Maps a fresh kernel stack in process-table slot slot (which must not have
 * one) and returns its lowest address, or NULL when memory is out.
 */
void *kstack_alloc(unsigned slot);

/* Unmaps a stack kstack_alloc returned and frees its frames. Nothing may run on it. */
void kstack_free(void *stack);

/*
 * Whether addr lies in the guard page below the kernel stack whose lowest
 * address is stack (a slot's, or the boot stack): a fault there is that
 * stack's overflow. False for a NULL stack.
 */
bool kstack_guard_hit(const void *stack, uint64_t addr);

#endif
