/*
 * Named semaphores: a fixed table of SEM_MAX slots, one spinlock over it.
 *
 * What a semaphore is made of:
 *  - a name, unique in the table ("" marks a free slot);
 *  - its users: the processes that have it open. A process records which
 *    slots it has open in its struct sem_refs, one bit per slot, so opening
 *    twice is harmless, one close undoes it, and death can close them all
 *    without a search (sem_release_all);
 *  - a sem_queue (sem_queue.c): the value and the FIFO of waiters;
 *  - a waitq its waiters sleep on.
 *
 * Hand-off, the one idea that makes it correct. sem_post never raises the
 * value while someone waits: it takes the longest waiter off the queue,
 * marks it granted and wakes it. The woken process does not compete for the
 * unit when it runs again (it already has it), so
 *  - no wake-up is lost: the unit travels with the wake-up, and the waiter
 *    decides to sleep and goes on the waitq under the same lock that post
 *    takes (waitq_sleep_locked), so a post can never fall in between;
 *  - the order is strict FIFO: a process arriving between the post and the
 *    waiter's return finds the value at 0 and queues behind;
 *  - a waiter that is blocked (block()) while it sleeps still gets its unit
 *    in turn and keeps it until it is unblocked; nobody overtakes it.
 * The waiter is found again by pid, not through the waitq: a killed waiter
 * is taken off the waitq by kill while it is still in the queue, so the two
 * orders can differ until it runs.
 *
 * Death. A process killed while it sleeps in sem_wait is woken (proc_kill);
 * it cancels its wait before returning -EINTR. If a post had already
 * granted it a unit, cancelling passes that unit on to the next waiter, so a
 * death never swallows a unit. Only then, on its way out, does it close its
 * semaphores (release_resources -> sem_release_all); a process killed
 * outside a system call never waits. So a semaphore with waiters always has
 * users, and the last close finds the queue empty.
 *
 * Locking. sem_lock guards every slot of the table and every process's
 * sem_refs. It is taken with interrupts off on this CPU, since Ctrl+C's
 * interrupt handler can kill a process and close its semaphores. While
 * holding it the code only calls the scheduler to wake or sleep (order:
 * sem_lock, then the scheduler's own lock once there is one); nothing else
 * is taken inside it, and it is never held across a switch: sem_wait lets
 * go of it inside waitq_sleep_locked and has it again when woken.
 *
 * Costs: a name lookup walks the table (128 short compares), which keeps the
 * table a plain array that the listing reads in order; every other step is
 * O(1). One lock for all semaphores is simple and enough for one CPU; with
 * many cores a lock per slot would let unrelated semaphores proceed apart.
 */
#include "sync/semaphore.h"

#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "proc/sched.h"
#include "sync/sem_queue.h"
#include "sync/spinlock.h"

struct semaphore {
    char name[SEM_NAME_MAX]; /* "" while the slot is free */
    int users;               /* processes with this slot's bit in their sem_refs */
    struct sem_queue queue;
    struct waitq sleepers; /* the processes of queue's waiters, asleep */
};

static struct semaphore table[SEM_MAX];
static struct spinlock sem_lock = SPINLOCK_INIT("semaphores");

/* 0, or why name cannot name a semaphore. */
static int check_name(const char *name)
{
    size_t len = strnlen(name, SEM_NAME_MAX);
    if (len == 0)
        return -EINVAL;
    return len < SEM_NAME_MAX ? 0 : -ENAMETOOLONG;
}

static bool is_open(const struct sem_refs *refs, int slot)
{
    return refs->open[slot / 64] & (1ULL << (slot % 64));
}

static void set_open(struct sem_refs *refs, int slot, bool open)
{
    uint64_t bit = 1ULL << (slot % 64);
    if (open)
        refs->open[slot / 64] |= bit;
    else
        refs->open[slot / 64] &= ~bit;
}

/* The slot named name, or -ENOENT. */
static int find(const char *name)
{
    for (int slot = 0; slot < SEM_MAX; slot++)
        if (strcmp(table[slot].name, name) == 0)
            return slot;
    return -ENOENT;
}

/* A new semaphore in a free slot, without users yet: the slot, or -ENOSPC. */
static int create(const char *name, uint32_t value)
{
    int slot = find("");
    if (slot < 0)
        return -ENOSPC;
    struct semaphore *s = &table[slot];
    strlcpy(s->name, name, sizeof(s->name));
    s->users = 0;
    sem_queue_init(&s->queue, value);
    waitq_init(&s->sleepers);
    return slot;
}

