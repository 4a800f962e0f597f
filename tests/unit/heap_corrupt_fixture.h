/*
 * Shared fixture for the heap corruption tests (test_heap_corrupt.c): what
 * it takes to run a heap over an area that code the heap does not trust
 * writes into, and to check every call against heap.h whatever the area
 * holds. On top of heap_fixture.h it adds:
 *
 *   - guarded memory: every area and every piece of bookkeeping ends exactly
 *     where a PROT_NONE page begins and starts a little after another one,
 *     the bytes in between holding a known pattern: a stray read or write
 *     past the end crashes the test, a stray write before the start changes
 *     the pattern;
 *   - a run: a heap under test with the blocks the program holds and the
 *     ones it freed, and operations that each check what heap.h promises,
 *     a poisoned heap's refusals included;
 *   - a watchdog (alarm) that turns a heap that loops forever into a failed
 *     run.
 *
 * What writes into the area, the corruption generators and the random
 * workload that mixes them with the operations, is in heap_corruption.h.
 */
#ifndef CHALK_TESTS_HEAP_CORRUPT_FIXTURE_H
#define CHALK_TESTS_HEAP_CORRUPT_FIXTURE_H

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include "heap_fixture.h"

/* The whole binary must finish within this many seconds. */
#define WATCHDOG_SECONDS 120

/* ---- guarded memory ----------------------------------------------------- */

/*
 * size bytes at base, followed directly by a PROT_NONE page; before base,
 * up to a page of slack filled with GUARD_BYTE, then another PROT_NONE page.
 */
struct guarded {
    uint8_t *map; /* what mmap returned */
    size_t map_size;
    uint8_t *body; /* the first byte after the lower guard page */
    uint8_t *base;
    size_t size;
};

static inline size_t page_size(void)
{
    return (size_t)sysconf(_SC_PAGESIZE);
}

