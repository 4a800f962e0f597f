/*
 * Unit tests for the scheduler's policy (kernel/proc/runqueue.h): the
 * contract of each call and the shape of the schedule it produces.
 *
 *   gcc ... tests/unit/test_runqueue.c kernel/proc/runqueue.c -lcmocka
 *
 * The simulated CPU (runqueue_fixture.h) picks entities, charges them ticks
 * and puts them back as sched.c does. The tests count the ticks each entity
 * gets and the order in which slices run, and hold them against the design
 * in runqueue.c: CPU shares 5:4:3:2:1 in every epoch, higher priorities
 * first, a bounded wait for the lowest, and a woken entity keeping what is
 * left of its slice. The randomized runs are in test_runqueue_model.c.
 */
#include "runqueue_fixture.h"

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

/* runqueue_check, which debug kernels assert on every switch, sees each broken rule. */
static void test_check_catches_each_broken_rule(void **state)
{
    (void)state;
    struct cpu cpu;
    cpu_init(&cpu);
    assert_true(runqueue_check(&cpu.rq));
    int a = cpu_new(&cpu, 1, true);
    int b = cpu_new(&cpu, 3, true);
    assert_true(runqueue_check(&cpu.rq));

    cpu.rq.ready++; /* a count that disagrees with the queues */
    assert_false(runqueue_check(&cpu.rq));
    cpu.rq.ready--;

    cpu.se[a].priority = 2; /* on the priority-1 queue, claiming priority 2 */
    assert_false(runqueue_check(&cpu.rq));
    cpu.se[a].priority = 1;

    cpu.se[b].slice_left = 0; /* queued with no slice left */
    assert_false(runqueue_check(&cpu.rq));
    cpu.se[b].slice_left = sched_quantum(3) + 1; /* more than its quantum */
    assert_false(runqueue_check(&cpu.rq));
    cpu.se[b].slice_left = sched_quantum(3);

    cpu.se[b].set = !cpu.se[b].set; /* claims the other set */
    assert_false(runqueue_check(&cpu.rq));
    cpu.se[b].set = !cpu.se[b].set;

    struct list_node *next = cpu.se[a].node.next;
    cpu.se[a].node.next = &cpu.se[a].node; /* a broken link: a loop */
    assert_false(runqueue_check(&cpu.rq));
    cpu.se[a].node.next = next;
    assert_true(runqueue_check(&cpu.rq));
}

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
        cmocka_unit_test(test_woken_entity_keeps_slice_and_rejoins_the_epoch),
        cmocka_unit_test(test_removed_ready_entity_keeps_slice),
        cmocka_unit_test(test_entity_blocked_across_epochs_keeps_leftover),
        cmocka_unit_test(test_used_up_entity_waits_for_the_next_epoch),
        cmocka_unit_test(test_set_priority_moves_a_queued_entity),
        cmocka_unit_test(test_set_priority_clamps_the_slice),
        cmocka_unit_test(test_set_priority_of_an_unqueued_entity_leaves_it_unqueued),
        cmocka_unit_test(test_set_priority_of_an_expired_entity_keeps_it_in_the_next_epoch),
        cmocka_unit_test(test_check_catches_each_broken_rule),
        cmocka_unit_test(test_only_a_higher_priority_preempts),
    };

    return cmocka_run_group_tests_name("runqueue", tests, NULL, NULL);
}
