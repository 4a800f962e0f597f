/*
 * Unit tests for the scheduler's policy (kernel/proc/runqueue.h).
 *
 *   gcc ... tests/unit/test_runqueue.c kernel/proc/runqueue.c -lcmocka
 *
 * A simulated CPU drives the run queue the way sched.c does: pick an entity,
 * charge it ticks with sched_entity_tick until its slice is over (or until it
 * "blocks", which is simply not putting it back), then runqueue_add it again.
 * The tests count the ticks each entity gets and the order in which slices
 * run, and hold them against the design in runqueue.c: CPU shares 5:4:3:2:1
 * in every epoch, higher priorities first, a bounded wait for the lowest, and
 * a woken entity keeping what is left of its slice. A random run at the end
 * compares every pick with a model of the policy written independently here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rng.h"

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

static void cpu_init(struct cpu *cpu)
{
    memset(cpu, 0, sizeof(*cpu));
    runqueue_init(&cpu->rq);
}

/* A new entity at priority; queued (ready) when ready is true. Its index. */
static int cpu_new(struct cpu *cpu, int priority, bool ready)
{
    assert_true(cpu->count < MAX_ENTITIES);
    int i = cpu->count++;
    sched_entity_init(&cpu->se[i], priority);
    if (ready)
        runqueue_add(&cpu->rq, &cpu->se[i]);
    return i;
}

static int index_of(const struct cpu *cpu, const struct sched_entity *se)
{
    assert_non_null(se);
    assert_true(se >= cpu->se && se < cpu->se + cpu->count);
    return (int)(se - cpu->se);
}

/* Picks the next entity, which must exist; records it in the trace. Its index. */
static int cpu_pick(struct cpu *cpu)
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
static bool cpu_run(struct cpu *cpu, int i, long max)
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
static int cpu_slice(struct cpu *cpu)
{
    int i = cpu_pick(cpu);
    assert_true(cpu_run(cpu, i, sched_quantum(cpu->se[i].priority)));
    runqueue_add(&cpu->rq, &cpu->se[i]);
    return i;
}

/* Ticks in one epoch when every entity is always ready: the sum of their quanta. */
static long epoch_ticks(const struct cpu *cpu)
{
    long sum = 0;
    for (int i = 0; i < cpu->count; i++)
        sum += sched_quantum(cpu->se[i].priority);
    return sum;
}

/* Runs whole slices of always-ready entities until exactly one more epoch has passed. */
static void cpu_run_epoch(struct cpu *cpu)
{
    long end = cpu->now + epoch_ticks(cpu);
    while (cpu->now < end)
        cpu_slice(cpu);
    assert_int_equal(cpu->now, end); /* slices never straddle an epoch's end */
}

/* ---- basics ---------------------------------------------------------------- */

static void test_quanta_are_five_to_one_units(void **state)
{
    (void)state;
    assert_int_equal(SCHED_PRIORITIES, 5);
    for (int p = 0; p < SCHED_PRIORITIES; p++)
        assert_int_equal(sched_quantum(p), QUANTUM_UNIT * (5 - p));
    assert_int_equal(sched_quantum(0), 50);
    assert_int_equal(sched_quantum(4), 10);
}

static void test_new_entity_has_full_slice_and_is_not_queued(void **state)
{
    (void)state;
    for (int p = 0; p < SCHED_PRIORITIES; p++) {
        struct sched_entity se;
        memset(&se, 0xA5, sizeof(se));
        sched_entity_init(&se, p);
        assert_int_equal(se.priority, p);
        assert_int_equal(se.slice_left, sched_quantum(p));
        assert_false(list_linked(&se.node));
    }
}

static void test_pick_on_empty_returns_null(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    assert_null(runqueue_pick(&cpu.rq));
    assert_int_equal(cpu.rq.ready, 0);

    /* Empty again once the only entity is running, whatever set it was in. */
    int a = cpu_new(&cpu, 2, true);
    assert_int_equal(cpu_pick(&cpu), a);
    assert_null(runqueue_pick(&cpu.rq));
    assert_true(cpu_run(&cpu, a, 100));
    runqueue_add(&cpu.rq, &cpu.se[a]); /* expired set */
    assert_int_equal(cpu_pick(&cpu), a);
    assert_null(runqueue_pick(&cpu.rq));
    assert_null(runqueue_pick(&cpu.rq));
    assert_int_equal(cpu.rq.ready, 0);
}

