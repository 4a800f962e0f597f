/*
 * Unit tests for a semaphore's value and waiter queue (kernel/sync/sem_queue.h).
 *
 *   gcc ... tests/unit/test_sem_queue.c kernel/sync/sem_queue.c -lcmocka
 *
 * Waiters are plain structs here, standing for the processes that sleep in
 * sem_wait. The contract tests check each call; the model test drives one
 * queue with random operations and holds it, step by step, against a
 * reference written the obvious way (an array of pids and a counter), and
 * against the invariants: value > 0 only while nobody waits, and no unit is
 * ever made or lost.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rng.h"

#include <string.h>

#include "lib/errno.h"
#include "sync/sem_queue.h"
#include "uapi/chalk/syscalls.h"

#define WAITERS 64

/* Asserts the queue holds exactly these pids, longest waiting first. */
static void assert_queue(const struct sem_queue *q, const int32_t *want, int count)
{
    int32_t got[WAITERS];
    assert_int_equal(q->waiting, count);
    assert_int_equal(sem_queue_pids(q, got, WAITERS), count);
    for (int i = 0; i < count; i++)
        assert_int_equal(got[i], want[i]);
}

/* Queues waiters w[0 .. count-1] for pids 100, 101, ... on a queue at 0. */
static void queue_waiters(struct sem_queue *q, struct sem_waiter *w, int count)
{
    for (int i = 0; i < count; i++)
        assert_false(sem_queue_take(q, &w[i], 100 + i));
}

/* Posts once, expecting the unit to go to `want` (NULL: to the value). */
static void post_expect(struct sem_queue *q, const struct sem_waiter *want)
{
    struct sem_waiter *granted = (struct sem_waiter *)1; /* must be overwritten */
    assert_int_equal(sem_queue_post(q, &granted), 0);
    assert_ptr_equal(granted, want);
    if (want) {
        assert_true(want->granted);
        assert_false(list_linked(&want->node));
    }
}

/* ---- contract ---------------------------------------------------------------- */

static void test_init_sets_value_and_empty_queue(void **state)
{
    struct sem_queue q;

    (void)state;
    memset(&q, 0xA5, sizeof(q));
    sem_queue_init(&q, 3);
    assert_int_equal(q.value, 3);
    assert_queue(&q, NULL, 0);
    sem_queue_init(&q, SEM_VALUE_MAX);
    assert_int_equal(q.value, SEM_VALUE_MAX);
}

static void test_take_uses_free_units_then_queues(void **state)
{
    struct sem_queue q;
    struct sem_waiter w[3];

    (void)state;
    sem_queue_init(&q, 2);
    assert_true(sem_queue_take(&q, &w[0], 1));
    assert_true(sem_queue_take(&q, &w[1], 2));
    assert_int_equal(q.value, 0);
    assert_queue(&q, NULL, 0);
    assert_false(sem_queue_take(&q, &w[2], 3));
    assert_int_equal(q.value, 0);
    assert_false(w[2].granted);
    assert_int_equal(w[2].pid, 3);
    assert_queue(&q, (int32_t[]){3}, 1);
}

static void test_post_without_waiters_raises_value(void **state)
{
    struct sem_queue q;

    (void)state;
    sem_queue_init(&q, 0);
    for (uint32_t i = 1; i <= 5; i++) {
        post_expect(&q, NULL);
        assert_int_equal(q.value, i);
    }
}

static void test_post_at_max_overflows_and_changes_nothing(void **state)
{
    struct sem_queue q;
    struct sem_waiter *granted;

    (void)state;
    sem_queue_init(&q, SEM_VALUE_MAX - 1);
    post_expect(&q, NULL);
    assert_int_equal(sem_queue_post(&q, &granted), -EOVERFLOW);
    assert_null(granted);
    assert_int_equal(q.value, SEM_VALUE_MAX);
    assert_queue(&q, NULL, 0);
}

static void test_post_hands_units_to_waiters_in_arrival_order(void **state)
{
    struct sem_queue q;
    struct sem_waiter w[5];

    (void)state;
    sem_queue_init(&q, 0);
    queue_waiters(&q, w, 5);
    assert_queue(&q, (int32_t[]){100, 101, 102, 103, 104}, 5);
    for (int i = 0; i < 5; i++) {
        post_expect(&q, &w[i]);
        assert_int_equal(q.value, 0); /* handed over, never left in the value */
        assert_int_equal(q.waiting, 4 - i);
    }
    post_expect(&q, NULL);
    assert_int_equal(q.value, 1);
}

