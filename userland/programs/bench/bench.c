/*
 * bench: times a kernel's hot paths and prints one line per result, "name
 * value unit" (docs/performance.md explains each item and the latest
 * figures). This file is compiled unchanged for Chalk and for Linux; what
 * differs between the two lives behind platform.h.
 *
 * Method, the same for every item: the clock is the TSC (rdtsc, no system
 * call), converted with the platform's measure of its rate. An item runs
 * BATCHES batches of n operations; the result is the median batch divided by
 * n, so one batch disturbed by a timer tick or a slow first run (cold caches,
 * page-table walks) does not move it. Items that need a partner process
 * start it once, for all batches, with its job in plain integers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "platform.h"

#define BATCHES          7
#define THROUGHPUT_BYTES (64ULL << 20)
#define THROUGHPUT_CHUNK 4096
#define THROUGHPUT_RUNS  3
#define FRAG_BLOCKS      2000
#define SIZE_MIN         16
#define SIZE_MAX_BYTES   4096

/*
 * A global, although on Chalk every process sees the same one: the rate is
 * a property of the machine, so two bench processes store the same value.
 */
static uint64_t cycles_per_second;

/* A time in TSC cycles as nanoseconds, times 10 (one decimal). */
static uint64_t tenths_of_ns(uint64_t cycles)
{
    return cycles * 10000000000ULL / cycles_per_second;
}

/* "name 12.3 unit": value is in tenths. */
static void report(const char *name, uint64_t tenths, const char *unit)
{
    printf("%s %lu.%lu %s\n", name, tenths / 10, tenths % 10, unit);
}

/* "name - unit": this platform cannot measure the item. */
static void report_missing(const char *name, const char *unit)
{
    printf("%s - %s\n", name, unit);
}

/* --- batches ----------------------------------------------------------------- */

typedef void (*operation)(uint64_t n, void *ctx);

uint64_t bench_median(uint64_t *v, int count)
{
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
    return v[count / 2];
}

/* Median cycles of one operation: BATCHES runs of op(n). */
static uint64_t median_cycles(operation op, uint64_t n, void *ctx)
{
    uint64_t batch[BATCHES];
    for (int i = 0; i < BATCHES; i++) {
        uint64_t start = bench_rdtsc();
        op(n, ctx);
        batch[i] = bench_rdtsc() - start;
    }
    return bench_median(batch, BATCHES) / n;
}

/* --- system calls and yield -------------------------------------------------- */

static void null_syscalls(uint64_t n, void *ctx)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++)
        bench_null_syscall();
}

static void null_int80s(uint64_t n, void *ctx)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++)
        bench_null_int80();
}

static void yields(uint64_t n, void *ctx)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++)
        bench_yield();
}

/* --- partners ------------------------------------------------------------------ */

static int sem_echo(const struct bench_partner *job)
{
    struct bench_sems sems;
    if (bench_sems_join(&sems, job->owner) < 0)
        return 1;
    for (long i = job->rounds; i > 0; i--)
        if (bench_sem_wait(&sems, BENCH_PING) < 0 || bench_sem_post(&sems, BENCH_PONG) < 0)
            return 1;
    return 0;
}

static int pipe_echo(long rounds)
{
    char byte;
    for (long i = rounds; i > 0; i--)
        if (read(STDIN_FILENO, &byte, 1) != 1 || write(STDOUT_FILENO, &byte, 1) != 1)
            return 1;
    return 0;
}

static int drain(void)
{
    char buf[THROUGHPUT_CHUNK];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
        ;
    return n < 0;
}

int bench_partner_run(const struct bench_partner *job)
{
    switch (job->role) {
    case BENCH_SEM_ECHO:
        return sem_echo(job);
    case BENCH_PIPE_ECHO:
        return pipe_echo(job->rounds);
    case BENCH_DRAIN:
        return drain();
    case BENCH_EXIT:
        return 0;
    }
    return 1;
}

/* A partner that makes rounds round trips for the bench. */
static int start_echo(int role, uint64_t rounds, int stdin_fd, int stdout_fd)
{
    struct bench_partner job = {.role = role, .rounds = (long)rounds, .owner = getpid()};
    return bench_start(&job, stdin_fd, stdout_fd);
}

/* --- ping-pong ------------------------------------------------------------------- */

static void sem_round_trips(uint64_t n, void *ctx)
{
    struct bench_sems *sems = ctx;
    for (uint64_t i = 0; i < n; i++) {
        bench_sem_post(sems, BENCH_PING);
        bench_sem_wait(sems, BENCH_PONG);
    }
}

struct pipe_pair {
    int to_partner;   /* our write end of the first pipe */
    int from_partner; /* our read end of the second */
};

static void pipe_round_trips(uint64_t n, void *ctx)
{
    struct pipe_pair *pair = ctx;
    char byte = 'x';
    for (uint64_t i = 0; i < n; i++) {
        write(pair->to_partner, &byte, 1);
        read(pair->from_partner, &byte, 1);
    }
}

static uint64_t sem_pingpong(uint64_t n)
{
    struct bench_sems sems;
    if (bench_sems_create(&sems) < 0)
        return 0;
    int partner = start_echo(BENCH_SEM_ECHO, n * BATCHES, BENCH_INHERIT_FD, BENCH_INHERIT_FD);
    uint64_t cycles = partner > 0 ? median_cycles(sem_round_trips, n, &sems) : 0;
    if (partner > 0)
        bench_wait(partner);
    bench_sems_destroy(&sems);
    return cycles;
}

