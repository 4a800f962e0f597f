/*
 * The bookkeeping of one semaphore: its value and its queue of waiters.
 * Pure logic (no lock, no sleeping, no processes), so the host unit tests
 * can drive it; semaphore.c adds the table, the lock and the scheduler, and
 * explains the design.
 *
 * Units are handed over, not left for the taking: a post made while someone
 * waits gives its unit to the longest waiter (which leaves the queue with
 * `granted` set) instead of raising the value. Hence the invariant
 *
 *     value > 0  implies  nobody waits
 *
 * and strict FIFO: a newcomer finds the value at 0 whenever anyone is queued,
 * so it can never overtake a sleeper.
 */
#ifndef CHALK_SYNC_SEM_QUEUE_H
#define CHALK_SYNC_SEM_QUEUE_H

#include "lib/list.h"

#include <stdbool.h>
#include <stdint.h>

/* One process waiting for a unit; lives on the waiter's kernel stack. */
struct sem_waiter {
    struct list_node node; /* on the queue until granted or cancelled */
    int pid;
    bool granted; /* a post handed it a unit */
};

struct sem_queue {
    uint32_t value;           /* free units, 0 .. SEM_VALUE_MAX */
    unsigned waiting;         /* waiters on the list */
    struct list_node waiters; /* longest waiting first */
};

void sem_queue_init(struct sem_queue *q, uint32_t value);

/*
 * Takes a unit if one is free (true). Otherwise w, for process pid, joins
 * the end of the queue (false) and waits for a post to grant it one.
 */
bool sem_queue_take(struct sem_queue *q, struct sem_waiter *w, int pid);

/*
 * Gives back a unit: to the longest waiter, which leaves the queue granted
 * and is stored in *granted for the caller to wake, or, when nobody waits,
 * to the value (*granted = NULL). -EOVERFLOW, and nothing changes, when the
 * value is already SEM_VALUE_MAX.
 */
int sem_queue_post(struct sem_queue *q, struct sem_waiter **granted);

/*
 * w stops waiting without taking a unit (its process was killed). Still
 * queued, it just leaves; already granted, its unit is passed on as a post
 * would: the waiter that gets it is returned to be woken, else NULL. (At
 * SEM_VALUE_MAX the unit is dropped: the value cannot go higher.)
 */
struct sem_waiter *sem_queue_cancel(struct sem_queue *q, struct sem_waiter *w);

/* Copies the pids of the first max waiters, longest waiting first: how many. */
int sem_queue_pids(const struct sem_queue *q, int32_t *pids, int max);

#endif