static void test_newcomer_cannot_overtake_a_sleeper(void **state)
{
    struct sem_queue q;
    struct sem_waiter w[3];

    (void)state;
    sem_queue_init(&q, 0);
    queue_waiters(&q, w, 2);
    post_expect(&q, &w[0]);
    /* w[0] has not run yet; a process arriving now still queues behind w[1]. */
    assert_false(sem_queue_take(&q, &w[2], 200));
    assert_queue(&q, (int32_t[]){101, 200}, 2);
    post_expect(&q, &w[1]);
    post_expect(&q, &w[2]);
}

static void test_cancel_queued_waiter_leaves_the_others_in_order(void **state)
{
    struct sem_queue q;
    struct sem_waiter w[4];

    (void)state;
    sem_queue_init(&q, 0);
    queue_waiters(&q, w, 4);
    assert_null(sem_queue_cancel(&q, &w[1]));
    assert_false(list_linked(&w[1].node));
    assert_queue(&q, (int32_t[]){100, 102, 103}, 3);
    assert_null(sem_queue_cancel(&q, &w[3])); /* the last */
    assert_null(sem_queue_cancel(&q, &w[0])); /* the first */
    assert_queue(&q, (int32_t[]){102}, 1);
    assert_int_equal(q.value, 0);
    post_expect(&q, &w[2]);
    post_expect(&q, NULL);
    assert_int_equal(q.value, 1);
}

static void test_cancel_granted_waiter_passes_its_unit_on(void **state)
{
    struct sem_queue q;
    struct sem_waiter w[3];

    (void)state;
    sem_queue_init(&q, 0);
    queue_waiters(&q, w, 3);
    post_expect(&q, &w[0]);
    /* w[0] was killed before it ran: w[1] gets the unit instead. */
    assert_ptr_equal(sem_queue_cancel(&q, &w[0]), &w[1]);
    assert_false(w[0].granted);
    assert_true(w[1].granted);
    assert_queue(&q, (int32_t[]){102}, 1);
    post_expect(&q, &w[2]);
    /* With nobody left waiting, a cancelled grant goes back to the value. */
    assert_null(sem_queue_cancel(&q, &w[2]));
    assert_int_equal(q.value, 1);
    assert_queue(&q, NULL, 0);
}

static void test_cancel_granted_waiter_at_max_drops_the_unit(void **state)
{
    struct sem_queue q;
    struct sem_waiter w;

    (void)state;
    sem_queue_init(&q, 0);
    queue_waiters(&q, &w, 1);
    post_expect(&q, &w);
    q.value = SEM_VALUE_MAX; /* as after 2^31 - 1 more posts */
    assert_null(sem_queue_cancel(&q, &w));
    assert_int_equal(q.value, SEM_VALUE_MAX);
}

static void test_pids_stops_at_max(void **state)
{
    struct sem_queue q;
    struct sem_waiter w[10];
    int32_t pids[10] = {0};

    (void)state;
    sem_queue_init(&q, 0);
    assert_int_equal(sem_queue_pids(&q, pids, 10), 0);
    queue_waiters(&q, w, 10);
    assert_int_equal(sem_queue_pids(&q, pids, 3), 3);
    assert_int_equal(pids[0], 100);
    assert_int_equal(pids[2], 102);
    assert_int_equal(pids[3], 0); /* nothing written past max */
    assert_int_equal(sem_queue_pids(&q, pids, 0), 0);
    assert_int_equal(q.waiting, 10);
}

/* ---- random operations against a reference model --------------------------- */

/*
 * Each simulated process is idle, queued, granted (woken with a unit, not
 * yet back from sem_wait) or holding a unit. The reference keeps the queue
 * as an array of process numbers and the value as a counter.
 */
enum role { IDLE, QUEUED, GRANTED, HOLDING };

struct model {
    struct sem_queue q;
    struct sem_waiter w[WAITERS];
    enum role role[WAITERS];
    int order[WAITERS]; /* queued processes, longest waiting first */
    int queued;
    uint32_t value;
    uint32_t units; /* value + granted + holding: constant */
};

static int count_role(const struct model *m, enum role role)
{
    int n = 0;
    for (int i = 0; i < WAITERS; i++)
        n += m->role[i] == role;
    return n;
}