static uint64_t pipe_pingpong(uint64_t n)
{
    int there[2], back[2];
    if (bench_pipe(there) < 0)
        return 0;
    if (bench_pipe(back) < 0) {
        close(there[0]);
        close(there[1]);
        return 0;
    }
    int partner = start_echo(BENCH_PIPE_ECHO, n * BATCHES, there[0], back[1]);
    struct pipe_pair pair = {.to_partner = there[1], .from_partner = back[0]};
    uint64_t cycles = partner > 0 ? median_cycles(pipe_round_trips, n, &pair) : 0;
    close(there[1]);
    close(back[0]);
    close(there[0]);
    close(back[1]);
    if (partner > 0)
        bench_wait(partner);
    return cycles;
}

/* --- pipe throughput ------------------------------------------------------------- */

/* Cycles to push THROUGHPUT_BYTES through a pipe into a reader, until it has read them all. */
static uint64_t one_throughput_run(void)
{
    static char chunk[THROUGHPUT_CHUNK]; /* only read: sharing it is harmless */
    int ends[2];
    if (bench_pipe(ends) < 0)
        return 0;
    struct bench_partner job = {.role = BENCH_DRAIN};
    int reader = bench_start(&job, ends[0], BENCH_INHERIT_FD);
    close(ends[0]);
    uint64_t start = bench_rdtsc();
    for (uint64_t sent = 0; reader > 0 && sent < THROUGHPUT_BYTES; sent += sizeof(chunk))
        if (write(ends[1], chunk, sizeof(chunk)) != sizeof(chunk))
            break;
    close(ends[1]);
    if (reader > 0)
        bench_wait(reader);
    return bench_rdtsc() - start;
}

/* MiB/s, in tenths: the median of THROUGHPUT_RUNS runs. */
static uint64_t pipe_throughput(void)
{
    uint64_t runs[THROUGHPUT_RUNS];
    for (int i = 0; i < THROUGHPUT_RUNS; i++)
        runs[i] = one_throughput_run();
    uint64_t cycles = bench_median(runs, THROUGHPUT_RUNS);
    return cycles ? (THROUGHPUT_BYTES >> 20) * 10 * cycles_per_second / cycles : 0;
}

/* --- processes ------------------------------------------------------------------ */

static void start_waits(uint64_t n, void *ctx)
{
    (void)ctx;
    struct bench_partner job = {.role = BENCH_EXIT};
    for (uint64_t i = 0; i < n; i++) {
        int pid = bench_start(&job, BENCH_INHERIT_FD, BENCH_INHERIT_FD);
        if (pid > 0)
            bench_wait(pid);
    }
}

/* --- the heap -------------------------------------------------------------------- */

/* A fixed sequence of sizes in [SIZE_MIN, SIZE_MAX_BYTES]: the same on every run. */
static size_t random_size(uint64_t *state)
{
    *state = *state * 6364136223846793005ULL + 1442695040888963407ULL;
    return SIZE_MIN + (size_t)((*state >> 33) % (SIZE_MAX_BYTES - SIZE_MIN + 1));
}

static void malloc_frees(uint64_t n, void *ctx)
{
    uint64_t *state = ctx;
    for (uint64_t i = 0; i < n; i++)
        free(malloc(random_size(state)));
}

/*
 * Reports 100 × (1 − largest free block / free bytes), in tenths of a
 * percent, after a fixed workload: FRAG_BLOCKS random blocks, then every
 * other one freed.
 */
static void report_heap_fragmentation(void)
{
    void **blocks = malloc(FRAG_BLOCKS * sizeof(*blocks));
    if (!blocks) {
        report_missing("heap_frag_pct", "%");
        return;
    }
    uint64_t state = 42;
    for (int i = 0; i < FRAG_BLOCKS; i++)
        blocks[i] = malloc(random_size(&state));
    for (int i = 0; i < FRAG_BLOCKS; i += 2)
        free(blocks[i]);
    uint64_t free_bytes, largest_free;
    bool known = bench_heap_free(&free_bytes, &largest_free) && free_bytes > 0;
    for (int i = 1; i < FRAG_BLOCKS; i += 2)
        free(blocks[i]);
    free(blocks);
    if (known)
        report("heap_frag_pct", 1000 - largest_free * 1000 / free_bytes, "%");
    else
        report_missing("heap_frag_pct", "%");
}

int bench_run(void)
{
    cycles_per_second = bench_tsc_hz();
    if (cycles_per_second == 0) {
        fprintf(stderr, "bench: the TSC's rate could not be measured\n");
        return 1;
    }
    report("tsc_mhz", cycles_per_second / 100000, "MHz");
    report("syscall_ns", tenths_of_ns(median_cycles(null_syscalls, 20000, NULL)), "ns");
    report("int80_ns", tenths_of_ns(median_cycles(null_int80s, 20000, NULL)), "ns");
    report("yield_ns", tenths_of_ns(median_cycles(yields, 20000, NULL)), "ns");
    report("sem_pingpong_us", tenths_of_ns(sem_pingpong(1000)) / 1000, "us");
    report("pipe_pingpong_us", tenths_of_ns(pipe_pingpong(1000)) / 1000, "us");
    report("pipe_throughput_mbs", pipe_throughput(), "MiB/s");
    report("spawn_wait_us", tenths_of_ns(median_cycles(start_waits, 100, NULL)) / 1000, "us");
    uint64_t state = 7;
    report("malloc_free_ns", tenths_of_ns(median_cycles(malloc_frees, 20000, &state)), "ns");
    report_heap_fragmentation();
    char manager[16];
    bench_heap_manager(manager, sizeof(manager));
    printf("bench: heap manager %s\n", manager);
    return 0;
}
