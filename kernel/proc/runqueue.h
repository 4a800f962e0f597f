/*
 * The scheduler's policy: which ready process runs next, and for how long.
 * Pure logic over intrusive lists (no locks, no timer, no context switch), so
 * the host unit tests can drive it with simulated ticks. sched.c is the only
 * kernel user; the design is explained in runqueue.c and docs/scheduler.md.
 */
#ifndef CHALK_PROC_RUNQUEUE_H
#define CHALK_PROC_RUNQUEUE_H

#include "lib/list.h"

#include <stdbool.h>

#define SCHED_PRIORITIES 5  /* 0 is the highest priority, 4 the lowest */
#define QUANTUM_UNIT     10 /* ticks: a priority-4 process's slice per epoch */

/* What the run queue knows of a process. */
struct sched_entity {
    struct list_node node; /* on one queue of the run queue while ready */
    int priority;          /* 0 .. SCHED_PRIORITIES - 1 */
    int slice_left;        /* ticks it may still run in the current epoch */
    int set;               /* while queued: the index in queues[] of its set */
};

struct runqueue {
    struct list_node queues[2][SCHED_PRIORITIES];
    int active;     /* index of the active set in queues; the other is expired */
    unsigned ready; /* entities queued, both sets */
};

/* The time slice of a priority per epoch, in ticks. */
int sched_quantum(int priority);

void runqueue_init(struct runqueue *rq);

/* A fresh entity at priority, with a full slice; not queued. */
void sched_entity_init(struct sched_entity *se, int priority);

/*
 * Queues a ready entity: on the active set while it has slice left, else on
 * the expired set with its slice refilled for the next epoch.
 */
void runqueue_add(struct runqueue *rq, struct sched_entity *se);

/* Takes a queued entity off the run queue (it blocked, died or was reniced). */
void runqueue_remove(struct runqueue *rq, struct sched_entity *se);

/*
 * Dequeues the entity to run next: the oldest of the highest active
 * priority. When the active set is empty the epoch ends and the expired set
 * becomes the active one. NULL when nothing is ready.
 */
struct sched_entity *runqueue_pick(struct runqueue *rq);

/*
 * Changes an entity's priority, moving it between queues if it is queued.
 * Its slice is cut to the new priority's quantum if that is shorter.
 */
void runqueue_set_priority(struct runqueue *rq, struct sched_entity *se, int priority);

/*
 * Charges the running entity one tick. True when its slice is used up and
 * it must give the CPU back (runqueue_add then puts it on the expired set).
 */
bool sched_entity_tick(struct sched_entity *se);

/*
 * Walks both sets and checks what every operation above keeps true: each
 * queued entity sits on the queue of its own priority and set, with a slice
 * in (0, its quantum], the links agree both ways, and `ready` counts them
 * all. False at the first broken rule (debug builds assert it, sched.c).
 */
bool runqueue_check(const struct runqueue *rq);

/* True when a just-woken entity should take the CPU from the running one. */
bool sched_should_preempt(const struct sched_entity *woken, const struct sched_entity *running);

#endif
