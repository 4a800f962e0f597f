/*
 * test prio [ROUNDS]: what priorities and blocking do to three busy
 * processes.
 *
 * Three workers loop forever, each printing its pid now and then (every
 * PRINT_EVERY turns of its loop, so a worker that gets more of the CPU
 * prints more often). Each round has four phases; in each the test sleeps
 * MEASURE_MS and reads how much CPU time each worker used meanwhile (the
 * cpu_ms of ps, before and after), prints the shares and checks them:
 *
 *   same priority      all at 2: each gets a fair part, no worker more than
 *                      twice another
 *   priorities 4 2 0   the scheduler gives quanta of 10, 30 and 50 ms per
 *                      epoch (docs/scheduler.md), about 11 %, 33 % and 56 %:
 *                      the higher the priority, the larger the share
 *   blocked            no worker may run at all: no CPU time, no output
 *   unblocked          all run again, still in priority order
 *
 * The test itself runs at the highest priority, so that it wakes on time to
 * take its measurements; it sleeps all the rest. At the end it kills the
 * workers and checks that none is left.
 */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "tests/tests.h"

#define WORKERS     3
#define MEASURE_MS  1000
#define PRINT_EVERY 20000000 /* loop turns between two prints of a worker */
#define ROUNDS_MAX  1000

struct workers {
    int pids[WORKERS];
    uint64_t cpu_ms[WORKERS]; /* at the last snapshot */
    uint64_t used[WORKERS];   /* during the last phase */
    bool gone;                /* a worker is missing from ps */
};

__attribute__((noreturn)) static int64_t prio_worker(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int pid = getpid();
    for (;;) {
        /* volatile: the compiler may not skip the turns that do nothing */
        for (volatile uint64_t turn = 0; turn < PRINT_EVERY; turn++)
            ;
        printf("%d ", pid);
    }
}

/* Records each worker's cpu_ms now; false when one is missing. */
static bool snapshot(struct workers *w, uint64_t cpu_ms[WORKERS])
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    if (!procs)
        return false;
    int found = 0;
    for (int i = 0; i < WORKERS; i++) {
        for (int p = 0; p < count; p++) {
            if (procs[p].pid == w->pids[i]) {
                cpu_ms[i] = procs[p].cpu_ms;
                found++;
            }
        }
    }
    free(procs);
    return found == WORKERS;
}

/* Lets the workers run for MEASURE_MS and prints what each used. */
static void measure(struct workers *w, const char *phase, const int priorities[WORKERS])
{
    uint64_t after[WORKERS];
    printf("\ntest prio: %s\n", phase);
    w->gone |= !snapshot(w, w->cpu_ms);
    sleep_ms(MEASURE_MS);
    w->gone |= !snapshot(w, after);
    uint64_t total = 0;
    for (int i = 0; i < WORKERS; i++) {
        w->used[i] = after[i] - w->cpu_ms[i];
        total += w->used[i];
    }
    printf("\n");
    for (int i = 0; i < WORKERS; i++)
        printf("test prio:   pid %d, priority %d: %lu ms, %lu %%\n", w->pids[i], priorities[i],
               (unsigned long)w->used[i], (unsigned long)(total ? w->used[i] * 100 / total : 0));
}

static bool set_priorities(const struct workers *w, const int priorities[WORKERS])
{
    for (int i = 0; i < WORKERS; i++)
        if (nice(w->pids[i], priorities[i]) < 0)
            return false;
    return true;
}

static bool set_blocked(const struct workers *w, bool blocked)
{
    for (int i = 0; i < WORKERS; i++)
        if ((blocked ? block(w->pids[i]) : unblock(w->pids[i])) < 0)
            return false;
    return true;
}

/* Worker i has priority priorities[i]; a lower number must have got strictly more. */
static bool in_priority_order(const struct workers *w, const int priorities[WORKERS])
{
    for (int i = 0; i < WORKERS; i++)
        for (int j = 0; j < WORKERS; j++)
            if (priorities[i] < priorities[j] && w->used[i] <= w->used[j])
                return false;
    return true;
}

static bool fair(const struct workers *w)
{
    uint64_t least = w->used[0], most = w->used[0];
    for (int i = 1; i < WORKERS; i++) {
        least = w->used[i] < least ? w->used[i] : least;
        most = w->used[i] > most ? w->used[i] : most;
    }
    return least > 0 && most <= 2 * least;
}

static bool none_ran(const struct workers *w)
{
    for (int i = 0; i < WORKERS; i++)
        if (w->used[i] != 0)
            return false;
    return true;
}

/* One round of the four phases: NULL, or what went wrong. */
static const char *run_round(struct workers *w)
{
    static const int same[WORKERS] = {2, 2, 2};
    static const int different[WORKERS] = {4, 2, 0};

    if (!set_priorities(w, same))
        return "nice failed";
    measure(w, "same priority", same);
    if (!fair(w))
        return "equal priorities got unequal shares";

    if (!set_priorities(w, different))
        return "nice failed";
    measure(w, "priorities 4, 2 and 0 (0 is the highest)", different);
    if (!in_priority_order(w, different))
        return "a higher priority did not get more CPU";

    if (!set_blocked(w, true))
        return "block failed";
    measure(w, "all blocked: nothing may run", different);
    if (!none_ran(w))
        return "a blocked process ran";

    if (!set_blocked(w, false))
        return "unblock failed";
    measure(w, "unblocked", different);
    if (!in_priority_order(w, different))
        return "after unblocking, a higher priority did not get more CPU";
    return NULL;
}

/* Kills every worker that started; false when a kill failed or one is still there. */
static bool kill_workers(const struct workers *w, int started)
{
    bool ok = true;
    for (int i = 0; i < started; i++)
        ok &= kill(w->pids[i]) == 0;
    /* A killed child nobody waits for is reaped at once: none may be left. */
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    if (!procs)
        return false;
    for (int i = 0; i < started; i++)
        for (int p = 0; p < count; p++)
            ok &= procs[p].pid != w->pids[i];
    free(procs);
    return ok;
}

int64_t prio_test(uint64_t argc, char *argv[])
{
    int64_t rounds = 1;
    if (argc > 1 || (argc == 1 && !program_arg_int(argv[0], 1, ROUNDS_MAX, &rounds)))
        return tests_usage("prio [ROUNDS] (ROUNDS 1 to 1000)");
    nice(getpid(), PRIORITY_HIGHEST);

    struct workers w = {0};
    int started = 0;
    const char *failure = NULL;
    for (; started < WORKERS; started++) {
        w.pids[started] = spawn("prio-worker", prio_worker, 0, NULL, PRIORITY_DEFAULT, 0,
                                SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
        if (w.pids[started] < 0) {
            failure = "cannot start the workers";
            break;
        }
    }
    if (!failure)
        printf("test prio: workers %d, %d and %d print their pids as they run\n", w.pids[0],
               w.pids[1], w.pids[2]);
    for (int64_t round = 1; !failure && round <= rounds; round++) {
        if (rounds > 1)
            printf("\ntest prio: round %ld of %ld\n", (long)round, (long)rounds);
        failure = run_round(&w);
        if (!failure && w.gone)
            failure = "a worker disappeared";
    }
    if (!kill_workers(&w, started) && !failure)
        failure = "the workers could not all be killed";
    return tests_result("prio", failure);
}