static void test_ready_count_follows_add_remove_and_pick(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    for (int i = 0; i < 10; i++) {
        cpu_new(&cpu, i % SCHED_PRIORITIES, true);
        assert_int_equal(cpu.rq.ready, (unsigned)i + 1);
    }
    runqueue_remove(&cpu.rq, &cpu.se[3]);
    assert_int_equal(cpu.rq.ready, 9);
    assert_false(list_linked(&cpu.se[3].node));
    runqueue_remove(&cpu.rq, &cpu.se[3]); /* not queued: nothing happens */
    assert_int_equal(cpu.rq.ready, 9);

    /* An expired entity counts as ready too. */
    int i = cpu_pick(&cpu);
    assert_int_equal(cpu.rq.ready, 8);
    assert_true(cpu_run(&cpu, i, 100));
    runqueue_add(&cpu.rq, &cpu.se[i]);
    assert_int_equal(cpu.rq.ready, 9);

    for (unsigned left = 9; left > 0; left--) {
        cpu_pick(&cpu);
        assert_int_equal(cpu.rq.ready, left - 1);
    }
    assert_null(runqueue_pick(&cpu.rq));
    assert_int_equal(cpu.rq.ready, 0);
}

/* ---- shares ------------------------------------------------------------------ */

static void test_shares_are_5_4_3_2_1_in_every_epoch(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    for (int p = 0; p < SCHED_PRIORITIES; p++)
        cpu_new(&cpu, p, true);
    assert_int_equal(epoch_ticks(&cpu), 150);
    for (long epoch = 1; epoch <= 200; epoch++) {
        cpu_run_epoch(&cpu);
        for (int p = 0; p < SCHED_PRIORITIES; p++)
            assert_int_equal(cpu.ran[p], epoch * sched_quantum(p));
    }
    /* 5:4:3:2:1 overall. */
    for (int p = 0; p < SCHED_PRIORITIES; p++)
        assert_int_equal(cpu.ran[p] * 5, cpu.ran[0] * (5 - p));
}

static void test_shares_with_several_entities_per_priority(void **state)
{
    static const int per_priority[SCHED_PRIORITIES] = {3, 1, 0, 4, 2};
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    /* Interleave the priorities so queue order differs from creation order. */
    for (int round = 0; round < 4; round++)
        for (int p = 0; p < SCHED_PRIORITIES; p++)
            if (round < per_priority[p])
                cpu_new(&cpu, p, true);
    for (long epoch = 1; epoch <= 100; epoch++) {
        cpu_run_epoch(&cpu);
        for (int i = 0; i < cpu.count; i++)
            assert_int_equal(cpu.ran[i], epoch * sched_quantum(cpu.se[i].priority));
    }
}

static void test_equal_priorities_take_turns_equally(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    for (int i = 0; i < 4; i++)
        cpu_new(&cpu, 2, true);
    for (int round = 0; round < 500; round++)
        for (int i = 0; i < 4; i++)
            assert_int_equal(cpu_slice(&cpu), i); /* strict FIFO rotation */
    for (int i = 0; i < 4; i++)
        assert_int_equal(cpu.ran[i], 500 * sched_quantum(2));
}

/* ---- order ------------------------------------------------------------------- */

static void test_higher_priorities_run_first_in_each_epoch(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    /* Lowest first, two per priority: entity 2k and 2k+1 have priority 4 - k. */
    for (int p = SCHED_PRIORITIES - 1; p >= 0; p--) {
        cpu_new(&cpu, p, true);
        cpu_new(&cpu, p, true);
    }
    for (int epoch = 0; epoch < 50; epoch++) {
        cpu.traced = 0;
        cpu_run_epoch(&cpu);
        assert_int_equal(cpu.traced, 10);
        for (int k = 0; k < 10; k++) {
            int p = k / 2;
            int first = 2 * (SCHED_PRIORITIES - 1 - p);
            assert_int_equal(cpu.trace[k], first + k % 2); /* by priority, FIFO within */
        }
    }
}

