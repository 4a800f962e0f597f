/*
 * Unit tests for the pid allocator (kernel/proc/pid.h).
 *
 *   gcc ... tests/unit/test_pid.c kernel/proc/pid.c -lcmocka
 *
 * The process table is modelled as an array of "slot in use" flags, which is
 * all pid_next sees of it (a zombie is a slot in use). Expected pids come
 * from the header's rule, computed here the slow way: the first pid after the
 * last one, going round 1 .. PID_LIMIT - 1, whose slot is free.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rng.h"

#include <stdbool.h>
#include <string.h>

#include "lib/errno.h"
#include "proc/pid.h"

#define MAX_SLOTS 256

struct table {
    bool used[MAX_SLOTS];
    unsigned slots;
    unsigned queries; /* calls of the in_use callback */
};

static bool slot_in_use(unsigned slot, void *ctx)
{
    struct table *t = ctx;
    assert_true(slot < t->slots);
    t->queries++;
    return t->used[slot];
}

static void table_init(struct table *t, unsigned slots)
{
    memset(t, 0, sizeof(*t));
    assert_true(slots <= MAX_SLOTS);
    t->slots = slots;
}

static void table_fill(struct table *t)
{
    for (unsigned s = 0; s < t->slots; s++)
        t->used[s] = true;
}

static int next(struct table *t, int last)
{
    return pid_next(last, t->slots, slot_in_use, t);
}

/* The header's rule, step by step. */
static int reference_next(const struct table *t, int last)
{
    bool any_free = false;
    for (unsigned s = 0; s < t->slots; s++)
        any_free |= !t->used[s];
    if (!any_free)
        return -EAGAIN;
    int pid = last;
    for (long step = 0; step < PID_LIMIT; step++) {
        pid = pid + 1 < PID_LIMIT ? pid + 1 : 1;
        if (!t->used[(unsigned)pid % t->slots])
            return pid;
    }
    return -EAGAIN;
}

/* Allocates like proc.c: next pid, slot taken, last pid remembered. */
static int allocate(struct table *t, int *last)
{
    int pid = next(t, *last);
    if (pid > 0) {
        assert_false(t->used[pid_slot(pid, t->slots)]);
        t->used[pid_slot(pid, t->slots)] = true;
        *last = pid;
    }
    return pid;
}

/* ---- the basic rule ------------------------------------------------------- */

static void test_limits_and_slot_mapping(void **state)
{
    (void)state;
    assert_int_equal(PID_LIMIT % MAX_SLOTS, 0); /* a multiple of every table size */
    for (unsigned slots = 1; slots <= MAX_SLOTS; slots *= 2) {
        for (int pid = 1; pid < 3 * (int)slots + 5; pid++)
            assert_int_equal(pid_slot(pid, slots), (unsigned)pid % slots);
        assert_int_equal(pid_slot(PID_LIMIT - 1, slots), slots - 1);
    }
}

static void test_first_pid_is_one(void **state)
{
    struct table t;

    (void)state;
    for (unsigned slots = 1; slots <= MAX_SLOTS; slots *= 2) {
        table_init(&t, slots);
        assert_int_equal(next(&t, 0), 1);
    }
}

static void test_pids_go_round_and_are_not_reused_at_once(void **state)
{
    struct table t;
    int last = 0;

    (void)state;
    table_init(&t, 16);
    /* Each process ends before the next starts: pids still count up. */
    for (int expect = 1; expect <= 1000; expect++) {
        int pid = allocate(&t, &last);
        assert_int_equal(pid, expect);
        t.used[pid_slot(pid, t.slots)] = false;
    }
    /* With every process alive, the table fills in pid order. */
    table_init(&t, 16);
    last = 0;
    for (int expect = 1; expect <= 16; expect++)
        assert_int_equal(allocate(&t, &last), expect);
}

