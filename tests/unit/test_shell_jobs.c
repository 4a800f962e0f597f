/*
 * Unit tests for the shell's background-job bookkeeping
 * (userland/shell/jobs.c): a job is reported once, when its last process
 * ends, with its leader's status, whatever order its processes end in.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rng.h"
#include "shell/jobs.h"

static struct jobs jobs;

static int setup(void **state)
{
    (void)state;
    jobs_init(&jobs);
    return 0;
}

/* Reaps pid and checks whether that finished a job (and which, with what status). */
static void reap(int pid, int status, bool finishes, int leader, int leader_status)
{
    int got_leader = -1, got_status = -1;
    assert_int_equal(jobs_reaped(&jobs, pid, status, &got_leader, &got_status), finishes);
    if (finishes) {
        assert_int_equal(got_leader, leader);
        assert_int_equal(got_status, leader_status);
    }
}

static void single_process_job_is_reported_with_its_status(void **state)
{
    (void)state;
    int pids[] = {7};
    assert_true(jobs_add(&jobs, pids, 1));
    reap(7, 3, true, 7, 3);
    reap(7, 3, false, 0, 0); /* forgotten once reported */
}

static void pipeline_reported_after_its_last_stage_with_the_leaders_status(void **state)
{
    (void)state;
    int pids[] = {12, 10, 11}; /* the leader (last stage) first */
    assert_true(jobs_add(&jobs, pids, 3));
    reap(12, 5, false, 0, 0);
    reap(10, -1, false, 0, 0);
    reap(11, 0, true, 12, 5);
}

static void running_lists_the_processes_not_yet_ended(void **state)
{
    (void)state;
    int first[] = {30, 28, 29}, second[] = {40};
    assert_true(jobs_add(&jobs, first, 3));
    assert_true(jobs_add(&jobs, second, 1));
    reap(28, 0, false, 0, 0);
    int pids[8];
    assert_int_equal(jobs_running(&jobs, pids, 8), 3);
    assert_int_equal(pids[0], 30);
    assert_int_equal(pids[1], 29);
    assert_int_equal(pids[2], 40);
    assert_int_equal(jobs_running(&jobs, pids, 2), 2); /* never more than max */
    reap(40, 0, true, 40, 0);
    assert_int_equal(jobs_running(&jobs, pids, 8), 2);
}

static void unknown_pids_are_ignored(void **state)
{
    (void)state;
    int pids[] = {20, 21};
    assert_true(jobs_add(&jobs, pids, 2));
    reap(99, 0, false, 0, 0);
    reap(21, 0, false, 0, 0);
    reap(21, 0, false, 0, 0); /* a pid counts once */
    reap(20, 4, true, 20, 4);
}

static void table_full_then_space_again(void **state)
{
    (void)state;
    for (int i = 0; i < JOBS_MAX; i++) {
        int pid = 100 + i;
        assert_true(jobs_add(&jobs, &pid, 1));
    }
    int extra = 500;
    assert_false(jobs_add(&jobs, &extra, 1));
    reap(105, 0, true, 105, 0);
    assert_true(jobs_add(&jobs, &extra, 1));
    reap(500, 1, true, 500, 1);
}

/* Many jobs of random sizes whose processes end in a random interleaving. */
static void random_interleavings_report_each_job_once(void **state)
{
    (void)state;
    rng_seed(4242);
    for (int round = 0; round < 200; round++) {
        jobs_init(&jobs);
        int njobs = 1 + (int)rng_below(JOBS_MAX);
        int pending[JOBS_MAX * JOB_PROCS_MAX], npending = 0;
        int reported[JOBS_MAX] = {0};
        for (int j = 0; j < njobs; j++) {
            int count = 1 + (int)rng_below(JOB_PROCS_MAX);
            int pids[JOB_PROCS_MAX];
            for (int p = 0; p < count; p++) {
                pids[p] = 1000 * (j + 1) + p;
                pending[npending++] = pids[p];
            }
            assert_true(jobs_add(&jobs, pids, count));
        }
        while (npending > 0) {
            int k = (int)rng_below((uint64_t)npending);
            int pid = pending[k];
            pending[k] = pending[--npending];
            int job = pid / 1000 - 1, leader = 0, status = 0;
            int own_status = pid % 1000; /* the leader is stage 0, status 0 */
            bool last = true;
            for (int i = 0; i < npending; i++)
                if (pending[i] / 1000 - 1 == job)
                    last = false;
            assert_int_equal(jobs_reaped(&jobs, pid, own_status, &leader, &status), last);
            if (last) {
                assert_int_equal(leader, 1000 * (job + 1));
                assert_int_equal(status, 0);
                reported[job]++;
            }
        }
        for (int j = 0; j < njobs; j++)
            assert_int_equal(reported[j], 1);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(single_process_job_is_reported_with_its_status, setup),
        cmocka_unit_test_setup(pipeline_reported_after_its_last_stage_with_the_leaders_status,
                               setup),
        cmocka_unit_test_setup(running_lists_the_processes_not_yet_ended, setup),
        cmocka_unit_test_setup(unknown_pids_are_ignored, setup),
        cmocka_unit_test_setup(table_full_then_space_again, setup),
        cmocka_unit_test(random_interleavings_report_each_job_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
