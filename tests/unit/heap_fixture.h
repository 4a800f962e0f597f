/*
 * Shared fixture for the heap interface unit tests (test_heap.c,
 * test_heap_stress.c, test_heap_corrupt.c): host regions with guard bytes,
 * stats checks, block contents and a set of live blocks that checks every
 * new block against the others. The heaps live in regions from the host's
 * malloc (heap_corrupt_fixture.h adds regions between PROT_NONE pages).
 */
#ifndef CHALK_TESTS_HEAP_FIXTURE_H
#define CHALK_TESTS_HEAP_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rng.h"

#include <stdbool.h>
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

static inline struct region region_new(size_t offset, size_t size)
{
    struct region region;

    region.buffer = aligned_alloc(64, (offset + size + 2 * GUARD + 63) / 64 * 64);
    assert_non_null(region.buffer);
    memset(region.buffer, GUARD_BYTE, offset + size + 2 * GUARD);
    region.base = region.buffer + GUARD + offset;
    region.size = size;
    return region;
}

static inline void region_free(struct region *region)
{
    free(region->buffer);
}

static inline void assert_guards_intact(const struct region *region)
{
    for (size_t i = 1; i <= GUARD; i++) {
        assert_int_equal(region->base[-(ptrdiff_t)i], GUARD_BYTE);
        assert_int_equal(region->base[region->size + i - 1], GUARD_BYTE);
    }
}

static inline bool inside_region(const struct region *region, const void *ptr, size_t size)
{
    uintptr_t addr = (uintptr_t)ptr;
    uintptr_t base = (uintptr_t)region->base;

    return addr >= base && addr - base <= region->size && size <= region->size - (addr - base);
}

/* ---- helpers ------------------------------------------------------------ */

static inline size_t rng_range(size_t low, size_t high)
{
    return low + (size_t)(rng_next() % (high - low + 1));
}

static inline struct heap_stats stats_of(const struct heap *heap)
{
    struct heap_stats stats;

    heap_stats(heap, &stats);
    return stats;
}

static inline void assert_stats_equal(const struct heap_stats *a, const struct heap_stats *b)
{
    assert_int_equal(a->total, b->total);
    assert_int_equal(a->used, b->used);
    assert_int_equal(a->free, b->free);
    assert_int_equal(a->largest_free, b->largest_free);
    assert_int_equal(a->free_blocks, b->free_blocks);
    assert_int_equal(a->allocations, b->allocations);
    assert_int_equal(a->poisoned, b->poisoned);
}

static inline void assert_stats_consistent(const struct heap_stats *stats, size_t live)
{
    assert_false(stats->poisoned);
    assert_int_equal(stats->used + stats->free, stats->total);
    assert_int_equal(stats->allocations, live);
    assert_true(stats->largest_free <= stats->free);
    assert_true(stats->free_blocks > 0 || stats->free == 0);
    assert_true(stats->free_blocks == 0 || stats->largest_free > 0);
}

static inline void assert_fresh(const struct heap *heap, const struct region *region)
{
    struct heap_stats stats = stats_of(heap);

    assert_true(heap_check(heap));
    assert_true(stats.total > 0 && stats.total <= region->size);
    assert_int_equal(stats.used, 0);
    assert_int_equal(stats.allocations, 0);
    assert_stats_consistent(&stats, 0);
    assert_true(stats.free_blocks >= 1);
}

/* Block contents derived from the block's id and the byte's position. */
static inline uint8_t pattern_byte(uint32_t id, size_t i)
{
    return (uint8_t)(id * 2654435761u + i * 31 + (i >> 8));
}

static inline void fill_block(uint8_t *ptr, size_t size, uint32_t id)
{
    for (size_t i = 0; i < size; i++)
        ptr[i] = pattern_byte(id, i);
}

static inline void assert_block_intact(const uint8_t *ptr, size_t size, uint32_t id)
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

static inline struct live_set live_new(size_t capacity)
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
static inline bool live_alloc(struct live_set *set, struct heap *heap, const struct region *region,
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
static inline void live_free(struct live_set *set, struct heap *heap, size_t index)
{
    struct live_block *block = &set->blocks[index];

    assert_int_equal(heap_block_size(heap, block->ptr), block->usable);
    assert_block_intact(block->ptr, block->usable, block->id);
    assert_int_equal(heap_free(heap, block->ptr), 0);
    *block = set->blocks[--set->count];
}

static inline void live_free_all_random(struct live_set *set, struct heap *heap)
{
    while (set->count > 0)
        live_free(set, heap, rng_range(0, set->count - 1));
}

static inline void live_assert_all_intact(const struct live_set *set)
{
    for (size_t i = 0; i < set->count; i++)
        assert_block_intact(set->blocks[i].ptr, set->blocks[i].usable, set->blocks[i].id);
}

static inline void live_assert_accounted(const struct live_set *set, const struct heap *heap)
{
    struct heap_stats stats = stats_of(heap);
    size_t usable = 0;

    for (size_t i = 0; i < set->count; i++)
        usable += set->blocks[i].usable;
    assert_stats_consistent(&stats, set->count);
    assert_true(usable <= stats.used);
}

/* Expects heap_free to refuse ptr and to leave the heap exactly as it was. */
static inline void assert_free_rejected(struct heap *heap, void *ptr)
{
    struct heap_stats before = stats_of(heap);

    assert_int_equal(heap_free(heap, ptr), -EINVAL);
    assert_int_equal(heap_block_size(heap, ptr), 0);
    assert_true(heap_check(heap));
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &before);
}

#endif