static void test_cpu_bound_jobs_finish_highest_priority_first(void **state)
{
    /* test_prio's shape: equal work, different priorities, started together. */
    enum { WORK = 600 };
    struct cpu cpu;
    long finished[SCHED_PRIORITIES];
    int order[SCHED_PRIORITIES], done = 0;

    (void)state;
    cpu_init(&cpu);
    for (int p = SCHED_PRIORITIES - 1; p >= 0; p--)
        cpu_new(&cpu, p, true);
    while (done < SCHED_PRIORITIES) {
        int i = cpu_pick(&cpu);
        long need = WORK - cpu.ran[i];
        bool over = cpu_run(&cpu, i, need);
        if (cpu.ran[i] == WORK) {
            finished[done] = cpu.now;
            order[done++] = i;
        } else {
            assert_true(over);
            runqueue_add(&cpu.rq, &cpu.se[i]);
        }
    }
    for (int k = 0; k < SCHED_PRIORITIES; k++)
        assert_int_equal(cpu.se[order[k]].priority, k);
    for (int k = 1; k < SCHED_PRIORITIES; k++)
        assert_true(finished[k] > finished[k - 1]);
}

/* ---- starvation ------------------------------------------------------------------ */

static void test_low_priority_runs_every_epoch_among_twenty_high(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    for (int i = 0; i < 20; i++)
        cpu_new(&cpu, 0, true);
    int low = cpu_new(&cpu, SCHED_PRIORITIES - 1, true);
    const long others = 20L * sched_quantum(0); /* the bound: the others' quanta */
    const long epoch = others + sched_quantum(SCHED_PRIORITIES - 1);

    long last_end = 0, epochs = 0;
    while (cpu.now < 100 * epoch) {
        long start = cpu.now;
        int i = cpu_slice(&cpu);
        if (i != low)
            continue;
        assert_true(start - last_end <= others);
        last_end = cpu.now;
        epochs++;
        /* Exactly one low slice per epoch: the share is 10 / 1010. */
        assert_int_equal(cpu.ran[low], epochs * sched_quantum(SCHED_PRIORITIES - 1));
        assert_int_equal(cpu.now, epochs * epoch);
    }
    assert_int_equal(epochs, 100);
}

/*
 * High-priority entities that run a little, block, and wake later can carry
 * a leftover slice into the next epoch, so the wait of an always-ready low
 * entity is bounded by twice the others' quanta (once for what they had left
 * when it expired, once for the next epoch), never more.
 */
static void test_low_priority_bounded_when_high_ones_block_and_wake(void **state)
{
    enum { HIGH = 12 };
    struct cpu cpu;
    long wake_at[HIGH];
    bool blocked[HIGH] = {false};

    (void)state;
    rng_seed(0x5EEDC0FFEE123457ULL);
    cpu_init(&cpu);
    for (int i = 0; i < HIGH; i++)
        cpu_new(&cpu, (int)rng_below(2), true);
    int low = cpu_new(&cpu, SCHED_PRIORITIES - 1, true);
    long bound = 0;
    for (int i = 0; i < HIGH; i++)
        bound += 2L * sched_quantum(cpu.se[i].priority);

    long others_since = 0, low_runs = 0;
    while (cpu.now < 200000) {
        for (int i = 0; i < HIGH; i++) {
            if (blocked[i] && cpu.now >= wake_at[i]) {
                blocked[i] = false;
                runqueue_add(&cpu.rq, &cpu.se[i]);
            }
        }
        struct sched_entity *se = runqueue_pick(&cpu.rq);
        if (!se) { /* idle for a tick */
            cpu.now++;
            continue;
        }
        int i = index_of(&cpu, se);
        if (i == low) {
            assert_true(others_since <= bound);
            others_since = 0;
            low_runs++;
            assert_true(cpu_run(&cpu, i, sched_quantum(se->priority)));
            runqueue_add(&cpu.rq, se);
            continue;
        }
        long burst = 1 + (long)rng_below(20);
        long before = cpu.ran[i];
        bool over = cpu_run(&cpu, i, burst);
        others_since += cpu.ran[i] - before;
        if (over || rng_below(4) == 0) {
            runqueue_add(&cpu.rq, se); /* slice over, or preempted while ready */
        } else {
            blocked[i] = true; /* sleeps a while, keeping its slice */
            wake_at[i] = cpu.now + (long)rng_below(60);
        }
    }
    assert_true(low_runs > 100);
}

