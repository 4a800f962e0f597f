/*
 * bench: times Chalk's hot paths and prints one line per result, "name value
 * unit" (docs/performance.md explains each item and the latest figures).
 *
 * Method, the same for every item: the clock is the TSC (rdtsc, no system
 * call), converted with the rate the kernel measured at boot. An item runs
 * BATCHES batches of n operations; the result is the median batch divided by
 * n, so one batch disturbed by a timer tick or a slow first run (cold caches,
 * page-table walks) does not move it. Items that need a partner process
 * start it once, for all batches, and hand it the names of the semaphores or
 * the numbers of the pipe ends in its arguments (globals are shared by every
 * process, so nothing per-run can live there).
 */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define BATCHES          7
#define THROUGHPUT_BYTES (64ULL << 20)
#define THROUGHPUT_CHUNK 4096
#define THROUGHPUT_RUNS  3
#define FRAG_BLOCKS      2000
#define SIZE_MIN         16
#define SIZE_MAX_BYTES   4096

static int64_t bench_main(uint64_t argc, char *argv[]);

PROGRAM(bench, .main = bench_main, .summary = "time system calls, switches, IPC and the heap",
        .usage = "bench",
        .manual = "Prints one line per measurement, \"name value unit\": a null system call\n"
                  "through syscall and int 0x80, yield, semaphore and pipe ping-pong between\n"
                  "two processes, pipe throughput, spawn+wait, malloc+free of random sizes,\n"
                  "and the heap's fragmentation after a fixed random workload. Each time is\n"
                  "the median of 7 batches, measured with the TSC. make bench runs it in a\n"
                  "fresh machine and adds the boot time; docs/performance.md explains it.\n");

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

/* --- batches ----------------------------------------------------------------- */

typedef void (*operation)(uint64_t n, void *ctx);

static void sort(uint64_t *v, int count)
{
    for (int i = 1; i < count; i++)
        for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
            uint64_t t = v[j];
            v[j] = v[j - 1];
            v[j - 1] = t;
        }
}

/* Median cycles of one operation: BATCHES runs of op(n). */
static uint64_t median_cycles(operation op, uint64_t n, void *ctx)
{
    uint64_t batch[BATCHES];
    for (int i = 0; i < BATCHES; i++) {
        uint64_t start = rdtsc();
        op(n, ctx);
        batch[i] = rdtsc() - start;
    }
    sort(batch, BATCHES);
    return batch[BATCHES / 2] / n;
}

/* --- system calls and yield -------------------------------------------------- */

static void null_syscalls(uint64_t n, void *ctx)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++)
        syscall(SYS_GETPID);
}

static void null_int80s(uint64_t n, void *ctx)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++)
        syscall_int80(SYS_GETPID);
}

static void yields(uint64_t n, void *ctx)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++)
        yield();
}

/* --- ping-pong partners -------------------------------------------------------- */

/* argv: rounds, the semaphore to wait on, the one to post. */
static int64_t sem_partner(uint64_t argc, char *argv[])
{
    if (argc != 3 || sem_open(argv[1], 0) < 0 || sem_open(argv[2], 0) < 0)
        return 1;
    for (long i = strtol(argv[0], NULL, 10); i > 0; i--)
        if (sem_wait(argv[1]) < 0 || sem_post(argv[2]) < 0)
            return 1;
    return 0;
}

/* stdin and stdout are the two pipes; argv: rounds. */
static int64_t pipe_partner(uint64_t argc, char *argv[])
{
    char byte;
    if (argc != 1)
        return 1;
    for (long i = strtol(argv[0], NULL, 10); i > 0; i--)
        if (read(STDIN_FILENO, &byte, 1) != 1 || write(STDOUT_FILENO, &byte, 1) != 1)
            return 1;
    return 0;
}

struct sem_pair {
    char ping[SEM_NAME_MAX];
    char pong[SEM_NAME_MAX];
};

