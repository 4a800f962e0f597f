/*
 * Unit tests for the heap interface (kernel/mm/heap.h).
 *
 * The same source is built once against each implementation:
 *   gcc ... tests/unit/test_heap.c kernel/mm/heap_buddy.c    -lcmocka
 *   gcc ... tests/unit/test_heap.c kernel/mm/heap_firstfit.c -lcmocka
 * so every test here states the interface's promises, not either
 * implementation's layout. The heaps live in regions from the host's malloc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rng.h"

#include <stdlib.h>
#include <string.h>

#include "mm/heap.h"
#include "lib/errno.h"

#define KIB ((size_t)1024)
#define MIB (1024 * KIB)

/* ---- regions ------------------------------------------------------------ */

/*
 * A host buffer with guard bytes on both sides of the slice given to
 * heap_init, so a test can tell whether the heap wrote outside its region.
 */
struct region {
    uint8_t *buffer;
    uint8_t *base; /* what heap_init gets: buffer + GUARD + offset */
    size_t size;
};

#define GUARD      64
#define GUARD_BYTE 0xa5

static struct region region_new(size_t offset, size_t size)
{
    struct region region;

    region.buffer = aligned_alloc(64, (offset + size + 2 * GUARD + 63) / 64 * 64);
    assert_non_null(region.buffer);
    memset(region.buffer, GUARD_BYTE, offset + size + 2 * GUARD);
    region.base = region.buffer + GUARD + offset;
    region.size = size;
    return region;
}

static void region_free(struct region *region)
{
    free(region->buffer);
}

static void assert_guards_intact(const struct region *region)
{
    for (size_t i = 1; i <= GUARD; i++) {
        assert_int_equal(region->base[-(ptrdiff_t)i], GUARD_BYTE);
        assert_int_equal(region->base[region->size + i - 1], GUARD_BYTE);
    }
}

static bool inside_region(const struct region *region, const void *ptr, size_t size)
{
    uintptr_t addr = (uintptr_t)ptr;
    uintptr_t base = (uintptr_t)region->base;

    return addr >= base && addr - base <= region->size && size <= region->size - (addr - base);
}

/* ---- helpers ------------------------------------------------------------ */

static size_t rng_range(size_t low, size_t high)
{
    return low + (size_t)(rng_next() % (high - low + 1));
}

static struct heap_stats stats_of(const struct heap *heap)
{
    struct heap_stats stats;

    heap_stats(heap, &stats);
    return stats;
}

static void assert_stats_equal(const struct heap_stats *a, const struct heap_stats *b)
{
    assert_int_equal(a->total, b->total);
    assert_int_equal(a->used, b->used);
    assert_int_equal(a->free, b->free);
    assert_int_equal(a->largest_free, b->largest_free);
    assert_int_equal(a->free_blocks, b->free_blocks);
    assert_int_equal(a->allocations, b->allocations);
}

static void assert_stats_consistent(const struct heap_stats *stats, size_t live)
{
    assert_int_equal(stats->used + stats->free, stats->total);
    assert_int_equal(stats->allocations, live);
    assert_true(stats->largest_free <= stats->free);
    assert_true(stats->free_blocks > 0 || stats->free == 0);
    assert_true(stats->free_blocks == 0 || stats->largest_free > 0);
}

static void assert_fresh(const struct heap *heap, const struct region *region)
{
    struct heap_stats stats = stats_of(heap);

    assert_true(heap_check(heap));
    assert_true(stats.total > 0 && stats.total <= region->size);
    assert_int_equal(stats.used, 0);
    assert_int_equal(stats.allocations, 0);
    assert_stats_consistent(&stats, 0);
    assert_true(stats.free_blocks >= 1);
}

/*
 * The size of a region at base whose heap manages exactly want bytes, or 0.
 * The managed size only grows with the region, so a binary search finds it.
 */
static size_t region_size_for_total(uint8_t *base, size_t want, size_t limit)
{
    size_t low = 0, high = limit;

    while (low < high) {
        size_t mid = low + (high - low) / 2;
        struct heap *heap = heap_init(base, mid);

        if (heap && stats_of(heap).total >= want)
            high = mid;
        else
            low = mid + 1;
    }
    struct heap *heap = heap_init(base, low);

    return heap && stats_of(heap).total == want ? low : 0;
}

/* Block contents derived from the block's id and the byte's position. */
static uint8_t pattern_byte(uint32_t id, size_t i)
{
    return (uint8_t)(id * 2654435761u + i * 31 + (i >> 8));
}

