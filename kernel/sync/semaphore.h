/*
 * Named semaphores, kept by the kernel apart from the processes that use
 * them. docs/sync.md explains the design; the contract:
 *
 *  - sem_open(name, initial) creates the semaphore with that value, or,
 *    when one of that name exists, opens it (initial is then ignored). A
 *    process either has a semaphore open or not: opening it twice is
 *    harmless, and one close undoes it.
 *  - Only a process that has a semaphore open may wait on it, post it or
 *    close it.
 *  - sem_wait takes one unit, sleeping while there is none. sem_post hands
 *    its unit straight to the process that has waited longest (strict FIFO:
 *    a newcomer can never overtake a sleeper), or adds it to the value when
 *    nobody waits.
 *  - The semaphore is destroyed when its last user closes it, or dies:
 *    death closes everything the process had open (sem_release_all), and a
 *    process killed while waiting leaves the queue without taking a unit.
 *
 * Errors: -ENOENT (no such semaphore, or not opened by the caller),
 * -ENAMETOOLONG, -EINVAL (empty name, bad initial value), -ENOSPC (table
 * full), -EOVERFLOW (value would pass SEM_VALUE_MAX), -EINTR (killed while
 * waiting).
 *
 * Locking: one spinlock guards the whole table (see semaphore.c). These
 * functions may be called with interrupts on or off; sem_wait may sleep.
 */
#ifndef CHALK_SYNC_SEMAPHORE_H
#define CHALK_SYNC_SEMAPHORE_H

#include "uapi/chalk/syscalls.h"

#include <stdint.h>

#define SEM_MAX 128 /* semaphores in the system; a multiple of 64 */

/* Which semaphores a process has open: bit i is slot i of the table. */
struct sem_refs {
    uint64_t open[SEM_MAX / 64];
};

/* name is a kernel string (the system call copied it in). 0 or -errno. */
int sem_open(struct sem_refs *refs, const char *name, uint64_t initial);
int sem_wait(struct sem_refs *refs, const char *name);
int sem_post(struct sem_refs *refs, const char *name);
int sem_close(struct sem_refs *refs, const char *name);

/* Closes every semaphore in refs; for a process that is dying. */
void sem_release_all(struct sem_refs *refs);

/* Fills info with up to max semaphores, in table order: the count. */
int sem_list(struct chalk_sem_info *info, int max);

#endif
