/*
 * Scheduling mechanism: the run queue (policy in runqueue.c), context
 * switches, sleeping and waking, the idle task and the timer tick.
 *
 * Invariants:
 *  - sched_current is RUNNING (or is the idle task, which is never queued);
 *  - a READY process is on the run queue, a SLEEPING one on exactly one
 *    waitq (waiting_on), and nothing else is on either;
 *  - need_resched is only acted on at sched_return_to_user and in idle.
 */
#include "proc/sched.h"

#include "arch/x86_64/cpu.h"
#include "drivers/timer.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "sync/spinlock.h"

static struct runqueue runqueue;
static struct proc idle_task;
struct proc *sched_current = &idle_task;
static bool need_resched;
/* Processes in sched_sleep_ms, in order of wake_tick. Ready before sched_init:
 * the timer ticks from timer_init on. */
static struct waitq timer_sleepers = {{&timer_sleepers.sleepers, &timer_sleepers.sleepers}};

struct proc *sched_idle(void)
{
    return &idle_task;
}

void sched_init(void)
{
    runqueue_init(&runqueue);
    /* The idle task is kmain going on, on the boot stack (boot.asm). */
    idle_task = (struct proc){
        .pid = 0, .state = STATE_RUNNING, .kernel_stack = boot_stack, .canary = PROC_CANARY};
    strlcpy(idle_task.name, "idle", sizeof(idle_task.name));
    list_node_init(&idle_task.wait_node);
    list_node_init(&idle_task.se.node);
}

void sched_make_ready(struct proc *p)
{
    KASSERT(p != &idle_task && !list_linked(&p->se.node));
    p->state = STATE_READY;
    runqueue_add(&runqueue, &p->se);
    if (sched_current == &idle_task || sched_should_preempt(&p->se, &sched_current->se))
        need_resched = true;
}

void sched_dequeue(struct proc *p)
{
    runqueue_remove(&runqueue, &p->se);
    if (list_linked(&p->wait_node))
        list_remove(&p->wait_node);
    p->waiting_on = NULL;
}

void sched_set_priority(struct proc *p, int priority)
{
    runqueue_set_priority(&runqueue, &p->se, priority);
}

/* Runs on the new process's stack right after a switch. */
void sched_finish_switch(uint64_t previous)
{
    struct proc *prev = (struct proc *)previous;
    if ((prev->state == STATE_ZOMBIE || prev->state == STATE_DEAD) && prev->kernel_stack) {
        /* Now that nothing runs on it, the dead process's stack can go. */
        proc_free_kernel_stack(prev);
        if (prev->state == STATE_DEAD)
            prev->state = STATE_UNUSED;
    }
    /* Every switch, old and new processes alike, ends here: a consistent point. */
    DEBUG_ASSERT(runqueue_check(&runqueue));
    DEBUG_ASSERT(proc_table_check());
}

static void switch_to(struct proc *next)
{
    struct proc *prev = sched_current;
    KASSERT(prev->canary == PROC_CANARY && next->canary == PROC_CANARY);
    sched_current = next;
    next->state = STATE_RUNNING;
    if (next->space) {
        usermode_set_kernel_stack((uint64_t)next->kernel_stack + KERNEL_STACK_SIZE);
        vm_activate(next->space);
    }
    if (prev->space && prev->state != STATE_DEAD && prev->state != STATE_ZOMBIE)
        fpu_save(&prev->fpu);
    if (next->space)
        fpu_restore(&next->fpu);
    uint64_t from = context_switch(&prev->saved_rsp, next->saved_rsp, (uint64_t)prev);
    sched_finish_switch(from);
}

void schedule(void)
{
    KASSERT(!interrupts_enabled());
    KASSERT(sched_current->state != STATE_RUNNING || sched_current == &idle_task);
    need_resched = false;
    struct sched_entity *se = runqueue_pick(&runqueue);
    struct proc *next = se ? list_entry(se, struct proc, se) : &idle_task;
    if (next == sched_current) {
        sched_current->state = STATE_RUNNING;
        return;
    }
    switch_to(next);
}

void sched_yield(void)
{
    if (sched_current != &idle_task)
        runqueue_add(&runqueue, &sched_current->se);
    sched_current->state = STATE_READY;
    schedule();
}

void sched_return_to_user(void)
{
    KASSERT(sched_current != &idle_task);
    for (;;) {
        if (sched_current->killed)
            proc_exit(EXIT_KILLED);
        if (!need_resched)
            return;
        sched_yield();
    }
}

void sched_tick(void)
{
    sched_current->cpu_ticks++;
    uint64_t now = timer_ticks();
    while (!list_empty(&timer_sleepers.sleepers)) {
        struct proc *p = list_entry(timer_sleepers.sleepers.next, struct proc, wait_node);
        if (p->wake_tick > now)
            break;
        sched_wake(p);
    }
    if (sched_current != &idle_task && sched_entity_tick(&sched_current->se))
        need_resched = true;
}

void waitq_init(struct waitq *q)
{
    list_init(&q->sleepers);
}

/*
 * Puts sched_current on q just before node `before` (q's head: at the end), lets
 * go of lock (when there is one) and switches away; takes lock back once
 * woken. (With a second CPU the run queue gets a lock of its own, taken
 * before `lock` is let go, so a waker on the other CPU waits until this
 * process is fully asleep.)
 */
static int sleep_before(struct waitq *q, struct list_node *before, struct spinlock *lock)
{
    KASSERT(sched_current != &idle_task && !interrupts_enabled());
    /* A killed process must not go to sleep: the wake-up that kill sent may
     * already be spent (on another CPU, between the caller's check and here). */
    if (sched_current->killed)
        return -EINTR;
    sched_current->state = STATE_SLEEPING;
    sched_current->waiting_on = q;
    list_insert_between(&sched_current->wait_node, before->prev, before);
    if (lock)
        spin_unlock(lock);
    schedule();
    if (lock)
        spin_lock(lock);
    return sched_current->killed ? -EINTR : 0;
}

int waitq_sleep(struct waitq *q)
{
    return sleep_before(q, &q->sleepers, NULL);
}

int waitq_sleep_locked(struct waitq *q, struct spinlock *lock)
{
    return sleep_before(q, &q->sleepers, lock);
}

void sched_wake(struct proc *p)
{
    if (p->state != STATE_SLEEPING)
        return;
    list_remove(&p->wait_node);
    p->waiting_on = NULL;
    if (p->stopped)
        p->state = STATE_BLOCKED;
    else
        sched_make_ready(p);
}

bool waitq_wake_one(struct waitq *q)
{
    if (list_empty(&q->sleepers))
        return false;
    sched_wake(list_entry(q->sleepers.next, struct proc, wait_node));
    return true;
}

void waitq_wake_all(struct waitq *q)
{
    while (waitq_wake_one(q))
        ;
}

int sched_sleep_ms(uint64_t ms)
{
    /* + 1: the tick now under way is partly over; sleep at least ms. */
    sched_current->wake_tick = timer_ticks() + ms * TIMER_HZ / 1000 + 1;
    struct list_node *before = timer_sleepers.sleepers.next;
    while (before != &timer_sleepers.sleepers &&
           list_entry(before, struct proc, wait_node)->wake_tick <= sched_current->wake_tick)
        before = before->next;
    return sleep_before(&timer_sleepers, before, NULL);
}

void sched_start(void)
{
    for (;;) {
        interrupts_disable();
        if (need_resched || runqueue.ready)
            schedule();
        else
            cpu_wait_for_interrupt(); /* sti; hlt: no wake-up lost in between */
    }
}
