/*
 * Process ids. A pid names a slot of the process table: slot = pid % slots.
 * New pids go round the table: the next pid is the smallest one after the
 * last handed out whose slot is free. So a pid is not reused until the
 * counter comes round again (PID_LIMIT pids later), a slot still held by a
 * zombie keeps its pid, and finding a process by pid is one array index.
 * Pure logic, unit tested on the host.
 */
#ifndef CHALK_PROC_PID_H
#define CHALK_PROC_PID_H

#include <stdbool.h>

/* pids are 1 .. PID_LIMIT - 1; PID_LIMIT is a multiple of every table size. */
#define PID_LIMIT (1 << 24)

typedef bool (*slot_in_use_fn)(unsigned slot, void *ctx);

/*
 * The pid to hand out after last_pid for a table of slots entries (a power
 * of two dividing PID_LIMIT), or -EAGAIN when every slot is in use.
 */
int pid_next(int last_pid, unsigned slots, slot_in_use_fn in_use, void *ctx);

/* The slot a pid lives in; pid must be in 1 .. PID_LIMIT - 1. */
static inline unsigned pid_slot(int pid, unsigned slots)
{
    return (unsigned)pid % slots;
}

#endif
