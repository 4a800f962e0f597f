/*
 * test memory MAX_BYTES [ROUNDS]: the user heap under random load.
 *
 * Each round allocates blocks of random sizes, at most BLOCKS_MAX of them,
 * until about MAX_BYTES are in use, and fills each with a byte of its own.
 * Then it checks what a memory manager must guarantee:
 *
 *  - no two blocks overlap (compared by address, before any byte is read);
 *  - every block still holds its byte everywhere once all are filled, so
 *    no block was written over by another or by the manager's bookkeeping;
 *  - every free is accepted, and afterwards the kernel counts no block and
 *    no byte as this process's (memstats), so nothing leaked.
 *
 * The sizes: mostly small (up to twice the even share of MAX_BYTES), and
 * now and then one of up to half of what is left, so both managers see
 * many sizes and both small and large holes.
 *
 * The heap is shared with every other program, so a malloc that fails is
 * not an error: the round goes on with what it got (and says so). A round
 * that finds damage ends the test at once with FAILED. Without ROUNDS the
 * test runs until it is killed, which must give back what it holds.
 */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"

#define BLOCKS_MAX     128
#define ERRORS_SHOWN   4    /* damaged blocks reported in detail per round */
#define PROGRESS_EVERY 1000 /* ms between progress lines */
#define ROUNDS_MAX     1000000000

struct block {
    unsigned char *data;
    size_t size;
};

struct round {
    struct block blocks[BLOCKS_MAX];
    int count;
    size_t bytes;
    bool heap_full; /* a malloc failed: the heap is shared, not an error */
    int errors;
};

/* Block i's byte: never 0 (fresh memory often is), distinct for every block of a round. */
static unsigned char pattern(int i, uint64_t round)
{
    return (unsigned char)((uint64_t)i + round % 128 + 1);
}

static size_t next_size(uint64_t *rng, size_t max_bytes, size_t left)
{
    size_t limit = tests_random_below(rng, 8) == 0 ? left / 2 : 2 * max_bytes / BLOCKS_MAX;
    if (limit == 0)
        limit = 1;
    if (limit > left)
        limit = left;
    return 1 + tests_random_below(rng, limit);
}

static void allocate(struct round *r, uint64_t *rng, size_t max_bytes, uint64_t number)
{
    while (r->count < BLOCKS_MAX && r->bytes < max_bytes) {
        size_t size = next_size(rng, max_bytes, max_bytes - r->bytes);
        unsigned char *data = malloc(size);
        if (!data) {
            r->heap_full = true;
            return;
        }
        memset(data, pattern(r->count, number), size);
        r->blocks[r->count++] = (struct block){data, size};
        r->bytes += size;
    }
}

static void damaged(struct round *r, int i, const char *what, size_t offset)
{
    if (++r->errors > ERRORS_SHOWN)
        return;
    printf("test memory: block %d (%p, %zu bytes) %s at offset %zu\n", i, (void *)r->blocks[i].data,
           r->blocks[i].size, what, offset);
}

static void check_overlaps(struct round *r)
{
    for (int i = 0; i < r->count; i++) {
        const struct block *a = &r->blocks[i];
        for (int j = i + 1; j < r->count; j++) {
            const struct block *b = &r->blocks[j];
            if (a->data < b->data + b->size && b->data < a->data + a->size)
                damaged(r, i, "overlaps another block", 0);
        }
    }
}

static void check_contents(struct round *r, uint64_t number)
{
    for (int i = 0; i < r->count; i++) {
        const struct block *b = &r->blocks[i];
        for (size_t offset = 0; offset < b->size; offset++) {
            if (b->data[offset] != pattern(i, number)) {
                damaged(r, i, "overwritten", offset);
                break;
            }
        }
    }
}

static void free_all(struct round *r)
{
    for (int i = 0; i < r->count; i++) {
        errno = 0;
        free(r->blocks[i].data);
        if (errno)
            damaged(r, i, "refused by free", 0);
    }
}

/* After a round this process must hold nothing: what the kernel counts as its own. */
static void check_nothing_held(struct round *r)
{
    struct chalk_mem_stats stats;
    if (memstats(&stats) < 0 || stats.mine_blocks != 0 || stats.mine_bytes != 0) {
        r->errors++;
        printf("test memory: %lu blocks (%lu bytes) still held after freeing them all\n",
               (unsigned long)stats.mine_blocks, (unsigned long)stats.mine_bytes);
    }
}

static int run_round(struct round *r, uint64_t *rng, size_t max_bytes, uint64_t number)
{
    *r = (struct round){0};
    allocate(r, rng, max_bytes, number);
    check_overlaps(r);
    check_contents(r, number);
    free_all(r);
    check_nothing_held(r);
    return r->errors;
}

int64_t memory_test(uint64_t argc, char *argv[])
{
    static const char usage[] = "memory MAX_BYTES [ROUNDS]";
    struct chalk_mem_stats stats;
    int64_t max_bytes, rounds = 0;
    if (argc < 1 || argc > 2 || memstats(&stats) < 0)
        return tests_usage(usage);
    if (!program_arg_int(argv[0], 1, (int64_t)stats.heap_total, &max_bytes) ||
        (argc == 2 && !program_arg_int(argv[1], 1, ROUNDS_MAX, &rounds))) {
        fprintf(stderr, "test memory: MAX_BYTES is 1 to %lu (the heap), ROUNDS 1 to %d\n",
                (unsigned long)stats.heap_total, ROUNDS_MAX);
        return tests_usage(usage);
    }
    if (rounds)
        printf("test memory: %ld rounds of up to %d blocks, %ld bytes in all\n", (long)rounds,
               BLOCKS_MAX, (long)max_bytes);
    else
        printf("test memory: rounds of up to %d blocks, %ld bytes in all, until killed\n",
               BLOCKS_MAX, (long)max_bytes);

    struct round round; /* on the stack: the heap must hold only the round's blocks */
    struct round *r = &round;
    uint64_t rng = tests_seed(), last_report = uptime_ms();
    int errors = 0;
    for (uint64_t number = 1; !errors && (rounds == 0 || number <= (uint64_t)rounds); number++) {
        errors = run_round(r, &rng, (size_t)max_bytes, number);
        bool last = number == (uint64_t)rounds;
        if (errors || last || number == 1 || tests_every(&last_report, PROGRESS_EVERY))
            printf("test memory: round %lu: %d blocks, %zu bytes%s: %s\n", (unsigned long)number,
                   r->count, r->bytes, r->heap_full ? " (the heap had no more)" : "",
                   errors ? "damaged" : "all intact, all freed");
    }
    return tests_result("memory", errors ? "blocks damaged or leaked" : NULL);
}