static void fill_block(uint8_t *ptr, size_t size, uint32_t id)
{
    for (size_t i = 0; i < size; i++)
        ptr[i] = pattern_byte(id, i);
}

static void assert_block_intact(const uint8_t *ptr, size_t size, uint32_t id)
{
    for (size_t i = 0; i < size; i++) {
        if (ptr[i] != pattern_byte(id, i))
            fail_msg("block %u changed at byte %zu of %zu", id, i, size);
    }
}

/* ---- live block tracking ------------------------------------------------ */

struct live_block {
    uint8_t *ptr;
    size_t usable; /* heap_block_size at allocation */
    uint32_t id;
};

struct live_set {
    struct live_block *blocks;
    size_t count;
    size_t capacity;
    uint32_t next_id;
};

static struct live_set live_new(size_t capacity)
{
    struct live_set set = {calloc(capacity, sizeof(struct live_block)), 0, capacity, 1};

    assert_non_null(set.blocks);
    return set;
}

/*
 * Allocates size bytes and checks the promises made for a new block:
 * aligned, at least size usable bytes, inside the region, overlapping no
 * live block. Returns false when the heap had no room.
 */
static bool live_alloc(struct live_set *set, struct heap *heap, const struct region *region,
                       size_t size)
{
    uint8_t *ptr = heap_alloc(heap, size);
    size_t usable = heap_block_size(heap, ptr);

    if (ptr == NULL)
        return false;
    assert_int_equal((uintptr_t)ptr % HEAP_ALIGN, 0);
    assert_true(usable >= size);
    assert_true(inside_region(region, ptr, usable));
    assert_true(set->count < set->capacity);
    for (size_t i = 0; i < set->count; i++) {
        const struct live_block *other = &set->blocks[i];

        if (ptr < other->ptr + other->usable && other->ptr < ptr + usable)
            fail_msg("block %p overlaps live block %p", (void *)ptr, (void *)other->ptr);
    }
    set->blocks[set->count++] = (struct live_block){ptr, usable, set->next_id};
    fill_block(ptr, usable, set->next_id++);
    return true;
}

/* Verifies and frees the live block at index, keeping the set compact. */
static void live_free(struct live_set *set, struct heap *heap, size_t index)
{
    struct live_block *block = &set->blocks[index];

    assert_int_equal(heap_block_size(heap, block->ptr), block->usable);
    assert_block_intact(block->ptr, block->usable, block->id);
    assert_int_equal(heap_free(heap, block->ptr), 0);
    *block = set->blocks[--set->count];
}

static void live_free_all_random(struct live_set *set, struct heap *heap)
{
    while (set->count > 0)
        live_free(set, heap, rng_range(0, set->count - 1));
}

static void live_reverse(struct live_set *set)
{
    for (size_t low = 0, high = set->count; low + 1 < high; low++, high--) {
        struct live_block swap = set->blocks[low];

        set->blocks[low] = set->blocks[high - 1];
        set->blocks[high - 1] = swap;
    }
}

static void live_assert_all_intact(const struct live_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        assert_block_intact(set->blocks[i].ptr, set->blocks[i].usable, set->blocks[i].id);
}

static void live_assert_accounted(const struct live_set *set, const struct heap *heap)
{
    struct heap_stats stats = stats_of(heap);
    size_t usable = 0;

    for (size_t i = 0; i < set->count; i++)
        usable += set->blocks[i].usable;
    assert_stats_consistent(&stats, set->count);
    assert_true(usable <= stats.used);
}

/* Mostly small requests, some of a few KiB, now and then a large one. */
static size_t random_request_size(void)
{
    unsigned kind = (unsigned)rng_range(0, 99);

    if (kind < 60)
        return rng_range(1, 256);
    if (kind < 90)
        return rng_range(1, 4 * KIB);
    if (kind < 99)
        return rng_range(4 * KIB + 1, 16 * KIB);
    return rng_range(32 * KIB, 256 * KIB);
}

/*
 * Runs random allocations and frees on a fresh heap, checking everything the
 * interface promises along the way; frees everything at the end and expects
 * the heap to be exactly as heap_init left it.
 */
