/*
 * Traps: CPU exceptions, hardware interrupts and (later) system calls all
 * arrive through the IDT as a struct trap_frame, and a handler registered for
 * the vector deals with each.
 */
#ifndef CHALK_ARCH_TRAP_H
#define CHALK_ARCH_TRAP_H

#include <stdbool.h>
#include <stdint.h>

/* Vectors. 0-31 are the CPU's exceptions. */
#define VEC_DIVIDE_ERROR   0
#define VEC_DEBUG          1
#define VEC_NMI            2
#define VEC_BREAKPOINT     3
#define VEC_INVALID_OPCODE 6
#define VEC_DOUBLE_FAULT   8
#define VEC_STACK_SEGMENT  12
#define VEC_GP_FAULT       13
#define VEC_PAGE_FAULT     14
#define VEC_X87_FPU        16
#define VEC_MACHINE_CHECK  18
#define VEC_SIMD_FPU       19
#define VEC_IRQ_BASE       32 /* the 16 legacy IRQs, after remapping the PIC */
#define VEC_SYSCALL        0x80
#define NUM_VECTORS        256

/* A page fault's error code (Intel SDM 3A, 4.7): what the access was and why it failed. */
#define PF_PRESENT  (1u << 0) /* the page was present: a protection violation */
#define PF_WRITE    (1u << 1) /* a write (else a read) */
#define PF_USER     (1u << 2) /* in user mode */
#define PF_RESERVED (1u << 3) /* a reserved bit was set in a paging entry */
#define PF_FETCH    (1u << 4) /* an instruction fetch (with NX or SMEP on) */
#define PF_PKEY     (1u << 5) /* a protection key forbade it */

/* Saved by trap_entry.asm; the CPU pushed the last five fields. */
struct trap_frame {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
    uint64_t vector;
    uint64_t error_code;
    uint64_t rip, cs, rflags, rsp, ss;
};

typedef void (*trap_handler_t)(struct trap_frame *frame);

/* Called by trap_entry.asm for every vector. */
void trap_dispatch(struct trap_frame *frame);

/* Loads the IDT; every vector starts unhandled. */
void trap_init(void);

/*
 * Routes vector to handler (NULL to unroute). For IRQ vectors the dispatcher
 * sends the end-of-interrupt after the handler returns. Exceptions without a
 * handler are fatal in the kernel.
 */
void trap_set_handler(unsigned vector, trap_handler_t handler);

static inline bool trap_from_user(const struct trap_frame *frame)
{
    return (frame->cs & 3) == 3;
}

/* Name of an exception vector ("Page Fault"), or NULL for other vectors. */
const char *trap_exception_name(unsigned vector);

/* Prints the frame's registers (and CR2 for page faults) to the console. */
void trap_dump_frame(const struct trap_frame *frame);

#endif