/* ---- blocking and waking ------------------------------------------------------------ */

static void test_woken_entity_keeps_slice_and_rejoins_the_epoch(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    int a = cpu_new(&cpu, 2, true);
    int b = cpu_new(&cpu, 2, true);
    int c = cpu_new(&cpu, 2, true);

    assert_int_equal(cpu_pick(&cpu), a);
    assert_false(cpu_run(&cpu, a, 7)); /* a blocks after 7 ticks */
    assert_int_equal(cpu.se[a].slice_left, sched_quantum(2) - 7);
    assert_int_equal(cpu_slice(&cpu), b);
    assert_int_equal(cpu_slice(&cpu), c);

    /* b and c have used their slices; a wakes into the current epoch and runs first. */
    runqueue_add(&cpu.rq, &cpu.se[a]);
    assert_int_equal(cpu.se[a].slice_left, sched_quantum(2) - 7);
    assert_int_equal(cpu_pick(&cpu), a);
    assert_true(cpu_run(&cpu, a, 100));
    assert_int_equal(cpu.ran[a], sched_quantum(2)); /* 7 + 23: one quantum, not more */
    runqueue_add(&cpu.rq, &cpu.se[a]);
    assert_int_equal(cpu.se[a].slice_left, sched_quantum(2));

    /* Next epoch: in the order they expired. */
    assert_int_equal(cpu_slice(&cpu), b);
    assert_int_equal(cpu_slice(&cpu), c);
    assert_int_equal(cpu_slice(&cpu), a);
}

static void test_removed_ready_entity_keeps_slice(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    int a = cpu_new(&cpu, 1, true);
    int b = cpu_new(&cpu, 1, true);
    int low = cpu_new(&cpu, 3, true);

    assert_int_equal(cpu_pick(&cpu), a);
    assert_false(cpu_run(&cpu, a, 15));
    runqueue_add(&cpu.rq, &cpu.se[a]);    /* preempted: ready, 25 left */
    runqueue_remove(&cpu.rq, &cpu.se[a]); /* then blocked while ready */
    assert_int_equal(cpu.rq.ready, 2);
    assert_int_equal(cpu.se[a].slice_left, sched_quantum(1) - 15);

    assert_int_equal(cpu_slice(&cpu), b);
    runqueue_add(&cpu.rq, &cpu.se[a]); /* unblocked: active set, behind nobody of its priority */
    assert_int_equal(cpu.rq.ready, 3);
    assert_int_equal(cpu_pick(&cpu), a); /* before the lower priority, in this epoch */
    assert_true(cpu_run(&cpu, a, 100));
    assert_int_equal(cpu.ran[a], sched_quantum(1));
    runqueue_add(&cpu.rq, &cpu.se[a]);
    assert_int_equal(cpu_slice(&cpu), low);
    assert_int_equal(cpu_slice(&cpu), b); /* new epoch */
    assert_int_equal(cpu_slice(&cpu), a);
}

static void test_entity_blocked_across_epochs_keeps_leftover(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    int a = cpu_new(&cpu, 0, true);
    int b = cpu_new(&cpu, 0, true);

    assert_int_equal(cpu_pick(&cpu), a);
    assert_false(cpu_run(&cpu, a, 20)); /* blocks with 30 left */
    for (int k = 0; k < 3; k++)
        assert_int_equal(cpu_slice(&cpu), b); /* three epochs of b alone */

    /* Woken in a later epoch: no refill, but straight into the active set. */
    runqueue_add(&cpu.rq, &cpu.se[a]);
    assert_int_equal(cpu.se[a].slice_left, 30);
    assert_int_equal(cpu_pick(&cpu), a);
    assert_true(cpu_run(&cpu, a, 100));
    assert_int_equal(cpu.ran[a], 50);
    runqueue_add(&cpu.rq, &cpu.se[a]);
    assert_int_equal(cpu.se[a].slice_left, 50);
}