static void stress(struct heap *heap, const struct region *region, unsigned long ops, uint64_t seed)
{
    struct heap_stats initial = stats_of(heap);
    struct live_set set = live_new(2048);
    size_t failed_allocs = 0;

    rng_seed(seed);
    for (unsigned long op = 1; op <= ops; op++) {
        bool allocate = set.count == 0 || (set.count < set.capacity && rng_range(0, 99) < 55);

        if (allocate) {
            if (!live_alloc(&set, heap, region, random_request_size()))
                failed_allocs++;
        } else {
            live_free(&set, heap, rng_range(0, set.count - 1));
        }
        if (op % 1000 == 0) {
            assert_true(heap_check(heap));
            live_assert_accounted(&set, heap);
        }
        if (op % 20000 == 0)
            live_assert_all_intact(&set);
    }
    /* The region is small enough that the heap must have filled up now and then. */
    assert_true(failed_allocs > 0);
    live_free_all_random(&set, heap);
    assert_true(heap_check(heap));
    struct heap_stats final = stats_of(heap);
    assert_stats_equal(&final, &initial);
    assert_guards_intact(region);
    free(set.blocks);
}

/* Expects heap_free to refuse ptr and to leave the heap exactly as it was. */
static void assert_free_rejected(struct heap *heap, void *ptr)
{
    struct heap_stats before = stats_of(heap);

    assert_int_equal(heap_free(heap, ptr), -EINVAL);
    assert_int_equal(heap_block_size(heap, ptr), 0);
    assert_true(heap_check(heap));
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &before);
}

/* ---- tests -------------------------------------------------------------- */

static void test_init_rejects_impossible_regions(void **state)
{
    struct region region = region_new(0, 64);

    (void)state;
    assert_null(heap_init(NULL, MIB));
    assert_null(heap_init(region.base, 0));
    assert_null(heap_init(region.base, 1));
    /* A region that would wrap around the end of the address space. */
    assert_null(heap_init((void *)(UINTPTR_MAX - 15), 4096));
    assert_guards_intact(&region);
    region_free(&region);
}

/*
 * For every small size at every misalignment: heap_init refuses the region
 * or returns a heap that can hand out a block; once a size works, every
 * larger one does too; nothing is ever written outside the region.
 */
static void test_init_tiny_and_unaligned_regions(void **state)
{
    (void)state;
    for (size_t offset = 0; offset < 2 * HEAP_ALIGN; offset++) {
        bool worked = false;

        for (size_t size = 0; size <= 2 * KIB; size++) {
            struct region region = region_new(offset, size);
            struct heap *heap = heap_init(region.base, size);

            if (heap == NULL) {
                assert_false(worked);
            } else {
                worked = true;
                assert_true(inside_region(&region, heap, 1));
                assert_fresh(heap, &region);
                void *ptr = heap_alloc(heap, 1);
                assert_non_null(ptr);
                assert_true(inside_region(&region, ptr, heap_block_size(heap, ptr)));
                memset(ptr, 0, heap_block_size(heap, ptr));
                assert_true(heap_check(heap));
                assert_int_equal(heap_free(heap, ptr), 0);
            }
            assert_guards_intact(&region);
            region_free(&region);
        }
        assert_true(worked);
    }
}

static void test_alloc_zero_and_huge_sizes(void **state)
{
    struct region region = region_new(0, MIB);
    struct heap *heap = heap_init(region.base, region.size);
    struct heap_stats initial = stats_of(heap);
    const size_t huge[] = {
        SIZE_MAX,          SIZE_MAX - 1,    SIZE_MAX - 15,    SIZE_MAX - 16,
        SIZE_MAX - 31,     SIZE_MAX - 32,   SIZE_MAX / 2 + 1, SIZE_MAX / 2,
        initial.total + 1, (size_t)1 << 62, (size_t)1 << 40,  region.size,
    };

    (void)state;
    assert_null(heap_alloc(heap, 0));
    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
        assert_null(heap_alloc(heap, huge[i]));
    assert_true(heap_check(heap));
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &initial);
    region_free(&region);
}

/* The largest free block of a fresh heap serves a request of its size less one alignment unit. */
static void test_largest_free_block_is_usable(void **state)
{
    struct region region = region_new(3, MIB + 12345);
    struct heap *heap = heap_init(region.base, region.size);
    size_t largest = stats_of(heap).largest_free;
    uint8_t *ptr = heap_alloc(heap, largest - HEAP_ALIGN);

    (void)state;
    assert_non_null(ptr);
    assert_true(inside_region(&region, ptr, heap_block_size(heap, ptr)));
    memset(ptr, 0x5a, heap_block_size(heap, ptr));
    assert_true(heap_check(heap));
    assert_int_equal(heap_free(heap, ptr), 0);
    assert_guards_intact(&region);
    region_free(&region);
}

