/*
 * Bitmap frame allocator; see frame.h for the two-bitmap invariant.
 *
 * Allocation scans 64 frames per word ((avail & ~used) != 0 finds a word with
 * a free frame) starting where the last allocation ended, so a run of
 * allocations costs O(1) words each in the common case and O(frames / 64)
 * when memory is nearly full. Runs of frames are searched from the bottom,
 * with the same word-at-a-time skip over taken frames. The bitmaps cost 2 bits per 4 KiB of address
 * space: 64 KiB per GiB.
 */
#include "mm/frame.h"

#include "lib/errno.h"

#include <stdbool.h>

#define BITS 64

static bool test_bit(const uint64_t *map, uint64_t i)
{
    return map[i / BITS] & (1ULL << (i % BITS));
}

static void set_bit(uint64_t *map, uint64_t i)
{
    map[i / BITS] |= 1ULL << (i % BITS);
}

static void clear_bit(uint64_t *map, uint64_t i)
{
    map[i / BITS] &= ~(1ULL << (i % BITS));
}

static uint64_t words_for(uint64_t frames)
{
    return (frames + BITS - 1) / BITS;
}

size_t frame_bitmap_bytes(uint64_t limit)
{
    return 2 * words_for(limit / FRAME_SIZE) * sizeof(uint64_t);
}

void frame_allocator_init(struct frame_allocator *fa, void *storage, uint64_t limit)
{
    uint64_t words = words_for(limit / FRAME_SIZE);
    fa->avail = storage;
    fa->used = fa->avail + words;
    fa->frame_count = limit / FRAME_SIZE;
    fa->total = fa->free = fa->next = 0;
    for (uint64_t i = 0; i < 2 * words; i++)
        fa->avail[i] = 0;
}

static bool is_free(const struct frame_allocator *fa, uint64_t frame)
{
    return test_bit(fa->avail, frame) && !test_bit(fa->used, frame);
}

void frame_add_region(struct frame_allocator *fa, uint64_t base, uint64_t length)
{
    if (base + length < base) /* wraps around: clamp to the top */
        length = ~0ULL - base;
    /* Round base up without overflowing near the top of the address space. */
    uint64_t first = base / FRAME_SIZE + (base % FRAME_SIZE != 0);
    if (first == 0)
        first = 1; /* frame 0's address is frame_alloc's "none left" */
    uint64_t end = (base + length) / FRAME_SIZE;
    if (end > fa->frame_count)
        end = fa->frame_count;
    for (uint64_t f = first; f < end; f++) {
        if (test_bit(fa->avail, f))
            continue; /* overlapping regions in the map: count once */
        set_bit(fa->avail, f);
        clear_bit(fa->used, f);
        fa->total++;
        fa->free++;
    }
}

void frame_reserve(struct frame_allocator *fa, uint64_t base, uint64_t length)
{
    if (length == 0)
        return;
    uint64_t first = base / FRAME_SIZE;
    uint64_t last = base + length - 1; /* the last byte, or the top when that wraps */
    if (last < base)
        last = ~0ULL;
    uint64_t end = last / FRAME_SIZE + 1;
    if (end > fa->frame_count)
        end = fa->frame_count;
    for (uint64_t f = first; f < end; f++) {
        if (!test_bit(fa->avail, f))
            continue;
        if (!test_bit(fa->used, f))
            fa->free--;
        clear_bit(fa->avail, f);
        clear_bit(fa->used, f);
        fa->total--;
    }
}

/* Index of the first free frame at or after start, or frame_count when none is. */
static uint64_t next_free(const struct frame_allocator *fa, uint64_t start)
{
    uint64_t words = words_for(fa->frame_count);
    for (uint64_t w = start / BITS; w < words; w++) {
        uint64_t candidates = fa->avail[w] & ~fa->used[w];
        if (w == start / BITS)
            candidates &= ~0ULL << (start % BITS); /* skip frames below start */
        if (candidates) {
            uint64_t frame = w * BITS + (uint64_t)__builtin_ctzll(candidates);
            return frame < fa->frame_count ? frame : fa->frame_count;
        }
    }
    return fa->frame_count;
}

static void mark_used(struct frame_allocator *fa, uint64_t first, uint64_t count)
{
    for (uint64_t f = first; f < first + count; f++)
        set_bit(fa->used, f);
    fa->free -= count;
    fa->next = first + count < fa->frame_count ? first + count : 0;
}

uint64_t frame_alloc(struct frame_allocator *fa)
{
    if (fa->free == 0)
        return 0;
    uint64_t frame = next_free(fa, fa->next);
    if (frame == fa->frame_count)
        frame = next_free(fa, 0); /* wrap around once */
    if (frame == fa->frame_count)
        return 0;
    mark_used(fa, frame, 1);
    return frame * FRAME_SIZE;
}

uint64_t frame_alloc_contiguous(struct frame_allocator *fa, uint64_t count)
{
    if (count == 0 || count > fa->free)
        return 0;
    /*
     * First fit from the bottom, keeping the top free for single frames.
     * Each try starts at a free frame found a word at a time, so used
     * memory below (the kernel, its heap, other stacks) is skipped 64
     * frames per step: every spawn asks for a run (its kernel stack).
     */
    for (uint64_t first = next_free(fa, 0); first < fa->frame_count;) {
        uint64_t run = 1;
        while (run < count && first + run < fa->frame_count && is_free(fa, first + run))
            run++;
        if (run == count) {
            mark_used(fa, first, count);
            return first * FRAME_SIZE;
        }
        first = next_free(fa, first + run); /* first + run is taken (or the end) */
    }
    return 0;
}

int frame_free(struct frame_allocator *fa, uint64_t phys, uint64_t count)
{
    if (phys % FRAME_SIZE || count == 0)
        return -EINVAL;
    uint64_t first = phys / FRAME_SIZE;
    if (first >= fa->frame_count || count > fa->frame_count - first)
        return -EINVAL;
    /* Check them all before changing anything, so a bad call frees nothing. */
    for (uint64_t f = first; f < first + count; f++)
        if (!test_bit(fa->avail, f) || !test_bit(fa->used, f))
            return -EINVAL;
    for (uint64_t f = first; f < first + count; f++)
        clear_bit(fa->used, f);
    fa->free += count;
    return 0;
}