static void test_used_up_entity_waits_for_the_next_epoch(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    int high = cpu_new(&cpu, 0, true);
    int low = cpu_new(&cpu, 4, false);

    assert_int_equal(cpu_pick(&cpu), high);
    assert_true(cpu_run(&cpu, high, 100));
    runqueue_add(&cpu.rq, &cpu.se[low]); /* low becomes ready meanwhile */
    runqueue_add(&cpu.rq, &cpu.se[high]);
    assert_int_equal(cpu.se[high].slice_left, sched_quantum(0)); /* refilled */
    /* high is in the next epoch: the lowest priority still goes first. */
    assert_int_equal(cpu_slice(&cpu), low);
    assert_int_equal(cpu_slice(&cpu), high);
    assert_int_equal(cpu_slice(&cpu), low);
}

/* ---- changing priority ------------------------------------------------------------------ */

static void test_set_priority_moves_a_queued_entity(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    int a = cpu_new(&cpu, 4, true);
    int b = cpu_new(&cpu, 2, true);
    int c = cpu_new(&cpu, 0, true);

    runqueue_set_priority(&cpu.rq, &cpu.se[a], 0);
    assert_int_equal(cpu.se[a].priority, 0);
    assert_true(list_linked(&cpu.se[a].node));
    assert_int_equal(cpu.rq.ready, 3);
    runqueue_set_priority(&cpu.rq, &cpu.se[c], 3);
    assert_int_equal(cpu.rq.ready, 3);

    assert_int_equal(cpu_pick(&cpu), a);
    assert_int_equal(cpu_pick(&cpu), b);
    assert_int_equal(cpu_pick(&cpu), c);
    assert_null(runqueue_pick(&cpu.rq));
}

static void test_set_priority_clamps_the_slice(void **state)
{
    struct sched_entity se;
    struct runqueue rq;

    (void)state;
    runqueue_init(&rq);
    sched_entity_init(&se, 0);
    runqueue_set_priority(&rq, &se, 4); /* 50 > 10: cut */
    assert_int_equal(se.slice_left, sched_quantum(4));

    sched_entity_init(&se, 0);
    for (int t = 0; t < 43; t++)
        assert_false(sched_entity_tick(&se));
    runqueue_set_priority(&rq, &se, 4); /* 7 <= 10: kept */
    assert_int_equal(se.slice_left, 7);

    sched_entity_init(&se, 4);
    runqueue_set_priority(&rq, &se, 0); /* never raised */
    assert_int_equal(se.slice_left, sched_quantum(4));
    assert_int_equal(se.priority, 0);

    /* Queued entities are clamped too. */
    sched_entity_init(&se, 1);
    runqueue_add(&rq, &se);
    runqueue_set_priority(&rq, &se, 3);
    assert_int_equal(se.slice_left, sched_quantum(3));
    assert_ptr_equal(runqueue_pick(&rq), &se);
}

static void test_set_priority_of_an_unqueued_entity_leaves_it_unqueued(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    int running = cpu_new(&cpu, 2, true);
    int other = cpu_new(&cpu, 3, true);
    assert_int_equal(cpu_pick(&cpu), running);

    runqueue_set_priority(&cpu.rq, &cpu.se[running], 4); /* a running (or blocked) one */
    assert_false(list_linked(&cpu.se[running].node));
    assert_int_equal(cpu.rq.ready, 1);
    assert_int_equal(cpu.se[running].slice_left, sched_quantum(4));
    assert_true(cpu_run(&cpu, running, 100));
    assert_int_equal(cpu.ran[running], sched_quantum(4));
    runqueue_add(&cpu.rq, &cpu.se[running]);
    assert_int_equal(cpu_slice(&cpu), other);
    /* Next epoch: priority 3 before its new priority, 4. */
    assert_int_equal(cpu_slice(&cpu), other);
    assert_int_equal(cpu_slice(&cpu), running);
}

/*
 * An entity that has used its slice waits on the expired set for the next
 * epoch (runqueue.c: "expired: ... they wait for the next epoch"). Changing
 * its priority meanwhile must not hand it a second slice in the same epoch.
 */
static void test_set_priority_of_an_expired_entity_keeps_it_in_the_next_epoch(void **state)
{
    struct cpu cpu;

    (void)state;
    cpu_init(&cpu);
    int a = cpu_new(&cpu, 2, true);
    int b = cpu_new(&cpu, 3, true);

    assert_int_equal(cpu_slice(&cpu), a); /* a is expired now */
    runqueue_set_priority(&cpu.rq, &cpu.se[a], 1);
    assert_int_equal(cpu.se[a].priority, 1);
    assert_int_equal(cpu.rq.ready, 2);
    int next = cpu_pick(&cpu);
    if (next != b)
        fail_msg("reniced expired entity ran again in the same epoch, before the "
                 "priority-3 entity still waiting for its slice");
}

