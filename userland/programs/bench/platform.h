/*
 * The benchmark's portability layer: what bench.c needs from the system it
 * runs on, beyond standard C and POSIX I/O (printf, snprintf, strtol,
 * malloc, free, read, write, close, getpid).
 *
 * bench.c holds everything that is timed and is compiled unchanged for both
 * systems; platform_chalk.c (a Chalk command) and platform_linux.c (a static
 * Linux program, /init of an initramfs) each implement this header. So the
 * loops, the batches and the arithmetic are the same code on both, and only
 * the calls below differ: that is what makes the two sets of figures
 * comparable (docs/performance.md).
 *
 * Chalk's processes share one image, so a global is seen by every process:
 * nothing here may keep per-run state in a global on Chalk. A partner
 * process therefore gets its job as plain integers (struct bench_partner),
 * which Chalk passes as argument strings, and the semaphores live in a
 * struct on the caller's stack.
 */
#ifndef CHALK_BENCH_PLATFORM_H
#define CHALK_BENCH_PLATFORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The clock: CPU cycles, read with the rdtsc instruction in user mode on
 * both systems, so reading it costs a few cycles and no kernel entry.
 */
static inline uint64_t bench_rdtsc(void)
{
    return __builtin_ia32_rdtsc();
}

/* ---- what each platform provides --------------------------------------------- */

/* bench_rdtsc's rate in Hz; 0 when it could not be measured. */
uint64_t bench_tsc_hz(void);

/* getpid through the syscall instruction, and through int 0x80. */
void bench_null_syscall(void);
void bench_null_int80(void);

/* Gives up the CPU to any other process that is ready. */
void bench_yield(void);

/*
 * Two semaphores, both starting at 0, shared by the bench and one partner
 * process: the bench posts BENCH_PING and waits for BENCH_PONG, the partner
 * the other way round. What identifies them differs: Chalk's are named
 * after the owner's pid, Linux's live in memory shared with the partner.
 * BENCH_LINUX is defined by the Linux build alone (the Makefile).
 */
#ifdef BENCH_LINUX
#include <semaphore.h>
struct bench_sems {
    sem_t *sem; /* sem[BENCH_PING], sem[BENCH_PONG] */
};
#else
#include <chalk/syscalls.h>
struct bench_sems {
    char name[2][SEM_NAME_MAX]; /* indexed by enum bench_sem */
};
#endif

enum bench_sem { BENCH_PING, BENCH_PONG };

/* The owner makes the pair before starting the partner; 0 or -1. */
int bench_sems_create(struct bench_sems *sems);
/* The partner finds the pair of the bench whose pid is owner; 0 or -1. */
int bench_sems_join(struct bench_sems *sems, int owner);
int bench_sem_wait(struct bench_sems *sems, enum bench_sem which);
int bench_sem_post(struct bench_sems *sems, enum bench_sem which);
/* The owner ends the pair, once the partner has ended. */
void bench_sems_destroy(struct bench_sems *sems);

/*
 * A pipe, fds[0] reading what fds[1] writes, whose ends a partner does not
 * inherit (only the ones handed to bench_start): a reader that held a
 * write end of its own input would never see end of file. 0 or -1.
 */
int bench_pipe(int fds[2]);

/* What a partner process does: bench_partner_run below. */
enum bench_role {
    BENCH_SEM_ECHO,  /* rounds times: wait BENCH_PING, post BENCH_PONG */
    BENCH_PIPE_ECHO, /* rounds times: one byte from stdin back to stdout */
    BENCH_DRAIN,     /* read stdin to its end */
    BENCH_EXIT,      /* end at once */
};

struct bench_partner {
    int role;    /* enum bench_role */
    long rounds; /* round trips, for the echoes */
    int owner;   /* the bench's pid, for BENCH_SEM_ECHO */
};

#define BENCH_INHERIT_FD (-1)

/*
 * Runs bench_partner_run(job) in a new process whose stdin and stdout are
 * the caller's stdin_fd and stdout_fd (BENCH_INHERIT_FD: the caller's own).
 * Returns its pid, or -1.
 */
int bench_start(const struct bench_partner *job, int stdin_fd, int stdout_fd);

/* Waits for the process bench_start returned to end; 0 or -1. */
int bench_wait(int pid);

/*
 * The whole heap's free bytes and its largest free block; false when the
 * allocator does not tell.
 */
bool bench_heap_free(uint64_t *free_bytes, uint64_t *largest_free);

/* The name of the allocator behind malloc, into name (size bytes). */
void bench_heap_manager(char *name, size_t size);

/* ---- what bench.c provides to the platforms ---------------------------------- */

/* Runs every measurement and prints one line each; the exit status (0 or 1). */
int bench_run(void);

/* What a partner process runs; its exit status (0, or 1 when a call failed). */
int bench_partner_run(const struct bench_partner *job);

/* Sorts v (count values) and returns the middle one. */
uint64_t bench_median(uint64_t *v, int count);

#endif
