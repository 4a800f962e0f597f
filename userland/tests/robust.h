/*
 * The cases of test robust (test_robust.c runs them). Each is the function
 * of a hostile child process: it misbehaves, checks every answer the
 * kernel gives, and ends with an exit status the runner compares with the
 * one it expects: 0 when every answer was right (else the number of wrong
 * ones, each printed as a FAIL line by checks.c), or the status of the
 * death the case asks for (EXIT_KILLED, EXIT_FAULT(reason)).
 *
 * A case must leave nothing behind: every process it starts is dead and
 * reaped by the time it ends, every pipe and semaphore gone, so that the
 * runner's health check after it measures the kernel, not the case.
 *
 * Each is spawned with its name as its one argument. The kernel copies
 * the arguments to the very top of the new stack (docs/processes.md), so
 * the byte after the last one's terminator is the first byte past the
 * stack, unmapped: robust_calls.c finds the end of mapped memory there.
 */
#ifndef CHALK_TESTS_ROBUST_H
#define CHALK_TESTS_ROBUST_H

#include <chalk.h>
#include <stdint.h>

#include "tests/checks.h"

/* robust_calls.c: system calls with hostile arguments. */
int64_t robust_pointers(uint64_t argc, char *argv[]);
int64_t robust_numbers(uint64_t argc, char *argv[]);
int64_t robust_exit_band(uint64_t argc, char *argv[]);
int64_t robust_descriptors(uint64_t argc, char *argv[]);
int64_t robust_family(uint64_t argc, char *argv[]);
int64_t robust_block_self(uint64_t argc, char *argv[]);
int64_t robust_semaphore_names(uint64_t argc, char *argv[]);
int64_t robust_flags(uint64_t argc, char *argv[]);
int64_t robust_hand_overs(uint64_t argc, char *argv[]);

/* robust_limits.c: tables and memory filled, and processes killed while blocked. */
int64_t robust_process_table(uint64_t argc, char *argv[]);
int64_t robust_heap(uint64_t argc, char *argv[]);
int64_t robust_heap_tiny(uint64_t argc, char *argv[]);
int64_t robust_header(uint64_t argc, char *argv[]);
int64_t robust_zombies(uint64_t argc, char *argv[]);
int64_t robust_pipe_table(uint64_t argc, char *argv[]);
int64_t robust_semaphore_table(uint64_t argc, char *argv[]);
int64_t robust_no_reader(uint64_t argc, char *argv[]);
int64_t robust_writer_dies(uint64_t argc, char *argv[]);
int64_t robust_killed_in_sem_wait(uint64_t argc, char *argv[]);
int64_t robust_killed_in_pipe_read(uint64_t argc, char *argv[]);
int64_t robust_killed_in_pipe_write(uint64_t argc, char *argv[]);
int64_t robust_killed_in_waitpid(uint64_t argc, char *argv[]);

/* ---- shared by the cases (robust_limits.c) -------------------------------- */

/* A child that sleeps until it is killed. */
int64_t robust_sleeper(uint64_t argc, char *argv[]);

/*
 * Starts fn as a child with no arguments, its stdin and stdout the given
 * fds of ours (SPAWN_INHERIT_FD: the same as ours): its pid, or -1 with
 * errno set.
 */
int robust_start(const char *name, process_fn fn, int stdin_fd, int stdout_fd);

/*
 * robust_start, then waits until the child is in state (PROC_SLEEPING: it
 * sleeps in its call; PROC_BLOCKED: it blocked itself), a check. Its pid,
 * or -1.
 */
int robust_start_until(struct tally *t, const char *name, process_fn fn, int stdin_fd,
                       int stdout_fd, int state);

/* Waits for child pid to end; its exit status must be want (a pid of -1 fails). */
void expect_exit(struct tally *t, const char *what, int pid, int want);

/*
 * Reaps pid, just killed by the caller: its status must be EXIT_KILLED, or
 * waitpid must say ECHILD, when the kernel reaped it before the caller
 * waited (the reaping rule, docs/processes.md). Either way it is gone.
 */
void expect_killed(struct tally *t, const char *what, int pid);

#endif