static void test_every_pointer_aligned(void **state)
{
    struct region region = region_new(7, MIB);
    struct heap *heap = heap_init(region.base, region.size);
    struct live_set set = live_new(1024);

    (void)state;
    for (size_t size = 1; size <= 1024; size++)
        assert_true(live_alloc(&set, heap, &region, size));
    live_assert_accounted(&set, heap);
    assert_true(heap_check(heap));
    rng_seed(7);
    live_free_all_random(&set, heap);
    assert_fresh(heap, &region);
    assert_guards_intact(&region);
    free(set.blocks);
    region_free(&region);
}

static void test_random_stress_1mib(void **state)
{
    struct region region = region_new(0, MIB);
    struct heap *heap = heap_init(region.base, region.size);

    (void)state;
    assert_fresh(heap, &region);
    stress(heap, &region, 200000, 0x5eed0001);
    region_free(&region);
}

static void test_random_stress_odd_region(void **state)
{
    struct region region = region_new(5, MIB + 77777);
    struct heap *heap = heap_init(region.base, region.size);

    (void)state;
    assert_fresh(heap, &region);
    stress(heap, &region, 200000, 0x5eed0002);
    region_free(&region);
}

/*
 * With a managed area of a power of two, heap_init starts with one free block
 * of the whole area, and after any history that frees everything the free
 * space must have merged back into that one block.
 */
static void test_full_coalescing_power_of_two(void **state)
{
    struct region region = region_new(0, 2 * MIB);
    size_t size = region_size_for_total(region.base, MIB, region.size);
    struct heap *heap;

    (void)state;
    assert_true(size > 0);
    heap = heap_init(region.base, size);
    assert_int_equal(stats_of(heap).free_blocks, 1);
    assert_int_equal(stats_of(heap).largest_free, MIB);
    stress(heap, &region, 100000, 0x5eed0003);
    assert_int_equal(stats_of(heap).free_blocks, 1);
    assert_int_equal(stats_of(heap).largest_free, MIB);
    region_free(&region);
}

static void test_exhaustion_then_recovery(void **state)
{
    struct region region = region_new(1, 256 * KIB + 99);
    struct heap *heap = heap_init(region.base, region.size);
    struct heap_stats initial = stats_of(heap);
    struct live_set set = live_new(16 * KIB);

    (void)state;
    while (live_alloc(&set, heap, &region, 1000))
        ;
    assert_true(set.count > 0);
    assert_true(heap_check(heap));
    live_assert_accounted(&set, heap);
    assert_null(heap_alloc(heap, 1000));

    /* Freeing some blocks makes their room available again. */
    for (size_t i = 0; i < set.count; i += 2)
        live_free(&set, heap, i);
    assert_true(live_alloc(&set, heap, &region, 1000));
    assert_true(heap_check(heap));

    /* Tiny requests fill the remaining gaps; at most 64 bytes each is spent. */
    while (live_alloc(&set, heap, &region, 1))
        ;
    assert_true(heap_check(heap));
    live_assert_all_intact(&set);

    rng_seed(11);
    live_free_all_random(&set, heap);
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &initial);

    /* Only tiny blocks: the whole heap in pieces of at most 64 bytes. */
    while (live_alloc(&set, heap, &region, 1))
        ;
    assert_true(set.count >= initial.total / 64);
    live_free_all_random(&set, heap);
    after = stats_of(heap);
    assert_stats_equal(&after, &initial);
    assert_guards_intact(&region);
    free(set.blocks);
    region_free(&region);
}