static void model_check(const struct model *m)
{
    int32_t want[WAITERS];
    for (int i = 0; i < m->queued; i++)
        want[i] = m->order[i] + 1;
    assert_queue(&m->q, want, m->queued);
    assert_int_equal(m->q.value, m->value);
    assert_true(m->q.value == 0 || m->q.waiting == 0);
    assert_int_equal(m->value + count_role(m, GRANTED) + count_role(m, HOLDING), m->units);
    for (int i = 0; i < WAITERS; i++)
        if (m->role[i] == GRANTED)
            assert_true(m->w[i].granted);
}

/* The reference post: the first queued process is granted, else the value grows. */
static int model_post(struct model *m)
{
    if (m->queued == 0) {
        m->value++;
        return -1;
    }
    int first = m->order[0];
    memmove(m->order, m->order + 1, (size_t)--m->queued * sizeof(m->order[0]));
    m->role[first] = GRANTED;
    return first;
}

static int random_with_role(const struct model *m, enum role role)
{
    int n = count_role(m, role);
    if (n == 0)
        return -1;
    int pick = (int)rng_below((uint64_t)n);
    for (int i = 0; i < WAITERS; i++)
        if (m->role[i] == role && pick-- == 0)
            return i;
    return -1;
}

/* An idle process calls sem_wait. */
static void step_take(struct model *m)
{
    int i = random_with_role(m, IDLE);
    if (i < 0)
        return;
    bool got = sem_queue_take(&m->q, &m->w[i], i + 1);
    assert_int_equal(got, m->value > 0);
    if (got) {
        m->value--;
        m->role[i] = HOLDING;
    } else {
        m->order[m->queued++] = i;
        m->role[i] = QUEUED;
    }
}

/* A holder posts (giving its unit back), or sometimes anyone posts (a new unit). */
static void step_post(struct model *m)
{
    int holder = random_with_role(m, HOLDING);
    if (holder >= 0 && rng_below(4) != 0)
        m->role[holder] = IDLE;
    else
        m->units++;
    struct sem_waiter *granted;
    assert_int_equal(sem_queue_post(&m->q, &granted), 0);
    int want = model_post(m);
    assert_ptr_equal(granted, want < 0 ? NULL : &m->w[want]);
}

/* A granted process runs again and returns from sem_wait with its unit. */
static void step_return(struct model *m)
{
    int i = random_with_role(m, GRANTED);
    if (i >= 0)
        m->role[i] = HOLDING;
}

/* A queued or granted process is killed and cancels its wait. */
static void step_kill(struct model *m)
{
    int i = random_with_role(m, rng_below(2) ? QUEUED : GRANTED);
    if (i < 0)
        return;
    int want = -1;
    if (m->role[i] == GRANTED) {
        want = model_post(m);
    } else {
        int at = 0;
        while (m->order[at] != i)
            at++;
        memmove(m->order + at, m->order + at + 1, (size_t)(m->queued - at - 1) * sizeof(int));
        m->queued--;
    }
    m->role[i] = IDLE;
    struct sem_waiter *next = sem_queue_cancel(&m->q, &m->w[i]);
    assert_ptr_equal(next, want < 0 ? NULL : &m->w[want]);
}

static void test_random_operations_match_the_model(void **state)
{
    static struct model m;

    (void)state;
    rng_seed(0x5E3A9F0125ULL);
    for (int run = 0; run < 200; run++) {
        memset(&m, 0, sizeof(m));
        m.value = m.units = (uint32_t)rng_below(4);
        sem_queue_init(&m.q, m.value);
        for (int step = 0; step < 2000; step++) {
            switch (rng_below(4)) {
            case 0:
                step_take(&m);
                break;
            case 1:
                step_post(&m);
                break;
            case 2:
                step_return(&m);
                break;
            default:
                step_kill(&m);
            }
            model_check(&m);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_sets_value_and_empty_queue),
        cmocka_unit_test(test_take_uses_free_units_then_queues),
        cmocka_unit_test(test_post_without_waiters_raises_value),
        cmocka_unit_test(test_post_at_max_overflows_and_changes_nothing),
        cmocka_unit_test(test_post_hands_units_to_waiters_in_arrival_order),
        cmocka_unit_test(test_newcomer_cannot_overtake_a_sleeper),
        cmocka_unit_test(test_cancel_queued_waiter_leaves_the_others_in_order),
        cmocka_unit_test(test_cancel_granted_waiter_passes_its_unit_on),
        cmocka_unit_test(test_cancel_granted_waiter_at_max_drops_the_unit),
        cmocka_unit_test(test_pids_stops_at_max),
        cmocka_unit_test(test_random_operations_match_the_model),
    };

    return cmocka_run_group_tests_name("sem_queue", tests, NULL, NULL);
}
