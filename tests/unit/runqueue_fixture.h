/*
 * Shared fixture for the run queue unit tests (test_runqueue.c,
 * test_runqueue_model.c): a simulated CPU that drives the run queue the way
 * sched.c does. It picks an entity, charges it ticks with sched_entity_tick
 * until its slice is over (or until it "blocks", which is simply not putting
 * it back), then runqueue_add's it again, counting the ticks each entity
 * gets and recording the order in which slices run.
 */
#ifndef CHALK_TESTS_RUNQUEUE_FIXTURE_H
#define CHALK_TESTS_RUNQUEUE_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdbool.h>
#include <string.h>

#include "proc/runqueue.h"

#define MAX_ENTITIES 32
#define TRACE_MAX    4096

/* ---- the simulated CPU ---------------------------------------------------- */

struct cpu {
    struct runqueue rq;
    struct sched_entity se[MAX_ENTITIES];
    int count;
    long ran[MAX_ENTITIES]; /* ticks each entity has run */
    long now;               /* ticks since the start, idle ones included */
    int trace[TRACE_MAX];   /* which entity ran each slice, in order */
    int traced;
};

static inline void cpu_init(struct cpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    runqueue_init(&cpu->rq);
}

/* A new entity at priority; queued (ready) when ready is true. Its index. */
static inline int cpu_new(struct cpu *cpu, int priority, bool ready)
{
    assert_true(cpu->count < MAX_ENTITIES);
    int i = cpu->count++;
    sched_entity_init(&cpu->se[i], priority);
    if (ready)
        runqueue_add(&cpu->rq, &cpu->se[i]);
    return i;
}

static inline int index_of(const struct cpu *cpu, const struct sched_entity *se)
{
    assert_non_null(se);
    assert_true(se >= cpu->se && se < cpu->se + cpu->count);
    return (int)(se - cpu->se);
}

/* Picks the next entity, which must exist; records it in the trace. Its index. */
static inline int cpu_pick(struct cpu *cpu)
{
    int i = index_of(cpu, runqueue_pick(&cpu->rq));
    assert_false(list_linked(&cpu->se[i].node)); /* picked means dequeued */
    if (cpu->traced < TRACE_MAX)
        cpu->trace[cpu->traced++] = i;
    return i;
}

/*
 * Runs entity i for at most max ticks, stopping early when its slice is
 * over. True when the slice is over (the entity must go back to the queue).
 */
static inline bool cpu_run(struct cpu *cpu, int i, long max)
{
    for (long t = 0; t < max; t++) {
        cpu->ran[i]++;
        cpu->now++;
        if (sched_entity_tick(&cpu->se[i]))
            return true;
    }
    return false;
}

/* One whole slice of the next entity, which then goes back as ready. Its index. */
static inline int cpu_slice(struct cpu *cpu)
{
    int i = cpu_pick(cpu);
    assert_true(cpu_run(cpu, i, sched_quantum(cpu->se[i].priority)));
    runqueue_add(&cpu->rq, &cpu->se[i]);
    return i;
}

/* Ticks in one epoch when every entity is always ready: the sum of their quanta. */
static inline long epoch_ticks(const struct cpu *cpu)
{
    long sum = 0;
    for (int i = 0; i < cpu->count; i++)
        sum += sched_quantum(cpu->se[i].priority);
    return sum;
}

/* Runs whole slices of always-ready entities until exactly one more epoch has passed. */
static inline void cpu_run_epoch(struct cpu *cpu)
{
    long end = cpu->now + epoch_ticks(cpu);
    while (cpu->now < end)
        cpu_slice(cpu);
    assert_int_equal(cpu->now, end); /* slices never straddle an epoch's end */
}

#endif