/* ---- preemption ---------------------------------------------------------------------- */

static void test_only_a_higher_priority_preempts(void **state)
{
    struct sched_entity woken, running;

    (void)state;
    for (int w = 0; w < SCHED_PRIORITIES; w++) {
        for (int r = 0; r < SCHED_PRIORITIES; r++) {
            sched_entity_init(&woken, w);
            sched_entity_init(&running, r);
            assert_int_equal(sched_should_preempt(&woken, &running), w < r);
            running.slice_left = 1; /* how much is left does not matter */
            assert_int_equal(sched_should_preempt(&woken, &running), w < r);
        }
    }
}

/* ---- random operations against a model ------------------------------------------------- */

/*
 * The model: each queued entity is tagged with the epoch it may run in and
 * a sequence number; pick takes the lowest priority number, then the lowest
 * sequence number, among entities of the current epoch, and moves to the
 * next epoch when there is none.
 */
enum model_state { M_RUNNING, M_QUEUED, M_BLOCKED };

struct model {
    enum model_state state[MAX_ENTITIES];
    long epoch_of[MAX_ENTITIES];
    long seq[MAX_ENTITIES];
    int priority[MAX_ENTITIES];
    int slice[MAX_ENTITIES];
    long epoch, next_seq;
    int count;
};

static void model_add(struct model *m, int i)
{
    m->state[i] = M_QUEUED;
    m->epoch_of[i] = m->epoch;
    if (m->slice[i] <= 0) {
        m->slice[i] = QUANTUM_UNIT * (SCHED_PRIORITIES - m->priority[i]);
        m->epoch_of[i] = m->epoch + 1;
    }
    m->seq[i] = m->next_seq++;
}

static int model_pick(struct model *m)
{
    for (int attempt = 0; attempt < 2; attempt++) {
        int best = -1;
        for (int i = 0; i < m->count; i++) {
            if (m->state[i] != M_QUEUED || m->epoch_of[i] != m->epoch)
                continue;
            if (best < 0 || m->priority[i] < m->priority[best] ||
                (m->priority[i] == m->priority[best] && m->seq[i] < m->seq[best]))
                best = i;
        }
        if (best >= 0) {
            m->state[best] = M_RUNNING;
            return best;
        }
        m->epoch++;
    }
    m->epoch--; /* nothing at all was queued: no epoch passed */
    return -1;
}

static unsigned model_ready(const struct model *m)
{
    unsigned n = 0;
    for (int i = 0; i < m->count; i++)
        n += m->state[i] == M_QUEUED;
    return n;
}

/* A random entity in state s, or -1. */
static int random_in_state(const struct model *m, enum model_state s)
{
    int candidates[MAX_ENTITIES], n = 0;
    for (int i = 0; i < m->count; i++)
        if (m->state[i] == s)
            candidates[n++] = i;
    return n ? candidates[rng_below((uint64_t)n)] : -1;
}