static void sem_round_trips(uint64_t n, void *ctx)
{
    struct sem_pair *pair = ctx;
    for (uint64_t i = 0; i < n; i++) {
        sem_post(pair->ping);
        sem_wait(pair->pong);
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

static int spawn_partner(const char *name, process_fn fn, char *rounds, char *a, char *b,
                         int stdin_fd, int stdout_fd)
{
    char *argv[] = {rounds, a, b};
    return spawn(name, fn, a ? 3 : 1, argv, PRIORITY_DEFAULT, 0, stdin_fd, stdout_fd);
}

static uint64_t sem_pingpong(uint64_t n)
{
    struct sem_pair pair;
    snprintf(pair.ping, sizeof(pair.ping), "bench%d.ping", getpid());
    snprintf(pair.pong, sizeof(pair.pong), "bench%d.pong", getpid());
    char rounds[24];
    snprintf(rounds, sizeof(rounds), "%lu", (unsigned long)(n * BATCHES));
    sem_open(pair.ping, 0);
    sem_open(pair.pong, 0);
    int partner = spawn_partner("bench partner", sem_partner, rounds, pair.ping, pair.pong,
                                SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    uint64_t cycles = partner > 0 ? median_cycles(sem_round_trips, n, &pair) : 0;
    if (partner > 0)
        waitpid(partner, NULL, 0);
    sem_close(pair.ping);
    sem_close(pair.pong);
    return cycles;
}

static uint64_t pipe_pingpong(uint64_t n)
{
    int there[2], back[2];
    if (pipe2(there, FD_CLOSE_ON_SPAWN) < 0)
        return 0;
    if (pipe2(back, FD_CLOSE_ON_SPAWN) < 0) {
        close(there[0]);
        close(there[1]);
        return 0;
    }
    char rounds[24];
    snprintf(rounds, sizeof(rounds), "%lu", (unsigned long)(n * BATCHES));
    int partner =
        spawn_partner("bench partner", pipe_partner, rounds, NULL, NULL, there[0], back[1]);
    struct pipe_pair pair = {.to_partner = there[1], .from_partner = back[0]};
    uint64_t cycles = partner > 0 ? median_cycles(pipe_round_trips, n, &pair) : 0;
    close(there[1]);
    close(back[0]);
    close(there[0]);
    close(back[1]);
    if (partner > 0)
        waitpid(partner, NULL, 0);
    return cycles;
}

/* --- pipe throughput ------------------------------------------------------------- */

/* Reads stdin to its end. */
static int64_t drain(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    char buf[THROUGHPUT_CHUNK];
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
        ;
    return n < 0;
}

/* Cycles to push THROUGHPUT_BYTES through a pipe into a reader, until it has read them all. */
static uint64_t one_throughput_run(void)
{
    static char chunk[THROUGHPUT_CHUNK]; /* only read: sharing it is harmless */
    int ends[2];
    if (pipe2(ends, FD_CLOSE_ON_SPAWN) < 0)
        return 0;
    int reader =
        spawn("bench drain", drain, 0, NULL, PRIORITY_DEFAULT, 0, ends[0], SPAWN_INHERIT_FD);
    close(ends[0]);
    uint64_t start = rdtsc();
    for (uint64_t sent = 0; reader > 0 && sent < THROUGHPUT_BYTES; sent += sizeof(chunk))
        if (write(ends[1], chunk, sizeof(chunk)) != sizeof(chunk))
            break;
    close(ends[1]);
    if (reader > 0)
        waitpid(reader, NULL, 0);
    return rdtsc() - start;
}

/* MiB/s, in tenths: the median of THROUGHPUT_RUNS runs. */
static uint64_t pipe_throughput(void)
{
    uint64_t runs[THROUGHPUT_RUNS];
    for (int i = 0; i < THROUGHPUT_RUNS; i++)
        runs[i] = one_throughput_run();
    sort(runs, THROUGHPUT_RUNS);
    uint64_t cycles = runs[THROUGHPUT_RUNS / 2];
    return cycles ? (THROUGHPUT_BYTES >> 20) * 10 * cycles_per_second / cycles : 0;
}

/* --- processes ------------------------------------------------------------------ */

static int64_t exit_at_once(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return 0;
}

static void spawn_waits(uint64_t n, void *ctx)
{
    (void)ctx;
    for (uint64_t i = 0; i < n; i++) {
        int pid = spawn("bench child", exit_at_once, 0, NULL, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD,
                        SPAWN_INHERIT_FD);
        if (pid > 0)
            waitpid(pid, NULL, 0);
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
 * 100 × (1 − largest free block / free bytes), in tenths of a percent, after
 * a fixed workload: FRAG_BLOCKS random blocks, then every other one freed.
 */
static uint64_t heap_fragmentation(void)
{
    void **blocks = malloc(FRAG_BLOCKS * sizeof(*blocks));
    if (!blocks)
        return 0;
    uint64_t state = 42;
    for (int i = 0; i < FRAG_BLOCKS; i++)
        blocks[i] = malloc(random_size(&state));
    for (int i = 0; i < FRAG_BLOCKS; i += 2)
        free(blocks[i]);
    struct chalk_mem_stats stats;
    uint64_t tenths = 0;
    if (memstats(&stats) == 0 && stats.heap_free > 0)
        tenths = 1000 - stats.heap_largest_free * 1000 / stats.heap_free;
    for (int i = 1; i < FRAG_BLOCKS; i += 2)
        free(blocks[i]);
    free(blocks);
    return tenths;
}

static int64_t bench_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_bench);
    cycles_per_second = tsc_hz();
    if (cycles_per_second == 0) {
        fprintf(stderr, "bench: the kernel could not measure the TSC's rate\n");
        return 1;
    }
    struct chalk_mem_stats stats;
    memstats(&stats);
    report("tsc_mhz", cycles_per_second / 100000, "MHz");
    report("syscall_ns", tenths_of_ns(median_cycles(null_syscalls, 20000, NULL)), "ns");
    report("int80_ns", tenths_of_ns(median_cycles(null_int80s, 20000, NULL)), "ns");
    report("yield_ns", tenths_of_ns(median_cycles(yields, 20000, NULL)), "ns");
    report("sem_pingpong_us", tenths_of_ns(sem_pingpong(1000)) / 1000, "us");
    report("pipe_pingpong_us", tenths_of_ns(pipe_pingpong(1000)) / 1000, "us");
    report("pipe_throughput_mbs", pipe_throughput(), "MiB/s");
    report("spawn_wait_us", tenths_of_ns(median_cycles(spawn_waits, 100, NULL)) / 1000, "us");
    uint64_t state = 7;
    report("malloc_free_ns", tenths_of_ns(median_cycles(malloc_frees, 20000, &state)), "ns");
    report("heap_frag_pct", heap_fragmentation(), "%");
    printf("bench: heap manager %s\n", stats.manager);
    return 0;
}