static void test_invalid_frees_rejected(void **state)
{
    struct region region = region_new(0, 64 * KIB);
    struct heap *heap = heap_init(region.base, region.size);
    uint8_t *a = heap_alloc(heap, 100);
    uint8_t *b = heap_alloc(heap, 100);
    uint8_t *c = heap_alloc(heap, 100);
    uint8_t *d = heap_alloc(heap, 300);
    int on_stack = 0;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    fill_block(a, heap_block_size(heap, a), 1);
    fill_block(d, heap_block_size(heap, d), 4);

    struct heap_stats before = stats_of(heap);
    assert_int_equal(heap_free(heap, NULL), 0);
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &before);

    assert_free_rejected(heap, a + 1);          /* misaligned */
    assert_free_rejected(heap, a + 8);          /* misaligned by half the alignment */
    assert_free_rejected(heap, a + HEAP_ALIGN); /* interior, aligned */
    assert_free_rejected(heap, d + 64);         /* interior, deeper */
    assert_free_rejected(heap, d + 256);
    assert_free_rejected(heap, &on_stack);                             /* another object */
    assert_free_rejected(heap, (void *)heap);                          /* the bookkeeping */
    assert_free_rejected(heap, region.base);                           /* region start */
    assert_free_rejected(heap, region.base + region.size);             /* one past the end */
    assert_free_rejected(heap, region.base + region.size - 32);        /* never allocated */
    assert_free_rejected(heap, (void *)((uintptr_t)region.base - 64)); /* just below */
    assert_free_rejected(heap, (void *)(uintptr_t)HEAP_ALIGN);

    /* A double free, first without and then with a merge in between. */
    assert_int_equal(heap_free(heap, b), 0);
    assert_free_rejected(heap, b);
    assert_int_equal(heap_free(heap, c), 0);
    assert_free_rejected(heap, c);
    assert_free_rejected(heap, b);

    assert_block_intact(a, heap_block_size(heap, a), 1);
    assert_block_intact(d, heap_block_size(heap, d), 4);
    assert_int_equal(heap_free(heap, a), 0);
    assert_int_equal(heap_free(heap, d), 0);
    assert_free_rejected(heap, a);
    assert_free_rejected(heap, d);
    assert_fresh(heap, &region);
    region_free(&region);
}

/* Frees blocks of mixed sizes in a given order; the heap must end as it began. */
enum free_order { FORWARD, REVERSE, RANDOM };

static void check_free_order(enum free_order order)
{
    struct region region = region_new(9, 512 * KIB + 4321);
    struct heap *heap = heap_init(region.base, region.size);
    struct heap_stats initial = stats_of(heap);
    struct live_set set = live_new(8 * KIB);

    rng_seed(100 + order);
    while (live_alloc(&set, heap, &region, rng_range(1, 2 * KIB)))
        ;
    assert_true(set.count > 100);
    /* Nothing has been freed yet, so the set is in allocation order. */
    if (order == FORWARD)
        live_reverse(&set);
    if (order == RANDOM) {
        live_free_all_random(&set, heap);
    } else {
        while (set.count > 0)
            live_free(&set, heap, set.count - 1);
    }
    assert_true(heap_check(heap));
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &initial);
    free(set.blocks);
    region_free(&region);
}

static void test_free_forward_coalesces(void **state)
{
    (void)state;
    check_free_order(FORWARD);
}

static void test_free_reverse_coalesces(void **state)
{
    (void)state;
    check_free_order(REVERSE);
}

static void test_free_random_coalesces(void **state)
{
    (void)state;
    check_free_order(RANDOM);
}

static void test_two_heaps_independent(void **state)
{
    struct region region_a = region_new(0, 256 * KIB);
    struct region region_b = region_new(13, 200 * KIB + 17);
    struct heap *heap_a = heap_init(region_a.base, region_a.size);
    struct heap *heap_b = heap_init(region_b.base, region_b.size);
    struct heap_stats initial_a = stats_of(heap_a);
    struct heap_stats initial_b = stats_of(heap_b);
    struct live_set set_a = live_new(4 * KIB);
    struct live_set set_b = live_new(4 * KIB);

    (void)state;
    set_b.next_id = 1000000;
    rng_seed(42);
    for (int i = 0; i < 20000; i++) {
        bool on_a = rng_next() & 1;
        struct live_set *set = on_a ? &set_a : &set_b;
        struct heap *heap = on_a ? heap_a : heap_b;

        if (set->count == 0 || rng_range(0, 99) < 55)
            live_alloc(set, heap, on_a ? &region_a : &region_b, rng_range(1, 3 * KIB));
        else
            live_free(set, heap, rng_range(0, set->count - 1));
    }
    assert_true(set_a.count > 0 && set_b.count > 0);

    /* Each heap refuses the other's blocks. */
    assert_free_rejected(heap_a, set_b.blocks[0].ptr);
    assert_free_rejected(heap_b, set_a.blocks[0].ptr);
    assert_true(heap_check(heap_a));
    assert_true(heap_check(heap_b));
    live_assert_accounted(&set_a, heap_a);
    live_assert_accounted(&set_b, heap_b);
    live_assert_all_intact(&set_a);
    live_assert_all_intact(&set_b);

    live_free_all_random(&set_a, heap_a);
    struct heap_stats after_a = stats_of(heap_a);
    assert_stats_equal(&after_a, &initial_a);
    live_assert_all_intact(&set_b);
    live_free_all_random(&set_b, heap_b);
    struct heap_stats after_b = stats_of(heap_b);
    assert_stats_equal(&after_b, &initial_b);
    assert_guards_intact(&region_a);
    assert_guards_intact(&region_b);
    free(set_a.blocks);
    free(set_b.blocks);
    region_free(&region_a);
    region_free(&region_b);
}

