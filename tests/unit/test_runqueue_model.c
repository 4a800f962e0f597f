/*
 * Randomized unit tests for the scheduler's policy (kernel/proc/runqueue.h).
 *
 *   gcc ... tests/unit/test_runqueue_model.c kernel/proc/runqueue.c -lcmocka
 *
 * Long seeded runs on the simulated CPU of runqueue_fixture.h: high-priority
 * entities that block and wake at random must not starve a low one beyond a
 * bound, and hundreds of thousands of random ticks, preemptions, sleeps,
 * wakes, removals and renices must make every pick the one a model of the
 * policy, written independently here, makes. The contract cases are in
 * test_runqueue.c.
 */
#include "runqueue_fixture.h"

#include "rng.h"

/* ---- starvation under random blocking ------------------------------------------------ */

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
        assert_true(runqueue_check(&cpu.rq)); /* what debug kernels assert on every switch */
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
        cmocka_unit_test(test_low_priority_bounded_when_high_ones_block_and_wake),
        cmocka_unit_test(test_random_operations_match_the_model),
    };

    return cmocka_run_group_tests_name("runqueue_model", tests, NULL, NULL);
}
