/*
 * What test syscalls is built from: a tally of checks, and calls made
 * through both entries into the kernel (`syscall` and `int 0x80`), whose
 * results must be the expected ones. Only failures print, one line each:
 * FAIL: what [entry]: got X, expected Y.
 */
#ifndef CHALK_TESTS_CHECKS_H
#define CHALK_TESTS_CHECKS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <chalk.h>

#define KERNEL_IMAGE    0xFFFFFFFF80000000ULL /* the kernel's code */
#define KERNEL_HALF     0xFFFF800000000000ULL /* the first address of the kernel's half */
#define UNMAPPED_LOW    0x10ULL               /* the first page is never mapped */
#define UNMAPPED_HIGH   0x700000000000ULL     /* between the heap and the stacks: nothing */
#define USER_SPACE_END  0x800000000000ULL     /* the first address past user space: non-canonical */
#define NO_SUCH_PID     99999
#define HUGE_ALLOCATION (1ULL << 40)

/* The kernel's tables (docs/syscalls.md): a listing this long sees every entry. */
#define PROC_TABLE_SIZE 512
#define PIPE_TABLE_SIZE 64
#define SEM_TABLE_SIZE  128

/* What wait_for_state waits for when the process must be gone, zombie and all. */
#define PROC_GONE (-1)

struct tally {
    int passed;
    int failed;
};

typedef int64_t (*syscall_entry)(uint64_t n, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                                 uint64_t a5, uint64_t a6);

struct syscall_way {
    const char *name;
    syscall_entry call;
};

/* The two ways into the kernel. */
extern const struct syscall_way syscall_ways[2];

/*
 * Counts one check; a failure prints what was got and, unless expected is
 * NULL, what was expected.
 */
void check(struct tally *t, bool ok, const char *what, const char *entry, int64_t got,
           const char *expected);

/* Checks that a call made once (through syscall) returned want. */
void expect_result(struct tally *t, const char *what, int64_t got, int64_t want);

/*
 * Makes call n through both entries; each must return want or or_want. Only
 * for calls that change nothing when they fail: each is made twice.
 */
void expect_either(struct tally *t, const char *what, int64_t want, int64_t or_want, uint64_t n,
                   uint64_t a1, uint64_t a2, uint64_t a3);
void expect(struct tally *t, const char *what, int64_t want, uint64_t n, uint64_t a1, uint64_t a2,
            uint64_t a3);

/* The listing entry of semaphore name; false when there is no such semaphore. */
bool find_semaphore(const char *name, struct chalk_sem_info *out);

/* The listing entry of the pipe made last (the newest); false when there is none. */
bool newest_pipe(struct chalk_pipe_info *out);

/* The listing entry of process pid; false when there is no such process (or ps failed). */
bool find_process(int pid, struct chalk_proc_info *out);

/*
 * Polls until done(context) holds: whether it did within a bound (10 s,
 * ample for what the tests wait for: a process to fall asleep or die,
 * which takes milliseconds even under TCG).
 */
bool wait_until(bool (*done)(void *context), void *context);

/*
 * Waits until process pid is in state (PROC_SLEEPING, PROC_BLOCKED, ...;
 * ps shows a stopped process as PROC_BLOCKED) or, for PROC_GONE, until it
 * is not in the table at all: whether that happened (wait_until). (A
 * process killed asleep in a call dies only when it next runs, and one
 * just spawned falls asleep only once it has run.)
 */
bool wait_for_state(int pid, int state);

/* The checks of pipes and semaphores (test_syscalls_ipc.c). */
void check_pipe_calls(struct tally *t);
void check_semaphore_calls(struct tally *t);

#endif