static inline struct guarded guarded_new(size_t size)
{
    size_t page = page_size();
    size_t pages = (size + page - 1) / page;
    struct guarded g;

    g.map_size = (pages + 2) * page;
    g.map = mmap(NULL, g.map_size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(g.map != MAP_FAILED);
    assert_int_equal(mprotect(g.map, page, PROT_NONE), 0);
    assert_int_equal(mprotect(g.map + (pages + 1) * page, page, PROT_NONE), 0);
    g.body = g.map + page;
    g.base = g.body + pages * page - size;
    g.size = size;
    memset(g.body, GUARD_BYTE, (size_t)(g.base - g.body));
    return g;
}

static inline void guarded_assert_slack_intact(const struct guarded *g)
{
    for (const uint8_t *p = g->body; p < g->base; p++) {
        if (*p != GUARD_BYTE)
            fail_msg("byte %p, %td before the start, was written", (void *)p, g->base - p);
    }
}

static inline void guarded_free(struct guarded *g)
{
    assert_int_equal(munmap(g->map, g->map_size), 0);
}

/* ---- a heap under test -------------------------------------------------- */

#define LIVE_MAX  512
#define FREED_MAX 64
#define SNAPSHOTS 16

struct span {
    uint8_t *ptr;
    size_t size;
};

/* Bytes as they once were at an address in the area. */
struct snapshot {
    uint8_t *at;
    size_t len;
    uint8_t bytes[32];
};

struct run {
    struct heap *heap;
    struct guarded area; /* the area; with heap_init, the whole region */
    struct guarded meta; /* the bookkeeping, when split */
    bool split;
    size_t total; /* stats.total right after init */
    struct span live[LIVE_MAX];
    size_t live_count;
    struct span freed[FREED_MAX]; /* recently freed blocks, a ring */
    size_t freed_count;
    size_t freed_next;
    struct snapshot snapshots[SNAPSHOTS]; /* a ring */
    size_t snapshot_count;
    size_t snapshot_next;
    unsigned long corruptions;
    unsigned long damaged_ops; /* calls made after a corruption, before poisoning */
};

/*
 * A heap over an area of area_size bytes: heap_init_split with its
 * bookkeeping in separate guarded memory, or heap_init over the area alone.
 */
static inline void run_start(struct run *run, size_t area_size, bool split)
{
    memset(run, 0, sizeof(*run));
    run->split = split;
    run->area = guarded_new(area_size);
    if (split) {
        run->meta = guarded_new(heap_meta_size(area_size));
        run->heap = heap_init_split(run->meta.base, run->meta.size, run->area.base, area_size);
    } else {
        run->heap = heap_init(run->area.base, area_size);
    }
    assert_non_null(run->heap);
    run->total = stats_of(run->heap).total;
}

static inline void run_finish(struct run *run)
{
    guarded_assert_slack_intact(&run->area);
    guarded_free(&run->area);
    if (run->split) {
        guarded_assert_slack_intact(&run->meta);
        guarded_free(&run->meta);
    }
}

static inline uintptr_t area_start(const struct run *run)
{
    return (uintptr_t)run->area.base;
}

static inline uintptr_t area_end(const struct run *run)
{
    return (uintptr_t)run->area.base + run->area.size;
}

static inline bool poisoned(const struct run *run)
{
    return stats_of(run->heap).poisoned;
}

/* A block the heap reports: wholly inside the area. */
static inline void assert_block_inside(const struct run *run, const void *ptr, size_t size)
{
    uintptr_t addr = (uintptr_t)ptr;

    if (addr < area_start(run) || addr > area_end(run) || size > area_end(run) - addr)
        fail_msg("block %p of %zu bytes lies outside the area", ptr, size);
}

/* ---- operations, each checking what heap.h promises whatever the area holds */

static inline size_t random_size(const struct run *run)
{
    unsigned kind = (unsigned)rng_below(100);

    if (kind < 70)
        return rng_range(1, 256);
    if (kind < 97)
        return rng_range(1, 4 * KIB);
    return rng_range(1, run->area.size);
}

static inline size_t min_size(size_t a, size_t b)
{
    return a < b ? a : b;
}

static inline void op_free_live(struct run *run);

static inline void op_alloc(struct run *run)
{
    bool was_poisoned = poisoned(run);
    size_t size = random_size(run);
    uint8_t *ptr;
    size_t usable;

    if (run->live_count == LIVE_MAX) {
        op_free_live(run);
        return;
    }
    ptr = heap_alloc(run->heap, size);
    if (ptr == NULL)
        return;
    assert_false(was_poisoned);
    usable = heap_block_size(run->heap, ptr);
    assert_int_equal((uintptr_t)ptr % HEAP_ALIGN, 0);
    assert_true(usable >= size);
    assert_block_inside(run, ptr, usable);
    /* The program uses its block, as a program would. */
    memset(ptr, (int)rng_below(256), min_size(usable, 256));
    run->live[run->live_count++] = (struct span){ptr, usable};
}

static inline void assert_free_result(int result, bool was_poisoned)
{
    if (was_poisoned)
        assert_int_equal(result, -EFAULT);
    else
        assert_true(result == 0 || result == -EINVAL || result == -EFAULT);
}

/* Moves the live block at index to the ring of freed ones. */
static inline void forget_live(struct run *run, size_t index)
{
    run->freed[run->freed_next] = run->live[index];
    run->freed_next = (run->freed_next + 1) % FREED_MAX;
    if (run->freed_count < FREED_MAX)
        run->freed_count++;
    run->live[index] = run->live[--run->live_count];
}

static inline void op_free_live(struct run *run)
{
    bool was_poisoned = poisoned(run);
    size_t index;

    if (run->live_count == 0)
        return;
    index = rng_below(run->live_count);
    assert_free_result(heap_free(run->heap, run->live[index].ptr), was_poisoned);
    forget_live(run, index);
}

/*
 * A pointer that must not be followed: outside the area, the bookkeeping,
 * misaligned, or a place in the area where no free block starts (or, now
 * and then, one where one might).
 */
static inline uintptr_t wild_pointer(const struct run *run)
{
    switch (rng_below(16)) {
    case 0:
        return 0;
    case 1:
        return area_start(run) - 16; /* just before: the slack */
    case 2:
        return area_start(run) - 2 * page_size(); /* the guard page */
    case 3:
        return area_end(run) + rng_below(32); /* at or just past the end: the guard page */
    case 4:
        return area_end(run) - rng_range(1, 32); /* too close to the end for a block */
    case 5:
        return (uintptr_t)run->heap; /* the bookkeeping */
    case 6:
        return (uintptr_t)__builtin_frame_address(0); /* the stack */
    case 7:
        return rng_next();
    case 8:
        return UINTPTR_MAX - 15;
    case 9:
        return area_start(run) + rng_below(run->area.size); /* inside, any alignment */
    case 10:
        return area_start(run) + rng_below(run->area.size / 16) * 16; /* inside, aligned */
    case 11:
        return area_start(run) + rng_below(run->area.size / 32) * 32 + 8;
    case 12:
        return run->live_count ? (uintptr_t)run->live[rng_below(run->live_count)].ptr : 0;
    case 13:
        return run->freed_count ? (uintptr_t)run->freed[rng_below(run->freed_count)].ptr : 0;
    case 14:
        return run->freed_count ? (uintptr_t)run->freed[rng_below(run->freed_count)].ptr - 16 : 1;
    default:
        return (uintptr_t)run->area.base;
    }
}

static inline void op_free_wild(struct run *run)
{
    bool was_poisoned = poisoned(run);
    uintptr_t addr = wild_pointer(run);
    int result = heap_free(run->heap, (void *)addr);

    if (addr == 0) {
        assert_int_equal(result, 0);
        return;
    }
    assert_free_result(result, was_poisoned);
    if (addr < area_start(run) || addr >= area_end(run))
        assert_int_not_equal(result, 0);
    /* It may have been one of the program's blocks: then it is freed now. */
    for (size_t i = 0; result == 0 && i < run->live_count; i++) {
        if ((uintptr_t)run->live[i].ptr == addr) {
            forget_live(run, i);
            break;
        }
    }
}

static inline void op_block_size(struct run *run)
{
    uintptr_t addr = wild_pointer(run);
    size_t size = heap_block_size(run->heap, (void *)addr);

    if (size > 0) {
        assert_false(poisoned(run));
        assert_block_inside(run, (void *)addr, size);
    }
}

static inline void op_stats(struct run *run)
{
    struct heap_stats stats = stats_of(run->heap);

    assert_int_equal(stats.total, run->total);
    assert_true(stats.largest_free <= stats.total);
    if (stats.poisoned)
        assert_int_equal(stats.largest_free, 0);
}

static inline void op_check(struct run *run)
{
    bool was_poisoned = poisoned(run);

    if (heap_check(run->heap))
        assert_false(was_poisoned);
}

/* What heap.h promises of a poisoned heap, tried on everything the run knows of. */
static inline void assert_poisoned_refuses_everything(struct run *run)
{
    struct heap_stats stats = stats_of(run->heap);

    assert_true(stats.poisoned);
    assert_int_equal(stats.largest_free, 0);
    assert_int_equal(stats.total, run->total);
    assert_false(heap_check(run->heap));
    assert_int_equal(heap_free(run->heap, NULL), 0);
    for (size_t size = 1; size <= run->area.size; size *= 2)
        assert_null(heap_alloc(run->heap, size));
    for (size_t i = 0; i < run->live_count; i++) {
        assert_int_equal(heap_block_size(run->heap, run->live[i].ptr), 0);
        assert_int_equal(heap_free(run->heap, run->live[i].ptr), -EFAULT);
    }
    for (size_t i = 0; i < run->freed_count; i++)
        assert_int_equal(heap_free(run->heap, run->freed[i].ptr), -EFAULT);
}

/* ---- the watchdog ------------------------------------------------------- */

static inline void watchdog(int signal)
{
    static const char message[] = "test_heap_corrupt: watchdog: a heap call did not return\n";

    (void)signal;
    if (write(STDERR_FILENO, message, sizeof(message) - 1) < 0)
        _exit(3);
    _exit(2);
}

/* From now on, a binary still running after WATCHDOG_SECONDS fails. */
static inline void watchdog_start(void)
{
    signal(SIGALRM, watchdog);
    alarm(WATCHDOG_SECONDS);
}

#endif
