/*
 * The first-fit heap: one address-ordered free list, searched from the front.
 *
 * The managed area is a row of blocks that touch each other, from the
 * area's base to its end. Every block, free or allocated, begins with a
 * 16-byte header:
 *
 *   [size | free bit][check]  payload ...
 *
 * size counts the header and is a multiple of HEAP_ALIGN, which keeps every
 * header and every payload 16-byte aligned and leaves bit 0 of the size word
 * free to say whether the block is free. check is CHECK_MAGIC ^ the header's
 * address ^ the size word: it ties a header to the place it was written, so
 * heap_free can tell a real header from user data or from a header copied
 * elsewhere. A merge leaves the upper block's header behind, still valid, in
 * the middle of the merged block; but only free blocks are merged, so such a
 * stale header always says "free" and heap_free refuses it like any other
 * second free.
 *
 * The free blocks also carry two links right after their header and form
 * one doubly linked list sorted by address. Allocation walks the list from
 * the lowest address and takes the first block that is large enough; when
 * what is left over can hold a block of its own, it is split off and takes
 * the original's place in the list, so the list stays sorted for free. Free
 * walks the list to the first free block above the one being freed, links it
 * in there, and merges it with the free block just after it and the one just
 * before it whenever they touch. Because the list is sorted, those are the
 * only two blocks a merge can involve, and the list's neighbours are found
 * without any footer at the end of each block.
 *
 * Why this design: it is the simplest allocator that hands out exactly what
 * was asked for, rounded only to the alignment, plus one header. Its costs:
 * allocation and free both walk the free list, O(n) in the number of free
 * blocks; heap_stats walks it too to find the largest free block. Free space
 * can end up split into many small blocks between live ones (external
 * fragmentation), so a request can fail although the free bytes add up to
 * more than it asked for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "mm/heap.h"
#include "lib/errno.h"

/*
 * Mixed into every check value. Its top 16 bits are neither all zeros nor all
 * ones, so no check value is a canonical x86-64 address or a small number:
 * ordinary data (pointers, lengths, zeroes) cannot pass for a header by chance.
 */
#define CHECK_MAGIC 0xc4a16b7e5d3f2e91u
#define BLOCK_FREE  ((size_t)1)

struct block {
    size_t size_and_state; /* size including this header; BLOCK_FREE when free */
    uintptr_t check;       /* CHECK_MAGIC ^ address of this header ^ size_and_state */
};

struct free_block {
    struct block header;
    struct free_block *next; /* next free block, at a higher address */
    struct free_block *prev; /* previous free block, at a lower address */
};

#define HEADER_SIZE sizeof(struct block)
/* A block must be able to become free, so it must hold the links. */
#define MIN_BLOCK sizeof(struct free_block)

_Static_assert(HEADER_SIZE % HEAP_ALIGN == 0, "payloads must keep HEAP_ALIGN");
_Static_assert(MIN_BLOCK % HEAP_ALIGN == 0, "block sizes must keep HEAP_ALIGN");

/*
 * Invariants (checked by heap_check):
 *  - valid headers tile [area, area + area_size) exactly;
 *  - free_list links exactly the free blocks, by increasing address, and
 *    each node's prev is the node before it;
 *  - no two free blocks are neighbours in memory (they would have merged);
 *  - used, allocations and free_blocks agree with the headers.
 */
struct heap {
    uint8_t *area;                /* base of the managed area, HEAP_ALIGN-aligned */
    size_t area_size;             /* a multiple of HEAP_ALIGN */
    struct free_block *free_list; /* lowest free block first */
    size_t used;                  /* bytes in allocated blocks, headers included */
    size_t allocations;           /* allocated blocks */
    size_t free_blocks;           /* blocks on free_list */
};

const char heap_manager_name[] = "firstfit";

static size_t block_size(const struct block *block)
{
    return block->size_and_state & ~BLOCK_FREE;
}

static bool block_is_free(const struct block *block)
{
    return block->size_and_state & BLOCK_FREE;
}