static void random_run(uint64_t seed, int entities, long steps)
{
    struct cpu cpu;
    struct model m = {0};
    int running = -1;

    rng_seed(seed);
    cpu_init(&cpu);
    m.count = entities;
    for (int i = 0; i < entities; i++) {
        int p = (int)rng_below(SCHED_PRIORITIES);
        bool ready = rng_below(4) != 0;
        cpu_new(&cpu, p, ready);
        m.priority[i] = p;
        m.slice[i] = sched_quantum(p);
        if (ready)
            model_add(&m, i);
        else
            m.state[i] = M_BLOCKED;
    }

    for (long step = 0; step < steps; step++) {
        if (running < 0) {
            struct sched_entity *se = runqueue_pick(&cpu.rq);
            int want = model_pick(&m);
            if (want < 0) {
                assert_null(se);
            } else if (index_of(&cpu, se) != want) {
                fail_msg("seed %#llx step %ld: picked %d, model says %d", (unsigned long long)seed,
                         step, index_of(&cpu, se), want);
            }
            running = want;
        }
        uint64_t op = rng_below(100);
        int i;
        if (running >= 0 && op < 60) { /* a tick */
            m.slice[running]--;
            if (sched_entity_tick(&cpu.se[running])) {
                assert_true(m.slice[running] <= 0);
                runqueue_add(&cpu.rq, &cpu.se[running]);
                model_add(&m, running);
                running = -1;
            }
        } else if (running >= 0 && op < 65) { /* preempted: back as ready */
            runqueue_add(&cpu.rq, &cpu.se[running]);
            model_add(&m, running);
            running = -1;
        } else if (running >= 0 && op < 72) { /* sleeps */
            m.state[running] = M_BLOCKED;
            running = -1;
        } else if (op < 82 && (i = random_in_state(&m, M_BLOCKED)) >= 0) { /* wakes */
            runqueue_add(&cpu.rq, &cpu.se[i]);
            model_add(&m, i);
        } else if (op < 88 && (i = random_in_state(&m, M_QUEUED)) >= 0) { /* blocked while ready */
            runqueue_remove(&cpu.rq, &cpu.se[i]);
            m.state[i] = M_BLOCKED;
        } else if (op < 94) { /* reniced while not queued (running or blocked) */
            i = rng_below(2) && running >= 0 ? running : random_in_state(&m, M_BLOCKED);
            if (i >= 0) {
                int p = (int)rng_below(SCHED_PRIORITIES);
                runqueue_set_priority(&cpu.rq, &cpu.se[i], p);
                m.priority[i] = p;
                if (m.slice[i] > sched_quantum(p))
                    m.slice[i] = sched_quantum(p);
            }
        }
        assert_int_equal(cpu.rq.ready, model_ready(&m));
        for (int k = 0; k < entities; k++) {
            assert_int_equal(cpu.se[k].priority, m.priority[k]);
            assert_int_equal(cpu.se[k].slice_left, m.slice[k]);
            assert_int_equal(list_linked(&cpu.se[k].node), m.state[k] == M_QUEUED);
            if (m.state[k] == M_QUEUED) {
                assert_true(cpu.se[k].slice_left > 0);
                assert_true(cpu.se[k].slice_left <= sched_quantum(cpu.se[k].priority));
            }
        }
    }
}

static void test_random_operations_match_the_model(void **state)
{
    (void)state;
    random_run(0x0123456789ABCDEFULL, 8, 200000);
    random_run(0xC0DEC0DEC0DEC0DEULL, 3, 200000);
    random_run(0x9E3779B97F4A7C15ULL, MAX_ENTITIES, 200000);
    random_run(0x1ULL, 1, 50000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quanta_are_five_to_one_units),
        cmocka_unit_test(test_new_entity_has_full_slice_and_is_not_queued),
        cmocka_unit_test(test_pick_on_empty_returns_null),
        cmocka_unit_test(test_ready_count_follows_add_remove_and_pick),
        cmocka_unit_test(test_shares_are_5_4_3_2_1_in_every_epoch),
        cmocka_unit_test(test_shares_with_several_entities_per_priority),
        cmocka_unit_test(test_equal_priorities_take_turns_equally),
        cmocka_unit_test(test_higher_priorities_run_first_in_each_epoch),
        cmocka_unit_test(test_cpu_bound_jobs_finish_highest_priority_first),
        cmocka_unit_test(test_low_priority_runs_every_epoch_among_twenty_high),
        cmocka_unit_test(test_low_priority_bounded_when_high_ones_block_and_wake),
        cmocka_unit_test(test_woken_entity_keeps_slice_and_rejoins_the_epoch),
        cmocka_unit_test(test_removed_ready_entity_keeps_slice),
        cmocka_unit_test(test_entity_blocked_across_epochs_keeps_leftover),
        cmocka_unit_test(test_used_up_entity_waits_for_the_next_epoch),
        cmocka_unit_test(test_set_priority_moves_a_queued_entity),
        cmocka_unit_test(test_set_priority_clamps_the_slice),
        cmocka_unit_test(test_set_priority_of_an_unqueued_entity_leaves_it_unqueued),
        cmocka_unit_test(test_set_priority_of_an_expired_entity_keeps_it_in_the_next_epoch),
        cmocka_unit_test(test_only_a_higher_priority_preempts),
        cmocka_unit_test(test_random_operations_match_the_model),
    };

    return cmocka_run_group_tests_name("runqueue", tests, NULL, NULL);
}
