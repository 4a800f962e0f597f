/*
 * Chalk's own tests, run from the shell as test NAME (tests/test.c). Each
 * prints a line per failure and a summary, and returns the number of
 * failures, which becomes the process's exit status.
 */
#ifndef CHALK_TESTS_TESTS_H
#define CHALK_TESTS_TESTS_H

#include <stdint.h>

/* Bad arguments to every system call are refused, and nothing crashes. */
int64_t test_syscalls(uint64_t argc, char *argv[]);

/* The named semaphores keep their contract, with waiters blocked and killed. */
int64_t test_semaphores(uint64_t argc, char *argv[]);

#endif
