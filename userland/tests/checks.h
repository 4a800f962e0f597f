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
#define NO_SUCH_PID     99999
#define HUGE_ALLOCATION (1ULL << 40)

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

/* The checks of pipes and semaphores (test_syscalls_ipc.c). */
void check_pipe_calls(struct tally *t);
void check_semaphore_calls(struct tally *t);

#endif
