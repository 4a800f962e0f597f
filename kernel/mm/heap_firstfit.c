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
 * struct heap (the "meta" of heap.h) holds the list's head and the
 * counters. heap_init puts it at the start of its region; heap_init_split
 * wherever the caller says.
 *
 * Untrusted areas (heap.h): every header and every link is inside the area,
 * so a program that can write the area can write all of them, and the heap
 * trusts none. Only struct heap is trusted. Walks go through follow(),
 * which accepts a link only when it names, inside the area, a valid free
 * header whose block starts after the end of the one before and whose prev
 * link points back at it. Since each step must move forward by at least one
 * block, any walk ends within area_size / 32 steps, whatever the links say.
 * heap_free checks everything it will touch (the block's header, the list
 * around it, that the block fits in the gap between its free neighbours)
 * before it changes anything. A failed check poisons the heap. The check
 * value catches accidents, not attacks: CHECK_MAGIC is in this source, so a
 * program can write a header that passes. That is acceptable because
 * nothing here relies on it for safety: a forged header still has to
 * describe a block inside the area, so at worst blocks overlap each other.
 *
 * Why this design: it is the simplest allocator that hands out exactly what
 * was asked for, rounded only to the alignment, plus one header. Its costs:
 * allocation and free both walk the free list, O(n) in the number of free
 * blocks; heap_stats walks it too to find the largest free block. Each step
 * of a walk recomputes a check value and compares a few addresses. Free
 * space can end up split into many small blocks between live ones (external
 * fragmentation), so a request can fail although the free bytes add up to
 * more than it asked for.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "mm/heap.h"
#include "mm/heap_split.h"
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
 * Once poisoned is set they need not hold any more: no call looks at them.
 */
