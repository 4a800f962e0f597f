/*
 * System calls: the one dispatcher behind both entries (`syscall` and
 * `int 0x80`), and the table that maps numbers (uapi/chalk/syscalls.h) to
 * handlers. docs/syscalls.md lists every call.
 *
 * Rules every handler follows: arguments are untrusted. Pointers are user
 * addresses (uint64_t), touched only through mm/uaccess.h; numbers are
 * range-checked before use; errors are returned as -EXXX, never by panic.
 * Handlers run with interrupts off and may sleep.
 */
#ifndef CHALK_SYSCALL_SYSCALL_H
#define CHALK_SYSCALL_SYSCALL_H

#include "arch/x86_64/trap.h"

#include <stdint.h>

/* Routes int 0x80 to the dispatcher. */
void syscall_init(void);

/* Runs the call described by frame (rax, rdi, ...) and puts the result in rax. */
void syscall_handle(struct trap_frame *frame);

/*
 * The `syscall` instruction's path (syscall_entry.asm): syscall_handle, then
 * the return-to-user checks. The frame is left by sysret, which is safe
 * because its rip is canonical (see USER_MAP_END in memlayout.h).
 */
void syscall_fast(struct trap_frame *frame);

#endif
