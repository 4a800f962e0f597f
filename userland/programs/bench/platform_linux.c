/*
 * The bench as a static Linux program: platform.h in Linux's calls, and a
 * main. make bench-linux boots Linux with this program as /init of an
 * initramfs; run anywhere else (not as pid 1) it prints its figures for the
 * host and returns.
 *
 * Where Linux has no call of the same shape as Chalk's, the nearest one is
 * used, and docs/performance.md says so: a partner is fork() rather than
 * spawn, the semaphores are process-shared POSIX semaphores rather than
 * named ones, malloc is glibc's, and the TSC's rate is measured in user
 * space against CLOCK_MONOTONIC, as Chalk's kernel measures it against the
 * PIT. Unlike on Chalk, every process here has globals of its own.
 */
#define _GNU_SOURCE /* close_range */
#include <sched.h>
#include <semaphore.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "platform.h"

/*
 * getpid in the i386 system-call table, which int 0x80 reaches from 64-bit
 * code when the kernel has CONFIG_IA32_EMULATION (Debian's has).
 */
#define I386_NR_GETPID 20

#define CALIBRATION_NS   10000000ULL /* 10 ms, as Chalk's kernel times the PIT */
#define CALIBRATION_RUNS 3

int main(void)
{
    int status = bench_run();
    if (getpid() != 1)
        return status;
    /*
     * As init, returning would make the kernel panic: power the machine off
     * instead, which ends QEMU. Should that fail, the panic (panic=-1 and
     * QEMU's -no-reboot) ends it all the same.
     */
    fflush(stdout);
    sync();
    reboot(RB_POWER_OFF);
    return status;
}

static uint64_t monotonic_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (uint64_t)now.tv_sec * 1000000000ULL + (uint64_t)now.tv_nsec;
}

/* TSC cycles per second over one CALIBRATION_NS interval of the monotonic clock. */
static uint64_t hz_of_one_run(void)
{
    uint64_t start_ns = monotonic_ns();
    uint64_t start = bench_rdtsc();
    uint64_t elapsed_ns;
    while ((elapsed_ns = monotonic_ns() - start_ns) < CALIBRATION_NS)
        ;
    return (bench_rdtsc() - start) * 1000000000ULL / elapsed_ns;
}

/* The median of three runs, as in Chalk's kernel: an emulator may stretch one. */
uint64_t bench_tsc_hz(void)
{
    uint64_t runs[CALIBRATION_RUNS];
    for (int i = 0; i < CALIBRATION_RUNS; i++)
        runs[i] = hz_of_one_run();
    return bench_median(runs, CALIBRATION_RUNS);
}

/*
 * Both entries return the pid in rax. syscall clobbers rcx and r11; int 0x80
 * has not kept r8-r11 on every kernel version.
 */
void bench_null_syscall(void)
{
    long pid;
    __asm__ volatile("syscall" : "=a"(pid) : "a"((long)SYS_getpid) : "rcx", "r11", "memory");
}

void bench_null_int80(void)
{
    long pid;
    __asm__ volatile("int $0x80"
                     : "=a"(pid)
                     : "a"((long)I386_NR_GETPID)
                     : "r8", "r9", "r10", "r11", "memory");
}

void bench_yield(void)
{
    sched_yield();
}

/* --- semaphores: in a page shared with the partner, which fork gives it ---------- */

/* The pair bench_sems_create made; a partner's copy of this global finds it. */
static sem_t *shared_sems;

int bench_sems_create(struct bench_sems *sems)
{
    sem_t *sem =
        mmap(NULL, 2 * sizeof(sem_t), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sem == MAP_FAILED)
        return -1;
    if (sem_init(&sem[BENCH_PING], 1, 0) < 0 || sem_init(&sem[BENCH_PONG], 1, 0) < 0) {
        munmap(sem, 2 * sizeof(sem_t));
        return -1;
    }
    sems->sem = shared_sems = sem;
    return 0;
}

/* owner names the pair on Chalk; here the memory fork copied already holds it. */
int bench_sems_join(struct bench_sems *sems, int owner)
{
    (void)owner;
    sems->sem = shared_sems;
    return shared_sems ? 0 : -1;
}

int bench_sem_wait(struct bench_sems *sems, enum bench_sem which)
{
    return sem_wait(&sems->sem[which]);
}

int bench_sem_post(struct bench_sems *sems, enum bench_sem which)
{
    return sem_post(&sems->sem[which]);
}

void bench_sems_destroy(struct bench_sems *sems)
{
    sem_destroy(&sems->sem[BENCH_PING]);
    sem_destroy(&sems->sem[BENCH_PONG]);
    munmap(sems->sem, 2 * sizeof(sem_t));
    shared_sems = NULL;
}

int bench_pipe(int fds[2])
{
    return pipe(fds);
}

/* --- partners: fork, and the child runs the job ----------------------------------- */

int bench_start(const struct bench_partner *job, int stdin_fd, int stdout_fd)
{
    pid_t pid = fork();
    if (pid != 0)
        return pid; /* the bench, or -1 */
    if (stdin_fd != BENCH_INHERIT_FD)
        dup2(stdin_fd, STDIN_FILENO);
    if (stdout_fd != BENCH_INHERIT_FD)
        dup2(stdout_fd, STDOUT_FILENO);
    /* What Chalk's close-on-spawn pipes give its partners: no other descriptor. */
    close_range(STDERR_FILENO + 1, ~0U, 0);
    /* _exit: stdout's buffer, copied by fork, is the bench's to print, not ours. */
    _exit(bench_partner_run(job));
}

int bench_wait(int pid)
{
    return waitpid(pid, NULL, 0) == pid ? 0 : -1;
}

/* --- the heap: glibc's malloc -------------------------------------------------- */

/*
 * glibc tells its free bytes (mallinfo2) but not its largest free block, so
 * fragmentation cannot be computed as on Chalk.
 */
bool bench_heap_free(uint64_t *free_bytes, uint64_t *largest_free)
{
    (void)free_bytes;
    (void)largest_free;
    return false;
}

void bench_heap_manager(char *name, size_t size)
{
    snprintf(name, size, "glibc");
}
