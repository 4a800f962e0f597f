#include "sync/sem_queue.h"

#include "lib/errno.h"
#include "uapi/chalk/syscalls.h"

#include <stddef.h>

void sem_queue_init(struct sem_queue *q, uint32_t value)
{
    q->value = value;
    q->waiting = 0;
    list_init(&q->waiters);
}

bool sem_queue_take(struct sem_queue *q, struct sem_waiter *w, int pid)
{
    if (q->value > 0) {
        q->value--;
        return true;
    }
    w->pid = pid;
    w->granted = false;
    list_push_back(&q->waiters, &w->node);
    q->waiting++;
    return false;
}

int sem_queue_post(struct sem_queue *q, struct sem_waiter **granted)
{
    struct list_node *first = list_pop_front(&q->waiters);
    *granted = NULL;
    if (first) {
        q->waiting--;
        *granted = list_entry(first, struct sem_waiter, node);
        (*granted)->granted = true;
        return 0;
    }
    if (q->value >= SEM_VALUE_MAX)
        return -EOVERFLOW;
    q->value++;
    return 0;
}

struct sem_waiter *sem_queue_cancel(struct sem_queue *q, struct sem_waiter *w)
{
    struct sem_waiter *next = NULL;
    if (w->granted) {
        w->granted = false;
        sem_queue_post(q, &next); /* -EOVERFLOW drops the unit (see the header) */
    } else {
        list_remove(&w->node);
        q->waiting--;
    }
    return next;
}

int sem_queue_pids(const struct sem_queue *q, int32_t *pids, int max)
{
    int n = 0;
    for (const struct list_node *node = q->waiters.next; node != &q->waiters && n < max;
         node = node->next)
        pids[n++] = list_entry(node, const struct sem_waiter, node)->pid;
    return n;
}