/* Wakes the process a unit was handed to, if any. */
static void wake(const struct sem_waiter *granted)
{
    if (!granted)
        return;
    struct proc *p = proc_find(granted->pid);
    KASSERT(p); /* a waiter is alive: it is inside sem_wait */
    sched_wake(p);
}

int sem_open(struct sem_refs *refs, const char *name, uint64_t initial)
{
    int err = check_name(name);
    if (err < 0)
        return err;
    if (initial > SEM_VALUE_MAX)
        return -EINVAL;
    bool was_enabled = spin_lock_irqsave(&sem_lock);
    int slot = find(name);
    if (slot < 0)
        slot = create(name, (uint32_t)initial);
    if (slot >= 0 && !is_open(refs, slot)) {
        set_open(refs, slot, true);
        table[slot].users++;
    }
    spin_unlock_irqrestore(&sem_lock, was_enabled);
    return slot < 0 ? slot : 0;
}

/* The operations on a semaphore the caller has open; sem_lock is held. */
typedef int (*sem_op)(struct sem_refs *refs, int slot);

static int wait_locked(struct sem_refs *refs, int slot)
{
    (void)refs;
    struct semaphore *s = &table[slot];
    struct sem_waiter w;
    if (sem_queue_take(&s->queue, &w, proc_current()->pid))
        return 0;
    /* s stays: its last user cannot close it while this one waits. */
    int err = 0;
    while (!w.granted && err == 0)
        err = waitq_sleep_locked(&s->sleepers, &sem_lock);
    if (err < 0) /* killed: it leaves without a unit, even one already handed to it */
        wake(sem_queue_cancel(&s->queue, &w));
    return err;
}

static int post_locked(struct sem_refs *refs, int slot)
{
    (void)refs;
    struct sem_waiter *granted;
    int err = sem_queue_post(&table[slot].queue, &granted);
    wake(granted);
    return err;
}

static int close_locked(struct sem_refs *refs, int slot)
{
    struct semaphore *s = &table[slot];
    set_open(refs, slot, false);
    if (--s->users == 0) {
        KASSERT(s->queue.waiting == 0);
        s->name[0] = '\0';
    }
    return 0;
}

/* Runs op on the semaphore called name, if the caller has it open. */
static int with_open(struct sem_refs *refs, const char *name, sem_op op)
{
    int err = check_name(name);
    if (err < 0)
        return err;
    bool was_enabled = spin_lock_irqsave(&sem_lock);
    int slot = find(name);
    err = slot >= 0 && is_open(refs, slot) ? op(refs, slot) : -ENOENT;
    spin_unlock_irqrestore(&sem_lock, was_enabled);
    return err;
}

int sem_wait(struct sem_refs *refs, const char *name)
{
    return with_open(refs, name, wait_locked);
}

int sem_post(struct sem_refs *refs, const char *name)
{
    return with_open(refs, name, post_locked);
}

int sem_close(struct sem_refs *refs, const char *name)
{
    return with_open(refs, name, close_locked);
}

void sem_release_all(struct sem_refs *refs)
{
    bool was_enabled = spin_lock_irqsave(&sem_lock);
    for (int slot = 0; slot < SEM_MAX; slot++)
        if (is_open(refs, slot))
            close_locked(refs, slot);
    spin_unlock_irqrestore(&sem_lock, was_enabled);
}

int sem_list(struct chalk_sem_info *info, int max)
{
    int n = 0;
    bool was_enabled = spin_lock_irqsave(&sem_lock);
    for (int slot = 0; slot < SEM_MAX && n < max; slot++) {
        const struct semaphore *s = &table[slot];
        if (s->name[0] == '\0')
            continue;
        struct chalk_sem_info *out = &info[n++];
        memset(out, 0, sizeof(*out)); /* no stale kernel bytes reach user space */
        strlcpy(out->name, s->name, sizeof(out->name));
        out->value = (int32_t)s->queue.value;
        out->users = s->users;
        out->waiting = (int32_t)s->queue.waiting;
        sem_queue_pids(&s->queue, out->waiters, SEM_INFO_WAITERS);
    }
    spin_unlock_irqrestore(&sem_lock, was_enabled);
    return n;
}
