/*
 * Chalk's own system calls: processes and jobs, time, memory statistics,
 * power and the console mode.
 *
 * Each function wraps one call of <chalk/syscalls.h> (docs/syscalls.md says
 * what each does) and, like the rest of the C library, returns -1 and sets
 * errno when it fails. syscall() and syscall_int80() make a call directly and
 * return the kernel's own result, -EXXX on failure.
 */
#ifndef CHALK_USER_CHALK_H
#define CHALK_USER_CHALK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <chalk/errno.h>
#include <chalk/syscalls.h>

/*
 * A process's function. argv[0] is the first argument, not a program name,
 * and argc counts the arguments. Returning ends the process with that status.
 */
typedef int64_t (*process_fn)(uint64_t argc, char *argv[]);

/*
 * Starts fn(argc, argv) as a new process named name (what ps shows).
 * priority is PRIORITY_HIGHEST..PRIORITY_LOWEST, flags are SPAWN_*, and
 * stdin_fd / stdout_fd are this process's descriptors to become the child's
 * 0 and 1 (SPAWN_INHERIT_FD: the same as ours). Returns the child's pid.
 */
int spawn(const char *name, process_fn fn, uint64_t argc, char *const argv[], int priority,
          unsigned flags, int stdin_fd, int stdout_fd);

/*
 * The same with every field of the request at hand (SPAWN_JOIN_JOB needs
 * spec->job): spec's entry and arg are filled in to start fn.
 */
int spawn_request(struct chalk_spawn *spec, process_fn fn);

/*
 * Where every spawned process starts (the entry spawn gives the kernel, with
 * fn as its argument): it sets up the process's errno and calls
 * exit(fn(argc, argv)). Not called from C.
 */
void process_start(uint64_t argc, char *argv[], process_fn fn) __attribute__((noreturn));

int kill(int pid);
int nice(int pid, int priority);
int block(int pid);
int unblock(int pid);
int yield(void);

/*
 * Waits for the child pid to end (-1: any child) and returns its pid; its
 * exit status goes to *status unless status is NULL. With WAIT_NOHANG it
 * returns 0 at once when no such child has ended yet.
 */
int waitpid(int pid, int *status, unsigned flags);

/*
 * An exit status in words, written into buf: "status 3", "status -1:
 * killed" (EXIT_KILLED) or, for EXIT_FAULT(reason), "killed: " and the
 * reason ("killed: NULL pointer"). Returns buf.
 */
const char *exit_status_text(int status, char *buf, size_t size);

/* Fills procs with up to max processes; returns how many it wrote. */
int ps(struct chalk_proc_info *procs, size_t max);

int sleep_ms(uint64_t milliseconds);
uint64_t uptime_ms(void);

/* The time-stamp counter: CPU cycles, read without a system call. */
static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* rdtsc's rate in Hz, measured by the kernel at boot; 0 when unknown. */
uint64_t tsc_hz(void);
int memstats(struct chalk_mem_stats *stats);

/*
 * Named semaphores (docs/sync.md). sem_open creates name with the value
 * initial, or opens the existing one; the other calls need it open.
 * sem_wait sleeps while the value is 0; sem_post wakes the process that
 * has waited longest. The semaphore goes away when its last user closes it
 * or ends.
 */
int sem_open(const char *name, uint64_t initial);
int sem_wait(const char *name);
int sem_post(const char *name);
int sem_close(const char *name);

/* Fill the array with up to max semaphores or pipes; return how many. */
int sems(struct chalk_sem_info *info, size_t max);
int pipes(struct chalk_pipe_info *info, size_t max);

/* Power off and restart; they return (-1) only if they could not. */
int shutdown(void);
int reboot(void);

/*
 * true: the console hands over every byte as it is typed, with no echo and
 * no editing (Ctrl+C still kills a foreground job that does not ignore it);
 * false: the kernel echoes and edits whole lines.
 */
int console_raw(bool raw);

/* ---- direct system calls ------------------------------------------------- */

/* Both instructions reach the same calls with the same registers. */
int64_t chalk_syscall(uint64_t n, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                      uint64_t a6);
int64_t chalk_syscall_int80(uint64_t n, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5, uint64_t a6);

/*
 * syscall(SYS_WRITE, fd, buf, len): any number of arguments up to six, each
 * converted to a 64-bit register value (missing ones are 0).
 */
#define syscall(...)       CHALK_SYSCALL_ARGS(chalk_syscall, __VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define syscall_int80(...) CHALK_SYSCALL_ARGS(chalk_syscall_int80, __VA_ARGS__, 0, 0, 0, 0, 0, 0, 0)
#define CHALK_SYSCALL_ARGS(fn, n, a1, a2, a3, a4, a5, a6, ...)                                     \
    fn((uint64_t)(n), (uint64_t)(a1), (uint64_t)(a2), (uint64_t)(a3), (uint64_t)(a4),              \
       (uint64_t)(a5), (uint64_t)(a6))

/* Whether a direct call's result is an error code, -ERRNO_MAX..-1. */
static inline bool syscall_failed(int64_t result)
{
    return result < 0 && result >= -ERRNO_MAX;
}

#endif
