/*
 * What the CPU needs to run user code beyond the GDT and IDT: the `syscall`
 * fast path, the FPU/SSE state each process owns, and the entry points
 * written in assembly.
 */
#ifndef CHALK_ARCH_USERMODE_H
#define CHALK_ARCH_USERMODE_H

#include <stdint.h>

/* fxsave's area: 512 bytes, 16-byte aligned (Intel SDM 1, 10.5). */
struct fpu_state {
    uint8_t bytes[512];
} __attribute__((aligned(16)));

/* Enables syscall/sysret (EFER.SCE, STAR, LSTAR, SFMASK) and SSE. */
void usermode_init(void);

/* The state a process starts with: x87 and SSE at their reset defaults. */
void fpu_state_init(struct fpu_state *state);
void fpu_save(struct fpu_state *state);
void fpu_restore(const struct fpu_state *state);

/* The kernel stack the next syscall or interrupt from user mode lands on. */
void usermode_set_kernel_stack(uint64_t top);

/* context.asm; see there. */
uint64_t context_switch(uint64_t *save_rsp, uint64_t load_rsp, uint64_t handover);
void process_first_entry(void);

#endif