static void test_slots_in_use_are_skipped(void **state)
{
    struct table t;

    (void)state;
    table_init(&t, 8);
    t.used[1] = t.used[2] = true;
    assert_int_equal(next(&t, 0), 3);
    t.used[3] = t.used[4] = t.used[5] = true;
    assert_int_equal(next(&t, 2), 6);
    assert_int_equal(next(&t, 7), 8); /* slot 0 */
    t.used[0] = t.used[6] = t.used[7] = true;
    assert_int_equal(next(&t, 7), -EAGAIN);
    t.used[2] = false;
    assert_int_equal(next(&t, 7), 10); /* round the table to slot 2 */
    assert_int_equal(next(&t, 1000), 1002);
}

static void test_pid_lives_in_its_slot(void **state)
{
    struct table t;

    (void)state;
    rng_seed(0xB1D5B1D5ULL);
    for (unsigned slots = 1; slots <= MAX_SLOTS; slots *= 2) {
        table_init(&t, slots);
        int last = 0;
        for (int round = 0; round < 2000; round++) {
            int pid = allocate(&t, &last);
            if (pid == -EAGAIN) {
                for (unsigned s = 0; s < slots; s++)
                    assert_true(t.used[s]);
            } else {
                assert_true(pid > 0 && pid < PID_LIMIT);
                assert_int_equal(pid % (int)slots, pid_slot(pid, slots));
            }
            /* Some processes end, freeing their slots. */
            for (unsigned s = 0; s < slots; s++)
                if (t.used[s] && rng_below(3) == 0)
                    t.used[s] = false;
        }
    }
}

static void test_eagain_when_every_slot_is_in_use(void **state)
{
    /* Ordinary last pids, and last pids just below the limit. */
    static const int lasts[] = {0, 1, 7, 255, 256, 1000, -300, -256, -3, -2, -1};
    struct table t;

    (void)state;
    for (unsigned slots = 1; slots <= MAX_SLOTS; slots *= 2) {
        table_init(&t, slots);
        table_fill(&t);
        for (size_t k = 0; k < sizeof(lasts) / sizeof(lasts[0]); k++) {
            int last = lasts[k] < 0 ? PID_LIMIT + lasts[k] : lasts[k];
            t.queries = 0;
            assert_int_equal(next(&t, last), -EAGAIN);
            assert_true(t.queries <= 2 * slots); /* a bounded search, not a walk of all pids */
        }
    }
}

/* ---- wrapping at PID_LIMIT ----------------------------------------------------- */

static void test_wrap_skips_pid_zero(void **state)
{
    struct table t;

    (void)state;
    table_init(&t, 8);
    assert_int_equal(next(&t, PID_LIMIT - 1), 1);
    assert_int_equal(next(&t, PID_LIMIT - 2), PID_LIMIT - 1);
    t.used[7] = true; /* PID_LIMIT - 1's slot */
    assert_int_equal(next(&t, PID_LIMIT - 2), 1);
    t.used[1] = true;
    assert_int_equal(next(&t, PID_LIMIT - 2), 2);
    assert_int_equal(next(&t, PID_LIMIT - 1), 2);

    /* A table of one slot: every pid lives in slot 0. */
    table_init(&t, 1);
    assert_int_equal(next(&t, PID_LIMIT - 1), 1);
    assert_int_equal(next(&t, PID_LIMIT - 2), PID_LIMIT - 1);
    t.used[0] = true;
    assert_int_equal(next(&t, PID_LIMIT - 1), -EAGAIN);
}

/*
 * With a single free slot, whatever the last pid, the answer is the first
 * pid after it in that slot. Near PID_LIMIT the search wraps past pid 0,
 * whose slot (0) is then first reached at pid `slots`.
 */