static uintptr_t check_value(const struct block *block)
{
    return CHECK_MAGIC ^ (uintptr_t)block ^ block->size_and_state;
}

/* Writes a header; the only way a block becomes valid. */
static void seal(struct block *block, size_t size, bool free)
{
    block->size_and_state = size | (free ? BLOCK_FREE : 0);
    block->check = check_value(block);
}

static uintptr_t area_end(const struct heap *heap)
{
    return (uintptr_t)heap->area + heap->area_size;
}

/*
 * True when a header sealed at this very address, describing a block that
 * ends inside the area, starts here. block must lie inside the area.
 */
static bool header_valid(const struct heap *heap, const struct block *block)
{
    size_t size = block_size(block);

    return block->check == check_value(block) && size >= MIN_BLOCK && size % HEAP_ALIGN == 0 &&
           size <= area_end(heap) - (uintptr_t)block;
}

/* True when high begins right where low ends, so the two can merge. */
static bool touches(const struct free_block *low, const struct free_block *high)
{
    return (const uint8_t *)low + block_size(&low->header) == (const uint8_t *)high;
}

/* Links block into the list between prev and next (either may be NULL). */
static void link_between(struct heap *heap, struct free_block *block, struct free_block *prev,
                         struct free_block *next)
{
    block->prev = prev;
    block->next = next;
    if (prev)
        prev->next = block;
    else
        heap->free_list = block;
    if (next)
        next->prev = block;
}

static void unlink_free(struct heap *heap, struct free_block *block)
{
    if (block->prev)
        block->prev->next = block->next;
    else
        heap->free_list = block->next;
    if (block->next)
        block->next->prev = block->prev;
}

/* Merges the free block that follows low in the list, and touches it, into low. */
static void absorb_next(struct heap *heap, struct free_block *low)
{
    struct free_block *high = low->next;
    size_t merged = block_size(&low->header) + block_size(&high->header);

    unlink_free(heap, high);
    seal(&low->header, merged, true);
    heap->free_blocks--;
}

/* The allocated block whose payload starts at ptr, or NULL when ptr is not one. */
static struct block *allocated_block(const struct heap *heap, const void *ptr)
{
    uintptr_t addr = (uintptr_t)ptr;
    struct block *block;

    if (addr < (uintptr_t)heap->area + HEADER_SIZE || addr >= area_end(heap) ||
        addr % HEAP_ALIGN != 0)
        return NULL;
    block = (struct block *)(addr - HEADER_SIZE);
    if (!header_valid(heap, block) || block_is_free(block))
        return NULL;
    return block;
}

