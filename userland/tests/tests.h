/*
 * Chalk's own tests, run from the shell as test NAME ARG... (tests/test.c).
 *
 * test syscalls, test semaphores and test robust print a line per failure
 * (test robust a line per case) and a summary, and return the number of
 * failures. The others, which exercise
 * the kernel the way the course's official tests do, print what they do
 * and end with exactly one line, "test NAME: OK" or "test NAME: FAILED
 * (reason)"; they return 0 or 1 (2 for wrong arguments, after a usage
 * line). Each works in the foreground and in the background, and Ctrl+C
 * (or killing it) ends it with every process it started, since they are
 * all in its job.
 *
 * The entry points are not called test_mm, test_prio, ... : those names
 * belong to the course's files, which can be built into the same image
 * (userland/course/README.md). Everything else in a test file is static.
 */
#ifndef CHALK_TESTS_TESTS_H
#define CHALK_TESTS_TESTS_H

#include <stdbool.h>
#include <stdint.h>

/* Bad arguments to every system call are refused, and nothing crashes. */
int64_t test_syscalls(uint64_t argc, char *argv[]);

/* The named semaphores keep their contract, with waiters blocked and killed. */
int64_t test_semaphores(uint64_t argc, char *argv[]);

/* Hostile children, one at a time: each gets the right error or death, nothing leaks. */
int64_t test_robust(uint64_t argc, char *argv[]);

/* test memory MAX_BYTES [ROUNDS]: the user heap under random load (test_memory.c). */
int64_t memory_test(uint64_t argc, char *argv[]);

/* test prio [ROUNDS]: CPU shares by priority, and blocking (test_prio.c). */
int64_t prio_test(uint64_t argc, char *argv[]);

/* test sync N USE_SEM: a race on a counter, with and without a semaphore (test_sync.c). */
int64_t sync_test(uint64_t argc, char *argv[]);

/* test processes MAX_PROCS [ROUNDS]: creating, killing, blocking (test_processes.c). */
int64_t processes_test(uint64_t argc, char *argv[]);

/* test course: the course's wrapper API, <course.h> (test_course_api.c). */
int64_t course_api_test(uint64_t argc, char *argv[]);

/* ---- shared by the tests (test.c) ----------------------------------------- */

/* Prints "usage: test USAGE" on stderr; returns the status for wrong arguments (2). */
int tests_usage(const char *usage);

/*
 * Prints the last line, "WHO: OK" when failure is NULL, else "WHO: FAILED
 * (failure)"; returns the exit status, 0 or 1.
 */
int tests_verdict(const char *who, const char *failure);

/* tests_verdict for "test NAME". */
int tests_result(const char *name, const char *failure);

/*
 * A seed that differs between processes and runs: each process keeps its
 * own generator state (globals are shared by every process of the image).
 */
uint64_t tests_seed(void);

/* The next number of a xorshift64* generator; *state must not be 0. */
uint64_t tests_random(uint64_t *state);

/* A number in [0, bound), bound > 0. */
uint64_t tests_random_below(uint64_t *state, uint64_t bound);

/* Whether at least interval_ms passed since *last (then *last becomes now): to print sparingly. */
bool tests_every(uint64_t *last, uint64_t interval_ms);

#endif
