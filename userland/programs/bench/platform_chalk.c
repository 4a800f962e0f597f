/*
 * The bench command on Chalk: platform.h in Chalk's own calls.
 *
 * A partner is a spawned process that runs bench_partner_run. Every process
 * shares the bench's image (so its globals), which is why the job travels
 * as argument strings, as spawn copies them into the new process.
 */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "platform.h"

static int64_t bench_main(uint64_t argc, char *argv[]);

PROGRAM(bench, .main = bench_main, .summary = "time system calls, switches, IPC and the heap",
        .usage = "bench",
        .manual = "Prints one line per measurement, \"name value unit\": a null system call\n"
                  "through syscall and int 0x80, yield, semaphore and pipe ping-pong between\n"
                  "two processes, pipe throughput, spawn+wait, malloc+free of random sizes,\n"
                  "and the heap's fragmentation after a fixed random workload. Each time is\n"
                  "the median of 7 batches, measured with the TSC. make bench runs it in a\n"
                  "fresh machine and adds the boot time; make bench-compare runs the same\n"
                  "code on Linux beside it. docs/performance.md explains it.\n");

static int64_t bench_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_bench);
    return bench_run();
}

uint64_t bench_tsc_hz(void)
{
    return tsc_hz();
}

/*
 * The instruction inline, as platform_linux.c has it, rather than through
 * the C library's syscall(): both sides then time the same shape of code,
 * one call and the instruction.
 */
void bench_null_syscall(void)
{
    long pid;
    __asm__ volatile("syscall" : "=a"(pid) : "a"((long)SYS_GETPID) : "rcx", "r11", "memory");
}

void bench_null_int80(void)
{
    long pid;
    __asm__ volatile("int $0x80" : "=a"(pid) : "a"((long)SYS_GETPID) : "memory");
}

void bench_yield(void)
{
    yield();
}

/* --- semaphores: named after the owner's pid, so the partner can open them ------- */

static void name_sems(struct bench_sems *sems, int owner)
{
    snprintf(sems->name[BENCH_PING], SEM_NAME_MAX, "bench%d.ping", owner);
    snprintf(sems->name[BENCH_PONG], SEM_NAME_MAX, "bench%d.pong", owner);
}

/* Creates both (the owner) or opens the existing ones (the partner). */
static int open_sems(struct bench_sems *sems, int owner)
{
    name_sems(sems, owner);
    if (sem_open(sems->name[BENCH_PING], 0) < 0)
        return -1;
    if (sem_open(sems->name[BENCH_PONG], 0) < 0) {
        sem_close(sems->name[BENCH_PING]);
        return -1;
    }
    return 0;
}

int bench_sems_create(struct bench_sems *sems)
{
    return open_sems(sems, getpid());
}

/* The partner's references go when it ends; the owner's close ends the pair. */
int bench_sems_join(struct bench_sems *sems, int owner)
{
    return open_sems(sems, owner);
}

int bench_sem_wait(struct bench_sems *sems, enum bench_sem which)
{
    return sem_wait(sems->name[which]);
}

int bench_sem_post(struct bench_sems *sems, enum bench_sem which)
{
    return sem_post(sems->name[which]);
}

void bench_sems_destroy(struct bench_sems *sems)
{
    sem_close(sems->name[BENCH_PING]);
    sem_close(sems->name[BENCH_PONG]);
}

int bench_pipe(int fds[2])
{
    return pipe2(fds, FD_CLOSE_ON_SPAWN);
}

/* --- partners: the job as three decimal arguments, role, rounds and owner ------- */

_Static_assert(BENCH_INHERIT_FD == SPAWN_INHERIT_FD, "spawn takes bench_start's fds as they are");

static int64_t partner_main(uint64_t argc, char *argv[])
{
    if (argc != 3)
        return 1;
    struct bench_partner job = {
        .role = (int)strtol(argv[0], NULL, 10),
        .rounds = strtol(argv[1], NULL, 10),
        .owner = (int)strtol(argv[2], NULL, 10),
    };
    return bench_partner_run(&job);
}

int bench_start(const struct bench_partner *job, int stdin_fd, int stdout_fd)
{
    char role[24], rounds[24], owner[24];
    snprintf(role, sizeof(role), "%d", job->role);
    snprintf(rounds, sizeof(rounds), "%ld", job->rounds);
    snprintf(owner, sizeof(owner), "%d", job->owner);
    char *argv[] = {role, rounds, owner};
    return spawn("bench partner", partner_main, 3, argv, PRIORITY_DEFAULT, 0, stdin_fd, stdout_fd);
}

int bench_wait(int pid)
{
    return waitpid(pid, NULL, 0) == pid ? 0 : -1;
}

/* --- the heap: the kernel's manager serves malloc directly ------------------------ */

bool bench_heap_free(uint64_t *free_bytes, uint64_t *largest_free)
{
    struct chalk_mem_stats stats;
    if (memstats(&stats) < 0)
        return false;
    *free_bytes = stats.heap_free;
    *largest_free = stats.heap_largest_free;
    return true;
}

void bench_heap_manager(char *name, size_t size)
{
    struct chalk_mem_stats stats;
    snprintf(name, size, "%s", memstats(&stats) == 0 ? stats.manager : "unknown");
}
