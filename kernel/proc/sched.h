/*
 * The scheduler: who runs, when they switch, and how processes sleep and
 * wake. The policy itself (priorities, time slices, epochs) lives in
 * runqueue.c; this is the mechanism around it.
 *
 * The kernel is not preemptive: a process switches only when it sleeps,
 * yields or exits in the kernel, or when it is about to return to user mode
 * and its slice is over (sched_return_to_user). Kernel code runs with
 * interrupts off except in the idle loop.
 *
 * Every function here requires interrupts off unless it says otherwise.
 */
#ifndef CHALK_PROC_SCHED_H
#define CHALK_PROC_SCHED_H

#include "proc/proc.h"

/* Sets up the idle task on the boot stack; the scheduler starts empty. */
void sched_init(void);

/* Runs the idle loop on the boot stack forever: the scheduler is live. */
__attribute__((noreturn)) void sched_start(void);

/* The idle task. */
struct proc *sched_idle(void);

/* The timer's interrupt handler calls this once per tick. */
void sched_tick(void);

/* Puts a new or woken process on the run queue (state READY). */
void sched_make_ready(struct proc *p);

/* Takes p off the run queue or the waitq it sleeps on, whichever holds it. */
void sched_dequeue(struct proc *p);

/* Moves p to another priority, wherever it is. */
void sched_set_priority(struct proc *p, int priority);

/* Gives up the CPU; the current process stays ready. */
void sched_yield(void);

/*
 * Switches to the next ready process. The caller has already moved the
 * current process out of RUNNING (to SLEEPING, BLOCKED, ZOMBIE or DEAD).
 * Returns when the current process is scheduled again.
 */
void schedule(void);

/*
 * Called on every way back to user mode: dies if killed, switches if the
 * slice is over or a higher priority woke.
 */
void sched_return_to_user(void);

/*
 * Sleeps on q until woken. Returns 0, or -EINTR when the process was killed
 * meanwhile (the caller unwinds and returns the error). Callers re-check
 * the condition they wait for: a wake-up is a hint, not a guarantee.
 */
int waitq_sleep(struct waitq *q);

struct spinlock;

/*
 * waitq_sleep for a condition that lock guards: the caller holds lock
 * (and so has interrupts off). The process goes on q first and lets go of
 * lock only then, so a waker that takes lock and wakes q cannot slip in
 * between the caller's check of the condition and its sleep (a lost
 * wake-up). lock is held again on return.
 */
int waitq_sleep_locked(struct waitq *q, struct spinlock *lock);

void waitq_init(struct waitq *q);
/* Wakes the process that has slept longest on q (FIFO); false if none. */
bool waitq_wake_one(struct waitq *q);
void waitq_wake_all(struct waitq *q);

/* Wakes p if it is sleeping, wherever it sleeps. */
void sched_wake(struct proc *p);

/* Sleeps ms milliseconds: 0, or -EINTR. */
int sched_sleep_ms(uint64_t ms);

/* Called by context.asm and schedule() right after every switch. */
void sched_finish_switch(uint64_t previous);

#endif
