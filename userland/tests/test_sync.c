/*
 * test sync N USE_SEM: a race on a shared counter, and the semaphore that
 * prevents it.
 *
 * Two workers add +1 and two add -1 to one counter, N times each, so it
 * must end at 0. Each addition is deliberately slow: read the counter,
 * yield the processor, write back the value read plus one. Without the
 * semaphore another worker runs in between and its additions are lost when
 * the first writes back its stale value: the race shows as a final value
 * other than 0 (usually; the test still passes without the semaphore, it
 * only reports whether the race showed). With USE_SEM 1, every addition is
 * made between sem_wait and sem_post on the semaphore "sem", opened with
 * the value 1, so only one worker at a time is inside, and the final value
 * must be 0.
 *
 * The counter belongs to this run of the test: it is malloc'd here and its
 * address is given to the workers as an argument. (All processes share the
 * image's globals, so a global counter would be shared by a test in the
 * background and another in the foreground.) This process holds the block
 * until it has waited for every worker. "sem" itself is shared by name
 * with every other user of it, which only serialises them a little more.
 */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"

#define SEM_NAME "sem"
#define WORKERS  4 /* half add +1, half -1 */
#define N_MAX    10000000

/* What a worker is told: argv = {counter address, N, +1 or -1, USE_SEM}. */
enum { ARG_COUNTER, ARG_N, ARG_STEP, ARG_USE_SEM, ARG_COUNT };

static void slow_add(volatile int64_t *counter, int64_t step)
{
    int64_t value = *counter;
    yield(); /* let another worker in between the read and the write */
    *counter = value + step;
}

static int64_t sync_worker(uint64_t argc, char *argv[])
{
    if (argc != ARG_COUNT)
        return 2;
    volatile int64_t *counter = (volatile int64_t *)strtol(argv[ARG_COUNTER], NULL, 16);
    long n = strtol(argv[ARG_N], NULL, 10);
    long step = strtol(argv[ARG_STEP], NULL, 10);
    bool use_sem = strcmp(argv[ARG_USE_SEM], "1") == 0;

    if (use_sem && sem_open(SEM_NAME, 1) < 0) {
        perror("test sync: sem_open");
        return 1;
    }
    for (long i = 0; i < n; i++) {
        if (use_sem && sem_wait(SEM_NAME) < 0) {
            perror("test sync: sem_wait");
            return 1;
        }
        slow_add(counter, step);
        if (use_sem && sem_post(SEM_NAME) < 0) {
            perror("test sync: sem_post");
            return 1;
        }
    }
    if (use_sem && sem_close(SEM_NAME) < 0) {
        perror("test sync: sem_close");
        return 1;
    }
    return 0;
}

/* Starts the workers; returns how many started (their pids in pids). */
static int start_workers(int pids[WORKERS], volatile int64_t *counter, const char *n, bool use_sem)
{
    char address[24];
    snprintf(address, sizeof(address), "%lx", (unsigned long)counter);
    for (int i = 0; i < WORKERS; i++) {
        char *args[ARG_COUNT] = {
            [ARG_COUNTER] = address,
            [ARG_N] = (char *)n,
            [ARG_STEP] = i % 2 ? "-1" : "1",
            [ARG_USE_SEM] = use_sem ? "1" : "0",
        };
        pids[i] = spawn("sync-worker", sync_worker, ARG_COUNT, args, PRIORITY_DEFAULT, 0,
                        SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
        if (pids[i] < 0) {
            perror("test sync: spawn");
            return i;
        }
    }
    return WORKERS;
}

/* Waits for the workers that started; the number that did not end with status 0. */
static int wait_workers(const int pids[WORKERS], int started)
{
    int failed = WORKERS - started;
    for (int i = 0; i < started; i++) {
        int status;
        if (waitpid(pids[i], &status, 0) < 0 || status != 0)
            failed++;
    }
    return failed;
}

int64_t sync_test(uint64_t argc, char *argv[])
{
    static const char usage[] = "sync N USE_SEM (N 1 to 10000000, USE_SEM 0 or 1)";
    int64_t n, use_sem;
    if (argc != 2 || !program_arg_int(argv[0], 1, N_MAX, &n) ||
        !program_arg_int(argv[1], 0, 1, &use_sem))
        return tests_usage(usage);

    volatile int64_t *counter = malloc(sizeof(*counter));
    if (!counter)
        return tests_result("sync", "no memory for the counter");
    *counter = 0;
    /* Opened here too, so "sem" exists with the value 1 before any worker runs. */
    if (use_sem && sem_open(SEM_NAME, 1) < 0) {
        perror("test sync: sem_open");
        free((void *)counter);
        return tests_result("sync", "cannot open the semaphore");
    }
    printf("test sync: 2 workers add 1 and 2 add -1, %ld times each, %s\n", (long)n,
           use_sem ? "inside the semaphore \"sem\"" : "without a semaphore");

    int pids[WORKERS];
    int started = start_workers(pids, counter, argv[0], use_sem);
    int failed = wait_workers(pids, started);
    int64_t final = *counter;
    printf("Final value: %ld\n", (long) final);
    if (use_sem)
        sem_close(SEM_NAME);
    free((void *)counter);

    if (failed)
        return tests_result("sync", "a worker failed");
    if (use_sem)
        return tests_result("sync", final == 0 ? NULL : "the final value is not 0");
    printf("test sync: %s\n",
           final != 0 ? "the race showed: additions were lost" : "no addition was lost this time");
    return tests_result("sync", NULL);
}