static uintptr_t align_up(uintptr_t value, uintptr_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

struct heap *heap_init(void *base, size_t size)
{
    uintptr_t start = align_up((uintptr_t)base, HEAP_ALIGN);
    uintptr_t end = (uintptr_t)base + size;
    uintptr_t area;
    struct heap *heap;
    struct free_block *whole;

    if (base == NULL || end < (uintptr_t)base || start < (uintptr_t)base)
        return NULL;
    area = align_up(start + sizeof(struct heap), HEAP_ALIGN);
    if (area < start || area > end || (end - area) / HEAP_ALIGN * HEAP_ALIGN < MIN_BLOCK)
        return NULL;

    heap = (struct heap *)start;
    heap->area = (uint8_t *)area;
    heap->area_size = (end - area) / HEAP_ALIGN * HEAP_ALIGN;
    heap->used = 0;
    heap->allocations = 0;
    heap->free_blocks = 1;
    whole = (struct free_block *)heap->area;
    seal(&whole->header, heap->area_size, true);
    heap->free_list = NULL;
    link_between(heap, whole, NULL, NULL);
    return heap;
}

/*
 * Turns the front of a free block into an allocated block of need bytes.
 * The rest becomes a free block in the same place in the list, unless it is
 * too small to be a block, in which case the caller gets it too.
 */
static struct block *take_front(struct heap *heap, struct free_block *block, size_t need)
{
    size_t size = block_size(&block->header);

    if (size - need >= MIN_BLOCK) {
        struct free_block *rest = (struct free_block *)((uint8_t *)block + need);

        seal(&rest->header, size - need, true);
        link_between(heap, rest, block->prev, block->next);
        size = need;
    } else {
        unlink_free(heap, block);
        heap->free_blocks--;
    }
    seal(&block->header, size, false);
    heap->used += size;
    heap->allocations++;
    return &block->header;
}

void *heap_alloc(struct heap *heap, size_t size)
{
    struct free_block *block;
    size_t need;

    /*
     * The area is smaller than the address space by at least struct heap,
     * so once size fits in it, rounding it up and adding a header cannot
     * overflow.
     */
    if (size == 0 || size > heap->area_size)
        return NULL;
    need = align_up(size, HEAP_ALIGN) + HEADER_SIZE;
    if (need < MIN_BLOCK)
        need = MIN_BLOCK;

    for (block = heap->free_list; block; block = block->next) {
        if (block_size(&block->header) >= need)
            return (uint8_t *)take_front(heap, block, need) + HEADER_SIZE;
    }
    return NULL;
}

int heap_free(struct heap *heap, void *ptr)
{
    struct block *header;
    struct free_block *block;
    struct free_block *prev = NULL;
    struct free_block *next = heap->free_list;

    if (ptr == NULL)
        return 0;
    header = allocated_block(heap, ptr);
    if (header == NULL)
        return -EINVAL;

    heap->used -= block_size(header);
    heap->allocations--;
    block = (struct free_block *)header;
    while (next && next < block) {
        prev = next;
        next = next->next;
    }
    seal(header, block_size(header), true);
    link_between(heap, block, prev, next);
    heap->free_blocks++;
    if (next && touches(block, next))
        absorb_next(heap, block);
    if (prev && touches(prev, block))
        absorb_next(heap, prev);
    return 0;
}

size_t heap_block_size(const struct heap *heap, const void *ptr)
{
    const struct block *block = allocated_block(heap, ptr);

    return block ? block_size(block) - HEADER_SIZE : 0;
}

void heap_stats(const struct heap *heap, struct heap_stats *stats)
{
    size_t largest = 0;

    for (const struct free_block *block = heap->free_list; block; block = block->next) {
        if (block_size(&block->header) > largest)
            largest = block_size(&block->header);
    }
    stats->total = heap->area_size;
    stats->used = heap->used;
    stats->free = heap->area_size - heap->used;
    stats->largest_free = largest;
    stats->free_blocks = heap->free_blocks;
    stats->allocations = heap->allocations;
}

/*
 * Walks the blocks in memory order and, in step, the free list: each free
 * block met in memory must be the next list node, with its prev pointing at
 * the free block met before it. A link is only compared, never followed,
 * until the block it names has been reached and validated in memory, so a
 * corrupt list is reported instead of dereferenced.
 */
bool heap_check(const struct heap *heap)
{
    const struct free_block *expected = heap->free_list;
    const struct free_block *last_free = NULL;
    size_t used = 0, allocations = 0, free_blocks = 0;
    bool previous_was_free = false;
    uintptr_t addr = (uintptr_t)heap->area;

    while (addr < area_end(heap)) {
        const struct block *block = (const struct block *)addr;

        if (!header_valid(heap, block))
            return false;
        if (block_is_free(block)) {
            const struct free_block *free_block = (const struct free_block *)block;

            if (previous_was_free || free_block != expected || free_block->prev != last_free)
                return false;
            last_free = free_block;
            expected = free_block->next;
            free_blocks++;
        } else {
            used += block_size(block);
            allocations++;
        }
        previous_was_free = block_is_free(block);
        addr += block_size(block);
    }
    return expected == NULL && used == heap->used && allocations == heap->allocations &&
           free_blocks == heap->free_blocks;
}