/*
 * A write into a freed block (a use after free) lands on the heap's free-list
 * links in both implementations. Flips a bit in each of the freed block's
 * first two words: heap_check must notice, and stop noticing once undone.
 */
static void assert_check_notices_writes(const struct heap *heap, uint8_t *freed)
{
    uintptr_t word;

    assert_true(heap_check(heap));
    for (size_t offset = 0; offset < 2 * sizeof(word); offset += sizeof(word)) {
        memcpy(&word, freed + offset, sizeof(word));
        word ^= 0x10;
        memcpy(freed + offset, &word, sizeof(word));
        assert_false(heap_check(heap));
        word ^= 0x10;
        memcpy(freed + offset, &word, sizeof(word));
        assert_true(heap_check(heap));
    }
}

static void test_check_detects_use_after_free(void **state)
{
    struct region region = region_new(0, 64 * KIB);
    struct heap *heap = heap_init(region.base, region.size);
    uint8_t *a = heap_alloc(heap, 32);
    uint8_t *b = heap_alloc(heap, 32);
    uint8_t *c = heap_alloc(heap, 32);

    (void)state;
    assert_non_null(a);
    assert_non_null(c);

    /* b between two live blocks, with more free space elsewhere. */
    assert_int_equal(heap_free(heap, b), 0);
    assert_check_notices_writes(heap, b);

    /* b as the only free block. */
    assert_ptr_equal(heap_alloc(heap, 32), b);
    while (heap_alloc(heap, 1))
        ;
    assert_int_equal(stats_of(heap).free_blocks, 0);
    assert_int_equal(heap_free(heap, b), 0);
    assert_int_equal(stats_of(heap).free_blocks, 1);
    assert_check_notices_writes(heap, b);
    region_free(&region);
}

/*
 * Whatever bookkeeping sits just before a real block, a copy of it placed
 * inside another block does not make an interior pointer freeable.
 */
static void test_forged_header_rejected(void **state)
{
    struct region region = region_new(0, 64 * KIB);
    struct heap *heap = heap_init(region.base, region.size);
    uint8_t *real = heap_alloc(heap, 200);
    uint8_t *victim = heap_alloc(heap, 1000);

    (void)state;
    assert_non_null(real);
    assert_non_null(victim);
    for (size_t inside = 64; inside < 1000; inside += 64) {
        memcpy(victim + inside - 32, real - 32, 32);
        assert_free_rejected(heap, victim + inside);
    }
    assert_int_equal(heap_free(heap, victim), 0);
    assert_int_equal(heap_free(heap, real), 0);
    assert_fresh(heap, &region);
    region_free(&region);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_impossible_regions),
        cmocka_unit_test(test_init_tiny_and_unaligned_regions),
        cmocka_unit_test(test_alloc_zero_and_huge_sizes),
        cmocka_unit_test(test_largest_free_block_is_usable),
        cmocka_unit_test(test_every_pointer_aligned),
        cmocka_unit_test(test_random_stress_1mib),
        cmocka_unit_test(test_random_stress_odd_region),
        cmocka_unit_test(test_full_coalescing_power_of_two),
        cmocka_unit_test(test_exhaustion_then_recovery),
        cmocka_unit_test(test_invalid_frees_rejected),
        cmocka_unit_test(test_free_forward_coalesces),
        cmocka_unit_test(test_free_reverse_coalesces),
        cmocka_unit_test(test_free_random_coalesces),
        cmocka_unit_test(test_two_heaps_independent),
        cmocka_unit_test(test_check_detects_use_after_free),
        cmocka_unit_test(test_forged_header_rejected),
    };

    return cmocka_run_group_tests_name(heap_manager_name, tests, NULL, NULL);
}