static void test_wrap_finds_the_only_free_slot(void **state)
{
    struct table t;

    (void)state;
    for (unsigned slots = 1; slots <= MAX_SLOTS; slots *= 2) {
        for (unsigned free_slot = 0; free_slot < slots; free_slot++) {
            table_init(&t, slots);
            table_fill(&t);
            t.used[free_slot] = false;
            for (int last = PID_LIMIT - 2 * (int)slots - 1; last < PID_LIMIT; last++) {
                if (last < 0)
                    continue;
                int want = reference_next(&t, last);
                int got = next(&t, last);
                if (got != want)
                    fail_msg("slots %u, only slot %u free, last pid %d: got %d, want %d", slots,
                             free_slot, last, got, want);
            }
        }
    }
}

static void test_full_cycle_with_a_zombie_never_reuses_its_pid(void **state)
{
    struct table t;
    int last = 0;

    (void)state;
    table_init(&t, 8);
    for (int expect = 1; expect <= 8; expect++)
        assert_int_equal(allocate(&t, &last), expect);
    /* All end; pid 3 stays a zombie (its parent never waits), holding slot 3. */
    for (unsigned s = 0; s < 8; s++)
        t.used[s] = s == 3;

    /* Short-lived processes go round the whole pid space, twice. */
    long wraps = 0;
    int previous = last;
    for (long n = 0; n < 2L * PID_LIMIT * 7 / 8 + 16; n++) {
        int pid = allocate(&t, &last);
        assert_true(pid > 0 && pid < PID_LIMIT);
        if (pid_slot(pid, 8) == 3)
            fail_msg("pid %d handed out while pid 3, a zombie, holds slot 3", pid);
        if (pid < previous) {
            wraps++;
            assert_int_equal(previous, PID_LIMIT - 1);
            assert_int_equal(pid, 1);
        } else {
            assert_int_equal(pid, previous + (pid_slot(previous + 1, 8) == 3 ? 2 : 1));
        }
        previous = pid;
        t.used[pid_slot(pid, 8)] = false; /* ends and is reaped */
    }
    assert_int_equal(wraps, 2);

    /* Once reaped, the slot is free again, for the next pid that lands in it. */
    t.used[3] = false;
    int pid = next(&t, last);
    assert_int_equal(pid, last + 1);
    assert_int_equal(next(&t, 10), 11);
}

/* ---- random tables against the rule -------------------------------------------- */

static void test_random_tables_match_the_rule(void **state)
{
    struct table t;

    (void)state;
    rng_seed(0x0DDBA11CAFEF00DULL);
    for (int round = 0; round < 20000; round++) {
        unsigned slots = 1u << rng_below(9); /* 1 .. 256 */
        table_init(&t, slots);
        /* From an empty table to a full one, with sparse tables most likely. */
        unsigned density = (unsigned)rng_below(101);
        for (unsigned s = 0; s < slots; s++)
            t.used[s] = rng_below(100) < density;
        int last;
        switch (rng_below(3)) {
        case 0:
            last = (int)rng_below(4 * slots + 1);
            break;
        case 1:
            last = PID_LIMIT - 1 - (int)rng_below(2 * slots + 1);
            break;
        default:
            last = 1 + (int)rng_below(PID_LIMIT - 1);
        }
        int want = reference_next(&t, last);
        int got = next(&t, last);
        if (got != want)
            fail_msg("slots %u, last pid %d, density %u%%: got %d, want %d", slots, last, density,
                     got, want);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_limits_and_slot_mapping),
        cmocka_unit_test(test_first_pid_is_one),
        cmocka_unit_test(test_pids_go_round_and_are_not_reused_at_once),
        cmocka_unit_test(test_slots_in_use_are_skipped),
        cmocka_unit_test(test_pid_lives_in_its_slot),
        cmocka_unit_test(test_eagain_when_every_slot_is_in_use),
        cmocka_unit_test(test_wrap_skips_pid_zero),
        cmocka_unit_test(test_wrap_finds_the_only_free_slot),
        cmocka_unit_test(test_full_cycle_with_a_zombie_never_reuses_its_pid),
        cmocka_unit_test(test_random_tables_match_the_rule),
    };

    return cmocka_run_group_tests_name("pid", tests, NULL, NULL);
}
