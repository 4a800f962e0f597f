/*
 * Priority round robin with epochs.
 *
 * The goal: five priorities, where a higher priority gets proportionally
 * more CPU time, runs first when it is ready, and yet no ready process ever
 * starves, however many high-priority processes are busy.
 *
 * The design (an epoch scheduler, like the one in Linux 2.6's O(1)
 * scheduler): every process owns a time slice per epoch, longer for higher
 * priorities, sched_quantum(p) = QUANTUM_UNIT * (5 - p) ticks, so priority 0
 * gets 50 ms and priority 4 gets 10 ms at 1000 Hz. There are two sets of
 * five FIFO queues, one queue per priority:
 *
 *   active:  processes that still have slice left in this epoch
 *   expired: processes that used their slice up; they wait for the next epoch
 *
 * The next process to run is the first of the highest-priority non-empty
 * active queue. When its slice runs out it goes to the expired set (slice
 * refilled). A process that blocks or sleeps keeps what is left of its slice
 * and returns to the active set when it wakes, so interactive programs that
 * sleep most of the time run promptly. When the active set is empty the
 * epoch ends: the sets swap, which is one index flip.
 *
 * Why it meets the goal:
 *  - shares: within an epoch every ready process runs exactly its quantum,
 *    so CPU-bound processes get time in the ratio 5:4:3:2:1 by priority;
 *  - order: higher priorities run first inside each epoch, so of CPU-bound
 *    processes that start together, the highest priority finishes first;
 *  - no starvation: an expired process waits only until every active
 *    process has used its (finite) slice, at most the sum of their quanta.
 *
 * Costs: pick, add and remove are O(1) apart from scanning five queues.
 */
#include "proc/runqueue.h"

int sched_quantum(int priority)
{
    return QUANTUM_UNIT * (SCHED_PRIORITIES - priority);
}

void runqueue_init(struct runqueue *rq)
{
    for (int set = 0; set < 2; set++)
        for (int p = 0; p < SCHED_PRIORITIES; p++)
            list_init(&rq->queues[set][p]);
    rq->active = 0;
    rq->ready = 0;
}

void sched_entity_init(struct sched_entity *se, int priority)
{
    list_node_init(&se->node);
    se->priority = priority;
    se->slice_left = sched_quantum(priority);
}

void runqueue_add(struct runqueue *rq, struct sched_entity *se)
{
    int set = rq->active;
    if (se->slice_left <= 0) {
        se->slice_left = sched_quantum(se->priority);
        set = !rq->active;
    }
    se->set = set;
    list_push_back(&rq->queues[set][se->priority], &se->node);
    rq->ready++;
}

void runqueue_remove(struct runqueue *rq, struct sched_entity *se)
{
    if (!list_linked(&se->node))
        return;
    list_remove(&se->node);
    rq->ready--;
}

static struct sched_entity *pick_from(struct runqueue *rq, int set)
{
    for (int p = 0; p < SCHED_PRIORITIES; p++) {
        struct list_node *node = list_pop_front(&rq->queues[set][p]);
        if (node) {
            rq->ready--;
            return list_entry(node, struct sched_entity, node);
        }
    }
    return NULL;
}

struct sched_entity *runqueue_pick(struct runqueue *rq)
{
    struct sched_entity *se = pick_from(rq, rq->active);
    if (se || rq->ready == 0)
        return se;
    rq->active = !rq->active; /* the epoch is over */
    return pick_from(rq, rq->active);
}

void runqueue_set_priority(struct runqueue *rq, struct sched_entity *se, int priority)
{
    se->priority = priority;
    if (se->slice_left > sched_quantum(priority))
        se->slice_left = sched_quantum(priority);
    if (list_linked(&se->node)) {
        /* Same set: renicing must not give an expired entity a second turn. */
        list_remove(&se->node);
        list_push_back(&rq->queues[se->set][priority], &se->node);
    }
}

bool sched_entity_tick(struct sched_entity *se)
{
    return --se->slice_left <= 0;
}

bool sched_should_preempt(const struct sched_entity *woken, const struct sched_entity *running)
{
    return woken->priority < running->priority;
}

bool runqueue_check(const struct runqueue *rq)
{
    if (rq->active != 0 && rq->active != 1)
        return false;
    unsigned counted = 0;
    for (int set = 0; set < 2; set++)
        for (int p = 0; p < SCHED_PRIORITIES; p++) {
            const struct list_node *head = &rq->queues[set][p];
            for (const struct list_node *n = head->next; n != head; n = n->next) {
                const struct sched_entity *se = list_entry(n, struct sched_entity, node);
                /* Counting first also ends the walk of a list that loops. */
                if (++counted > rq->ready || n->next->prev != n || n->prev->next != n)
                    return false;
                if (se->priority != p || se->set != set || se->slice_left <= 0 ||
                    se->slice_left > sched_quantum(p))
                    return false;
            }
        }
    return counted == rq->ready;
}