struct heap {
    uint8_t *area;                /* base of the managed area, HEAP_ALIGN-aligned */
    size_t area_size;             /* a multiple of HEAP_ALIGN */
    struct free_block *free_list; /* lowest free block first */
    size_t used;                  /* bytes in allocated blocks, headers included */
    size_t allocations;           /* allocated blocks */
    size_t free_blocks;           /* blocks on free_list */
    bool poisoned;                /* a corrupt header or link was found (heap.h) */
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

static uintptr_t block_end(const struct block *block)
{
    return (uintptr_t)block + block_size(block);
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
 * The block whose header is at addr, or NULL unless a header sealed at this
 * very address starts there and describes a block that ends inside the
 * area. addr may be anything: the header is read only once addr is known
 * to be 16-aligned and inside the area, so that all 16 bytes of it are (the
 * area's base and size are multiples of 16). A valid block is at least
 * MIN_BLOCK long, so a free one's links are inside the area too.
 */
static struct block *checked_block(const struct heap *heap, uintptr_t addr)
{
    struct block *block = (struct block *)addr;
    size_t size;

    if (addr < (uintptr_t)heap->area || addr >= area_end(heap) || addr % HEAP_ALIGN != 0)
        return NULL;
    size = block_size(block);
    if (block->check != check_value(block) || size < MIN_BLOCK || size % HEAP_ALIGN != 0 ||
        size > area_end(heap) - addr)
        return NULL;
    return block;
}

/* The free block at addr, or NULL when no valid free header is there. */
static struct free_block *checked_free(const struct heap *heap, uintptr_t addr)
{
    struct block *block = checked_block(heap, addr);

    return block && block_is_free(block) ? (struct free_block *)block : NULL;
}

/*
 * Reads the link to the free block after prev (prev NULL: the head of the
 * list) into *next, checking it first: it must be NULL (the end of the
 * list), or a valid free block that starts after the end of prev (not right
 * at it: free neighbours would have merged) and whose prev link is prev.
 * Returns false when the link is corrupt.
 */
static bool follow(const struct heap *heap, const struct free_block *prev, struct free_block **next)
{
    struct free_block *link = prev ? prev->next : heap->free_list;

    *next = NULL;
    if (link == NULL)
        return true;
    if (!checked_free(heap, (uintptr_t)link))
        return false;
    if (prev && (uintptr_t)link <= block_end(&prev->header))
        return false;
    if (link->prev != prev)
        return false;
    *next = link;
    return true;
}

/*
 * Links block into the list between prev and next (either may be NULL).
 * Like every function that changes links, it takes the neighbours from its
 * caller, who has checked them, and reads no link itself.
 */
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

/* Makes prev and next neighbours in the list, dropping whatever was between them. */
static void join(struct heap *heap, struct free_block *prev, struct free_block *next)
{
    if (prev)
        prev->next = next;
    else
        heap->free_list = next;
    if (next)
        next->prev = prev;
}

/* The allocated block whose payload starts at ptr, or NULL when ptr is not one. */
static struct block *allocated_block(const struct heap *heap, const void *ptr)
{
    uintptr_t addr = (uintptr_t)ptr;
    struct block *block;

    if (addr < (uintptr_t)heap->area + HEADER_SIZE)
        return NULL;
    block = checked_block(heap, addr - HEADER_SIZE);
    if (block == NULL || block_is_free(block))
        return NULL;
    return block;
}

static uintptr_t align_up(uintptr_t value, uintptr_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

/* Sets up an empty heap in heap: one free block covering the area. */
static struct heap *build(struct heap *heap, uint8_t *area, size_t area_size)
{
    struct free_block *whole = (struct free_block *)area;

    heap->area = area;
    heap->area_size = area_size;
    heap->used = 0;
    heap->allocations = 0;
    heap->free_blocks = 1;
    heap->poisoned = false;
    seal(&whole->header, area_size, true);
    link_between(heap, whole, NULL, NULL);
    return heap;
}

struct heap *heap_init(void *base, size_t size)
{
    uintptr_t start = align_up((uintptr_t)base, HEAP_ALIGN);
    uintptr_t end = (uintptr_t)base + size;
    uintptr_t area;

    if (base == NULL || end < (uintptr_t)base || start < (uintptr_t)base)
        return NULL;
    area = align_up(start + sizeof(struct heap), HEAP_ALIGN);
    if (area < start || area > end || (end - area) / HEAP_ALIGN * HEAP_ALIGN < MIN_BLOCK)
        return NULL;
    return build((struct heap *)start, (uint8_t *)area, (end - area) / HEAP_ALIGN * HEAP_ALIGN);
}

/* struct heap, aligned anywhere in meta. */
size_t heap_meta_size(size_t area_size)
{
    (void)area_size;
    return HEAP_ALIGN - 1 + sizeof(struct heap);
}

struct heap *heap_init_split(void *meta, size_t meta_size, void *area, size_t area_size)
{
    struct heap_split split;
    if (!heap_split_check(meta, meta_size, area, area_size, MIN_BLOCK, heap_meta_size(area_size),
                          &split))
        return NULL;
    return build((struct heap *)split.meta, (uint8_t *)split.area,
                 (split.area_end - split.area) / HEAP_ALIGN * HEAP_ALIGN);
}

/*
 * Turns the front of block, a free block between prev and next in the list,
 * into an allocated block of need bytes. The rest becomes a free block in
 * the same place in the list, unless it is too small to be a block, in which
 * case the caller gets it too.
 */
static struct block *take_front(struct heap *heap, struct free_block *block,
                                struct free_block *prev, struct free_block *next, size_t need)
{
    size_t size = block_size(&block->header);

    if (size - need >= MIN_BLOCK) {
        struct free_block *rest = (struct free_block *)((uint8_t *)block + need);

        seal(&rest->header, size - need, true);
        link_between(heap, rest, prev, next);
        size = need;
    } else {
        join(heap, prev, next);
        heap->free_blocks--;
    }
    seal(&block->header, size, false);
    heap->used += size;
    heap->allocations++;
    return &block->header;
}

void *heap_alloc(struct heap *heap, size_t size)
{
    struct free_block *prev = NULL;
    struct free_block *block;
    size_t need;

    /*
     * The area starts at a 16-aligned address other than 0, so it is at
     * least 32 bytes smaller than the address space: once size fits in it,
     * rounding it up and adding a header cannot overflow.
     */
    if (heap->poisoned || size == 0 || size > heap->area_size)
        return NULL;
    need = align_up(size, HEAP_ALIGN) + HEADER_SIZE;
    if (need < MIN_BLOCK)
        need = MIN_BLOCK;

    if (!follow(heap, NULL, &block))
        goto poisoned;
    while (block) {
        struct free_block *next;

        if (!follow(heap, block, &next))
            goto poisoned;
        if (block_size(&block->header) >= need)
            return (uint8_t *)take_front(heap, block, prev, next, need) + HEADER_SIZE;
        prev = block;
        block = next;
    }
    return NULL;

poisoned:
    heap->poisoned = true;
    return NULL;
}

/*
 * Checks first, changes second: every block the change touches (the free
 * neighbours prev and next, and the block after next when next is merged)
 * is found and checked before the first write.
 */
int heap_free(struct heap *heap, void *ptr)
{
    struct block *header;
    struct free_block *block;
    struct free_block *prev = NULL;
    struct free_block *next;
    struct free_block *after = NULL;
    bool merge_next, merge_prev;
    size_t size;

    if (ptr == NULL)
        return 0;
    if (heap->poisoned)
        return -EFAULT;
    header = allocated_block(heap, ptr);
    if (header == NULL)
        return -EINVAL;
    block = (struct free_block *)header;
    size = block_size(header);
    if (size > heap->used || heap->allocations == 0)
        goto poisoned;

    /* The free blocks on either side of it in the list... */
    if (!follow(heap, NULL, &next))
        goto poisoned;
    while (next && (uintptr_t)next < (uintptr_t)block) {
        prev = next;
        if (!follow(heap, prev, &next))
            goto poisoned;
    }
    /* ...must leave room for it: otherwise some header lies about a size. */
    if (prev && block_end(&prev->header) > (uintptr_t)block)
        goto poisoned;
    if (next && block_end(header) > (uintptr_t)next)
        goto poisoned;
    merge_prev = prev && block_end(&prev->header) == (uintptr_t)block;
    merge_next = next && block_end(header) == (uintptr_t)next;
    if (merge_next && !follow(heap, next, &after))
        goto poisoned;

    heap->used -= size;
    heap->allocations--;
    heap->free_blocks++;
    if (merge_next) {
        size += block_size(&next->header);
        next = after;
        heap->free_blocks--;
    }
    /* Sealed free even when merged into prev: its stale header must say free. */
    seal(header, size, true);
    if (merge_prev) {
        seal(&prev->header, block_size(&prev->header) + size, true);
        join(heap, prev, next);
        heap->free_blocks--;
    } else {
        link_between(heap, block, prev, next);
    }
    return 0;

poisoned:
    heap->poisoned = true;
    return -EFAULT;
}

int heap_free_sized(struct heap *heap, void *ptr, size_t size)
{
    uintptr_t addr = (uintptr_t)ptr;
    size_t block = size + HEADER_SIZE;

    if (ptr == NULL)
        return 0;
    if (heap->poisoned)
        return -EFAULT;
    /* size is at most the area's, so block cannot overflow. */
    if (addr < (uintptr_t)heap->area + HEADER_SIZE || addr % HEAP_ALIGN != 0 ||
        size > heap->area_size || block < MIN_BLOCK || block % HEAP_ALIGN != 0 ||
        block > area_end(heap) - (addr - HEADER_SIZE))
        return -EINVAL;
    seal((struct block *)(addr - HEADER_SIZE), block, false);
    return heap_free(heap, ptr);
}

size_t heap_block_size(const struct heap *heap, const void *ptr)
{
    const struct block *block;

    if (heap->poisoned)
        return 0;
    block = allocated_block(heap, ptr);
    return block ? block_size(block) - HEADER_SIZE : 0;
}

/* Walks the list for the largest free block, stopping at a corrupt link. */
void heap_stats(const struct heap *heap, struct heap_stats *stats)
{
    struct free_block *block = NULL;
    size_t largest = 0;

    if (!heap->poisoned && follow(heap, NULL, &block)) {
        while (block) {
            if (block_size(&block->header) > largest)
                largest = block_size(&block->header);
            if (!follow(heap, block, &block))
                break;
        }
    }
    stats->total = heap->area_size;
    stats->used = heap->used;
    stats->free = heap->used <= heap->area_size ? heap->area_size - heap->used : 0;
    stats->largest_free = largest;
    stats->free_blocks = heap->free_blocks;
    stats->allocations = heap->allocations;
    stats->poisoned = heap->poisoned;
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

    if (heap->poisoned)
        return false;
    while (addr < area_end(heap)) {
        const struct block *block = checked_block(heap, addr);

        if (block == NULL)
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
        addr = block_end(block);
    }
    return expected == NULL && used == heap->used && allocations == heap->allocations &&
           free_blocks == heap->free_blocks;
}
