/*
 * Spinlocks: mutual exclusion between CPUs, built on the atomic `xchg`.
 *
 * Chalk runs on one CPU today, where turning interrupts off is already
 * mutual exclusion; the locks are there so that code written now stays
 * correct when a second core arrives. The rules every user follows:
 *
 *  - A spinlock is held for a few instructions, never across anything that
 *    sleeps or switches processes (waitq_sleep_locked is the one sanctioned
 *    way to sleep "with" a lock: it lets go of it once the caller is
 *    safely on the wait queue).
 *  - Interrupts are off on this CPU while a lock is held, so an interrupt
 *    handler that takes the same lock can never spin against the code it
 *    interrupted (that would be a deadlock on one CPU).
 *  - Locks that nest are taken in the order documented at their declaration.
 *
 * xchg with a memory operand is locked by the CPU (Intel SDM vol. 3, 9.1.2):
 * it both reads the old value and stores 1 atomically, with full barrier
 * semantics, so the critical section's loads and stores cannot move above
 * the acquire. The release is a plain store after a compiler barrier: x86
 * does not reorder a store with earlier loads or stores (SDM vol. 3, 9.2.2).
 */
#ifndef CHALK_SYNC_SPINLOCK_H
#define CHALK_SYNC_SPINLOCK_H

#include "arch/x86_64/cpu.h"

#include <stdbool.h>
#include <stdint.h>

struct spinlock {
    volatile uint32_t locked; /* 1 while held */
    const char *name;         /* for debugging: which lock this is */
};

#define SPINLOCK_INIT(lock_name)                                                                   \
    {                                                                                              \
        .locked = 0, .name = (lock_name)                                                           \
    }

static inline uint32_t atomic_xchg32(volatile uint32_t *where, uint32_t value)
{
    __asm__ volatile("xchgl %0, %1" : "+r"(value), "+m"(*where) : : "memory");
    return value;
}

/* Takes the lock; interrupts must already be off. */
static inline void spin_lock(struct spinlock *lock)
{
    /* Spin on a plain read, so a waiting CPU does not keep the cache line busy. */
    while (atomic_xchg32(&lock->locked, 1) != 0)
        while (lock->locked)
            cpu_pause();
}

static inline void spin_unlock(struct spinlock *lock)
{
    __asm__ volatile("" : : : "memory");
    lock->locked = 0;
}

/* Turns interrupts off, then takes the lock; returns what spin_unlock_irqrestore needs. */
static inline bool spin_lock_irqsave(struct spinlock *lock)
{
    bool was_enabled = irq_save();
    spin_lock(lock);
    return was_enabled;
}

static inline void spin_unlock_irqrestore(struct spinlock *lock, bool was_enabled)
{
    spin_unlock(lock);
    irq_restore(was_enabled);
}

#endif
