/*
 * The buddy heap: a binary buddy allocator.
 *
 * Every block has a size that is a power of two, 2^order bytes, from
 * 2^MIN_ORDER (32 bytes) up, and sits at an offset from the managed area's
 * base that is a multiple of its own size. Two blocks of order k are
 * "buddies" when together they form the aligned block of order k + 1 they
 * were split from; a block's buddy is found by flipping one bit of its
 * offset: buddy = offset ^ 2^k. That single XOR is why this allocator exists.
 *
 * Allocating n bytes rounds n up to the next order k, takes a free block of
 * the smallest order j >= k that has one, and splits it j - k times, each
 * time keeping the lower half and putting the upper half on the free list of
 * its order. Freeing a block of order k looks at its buddy: when the buddy is
 * a free block of order k too, both merge into one block of order k + 1 and
 * the test repeats one order up. Both walk at most one step per order, so
 * allocation and free cost O(log n) for a heap of n bytes.
 *
 * Bookkeeping: struct heap and a tag array, the "meta" of heap.h. heap_init
 * puts it at the start of the region it is given, heap_init_split wherever
 * the caller says:
 *
 *   heap_init:        [struct heap][tags][pad][managed area ...]
 *   heap_init_split:  meta: [struct heap][tags]    area: [managed area ...]
 *
 *  - struct heap holds one free list per order. The lists are doubly linked
 *    and intrusive: the links live in the first 16 bytes of each free block,
 *    so unlinking an arbitrary block (the buddy being merged) costs O(1).
 *  - The tag array has one byte for every 32-byte unit of the managed area.
 *    The byte of a unit where a block starts says whether that block is free
 *    or allocated and gives its order; the byte of every other unit is zero.
 *    Keeping this out of the blocks means an allocated block carries no
 *    header: the caller gets all 2^k bytes, and a stray write into a block
 *    cannot damage what heap_free relies on. heap_free accepts a pointer only
 *    when its unit's tag says "allocated block starts here", so a pointer the
 *    heap never returned, an interior pointer and a second free are all
 *    recognised exactly, without trusting anything stored in the block.
 *
 * The managed area need not be a power of two. heap_init cuts it greedily
 * into the largest aligned power-of-two blocks, one per set bit of its size
 * (from large to small, every cut falls at an offset aligned to the next
 * block). A buddy that would reach past the end of the area does not exist
 * and is never merged with, so the area is always covered by exactly these
 * blocks again once everything has been freed.
 *
 * Untrusted areas (heap.h): the free-list links are the only bookkeeping
 * inside the area, so they are the only thing a program that writes the
 * area can corrupt. The tags are the truth and a link is a claim to be
 * checked against them. Before a link is followed, the block it names must
 * lie inside the area, at an offset that is a multiple of its size, and be
 * tagged free with the order of the list it is on (checked_free); and the
 * links around a block must agree (prev->next == block, next->prev ==
 * block) before it is unlinked. A check that fails poisons the heap. Since
 * a block is only taken once its tag says free, corruption can never make
 * this heap hand out memory that is already allocated; and since allocation
 * and free never walk a list, no link can make them loop.
 *
 * Costs: each request is rounded up to a power of two, so up to almost half
 * of a block can be wasted (internal fragmentation; heap_stats counts whole
 * blocks as used to make that visible). A block merges only with its own
 * buddy, so two free neighbours that are not buddies stay apart. The tags
 * take 1/32 of the area. The checks cost a few tag lookups per list
 * operation.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "mm/heap.h"
#include "mm/heap_split.h"
#include "lib/errno.h"

#define MIN_ORDER 5
#define MIN_BLOCK ((size_t)1 << MIN_ORDER)
/* The largest order whose size still fits in a size_t. */
#define MAX_ORDER (sizeof(size_t) * 8 - 1)

/* Tag byte of a unit where a block starts: one state bit and the order. */
#define TAG_ALLOCATED 0x80
#define TAG_FREE      0x40
#define TAG_ORDER     0x3f

/* The links a free block carries in its first bytes: untrusted, see above. */
struct free_block {
    struct free_block *next;
    struct free_block *prev;
};

_Static_assert(sizeof(struct free_block) <= MIN_BLOCK, "a free block must hold its links");
_Static_assert(MIN_BLOCK % HEAP_ALIGN == 0, "block offsets must keep HEAP_ALIGN");
_Static_assert(MAX_ORDER <= TAG_ORDER, "every order must fit in a tag");

/*
 * Invariants (checked by heap_check):
 *  - the blocks tagged in tags[] tile [area, area + area_size) exactly; a
 *    block of order k starts at an offset that is a multiple of 2^k;
 *  - free_lists[k] links exactly the blocks tagged free with order k, and no
 *    list below MIN_ORDER or above top_order holds anything;
 *  - no free block of order k has a free buddy of order k;
 *  - used, allocations and free_blocks agree with the tags.
 * Once poisoned is set they need not hold any more: no call looks at them.
 */
struct heap {
    uint8_t *area;                                /* base of the managed area, HEAP_ALIGN-aligned */
    size_t area_size;                             /* a multiple of MIN_BLOCK */
    uint8_t *tags;                                /* one per MIN_BLOCK unit of the area */
    unsigned top_order;                           /* order of the largest block the area can hold */
    bool poisoned;                                /* a corrupt link was found (heap.h) */
    size_t used;                                  /* bytes in allocated blocks */
    size_t allocations;                           /* allocated blocks */
    size_t free_blocks;                           /* blocks on the free lists */
    struct free_block *free_lists[MAX_ORDER + 1]; /* indexed by order */
};

const char heap_manager_name[] = "buddy";

static size_t order_size(unsigned order)
{
    return (size_t)1 << order;
}

/* The order of the largest power of two that is <= size (size > 0). */
static unsigned floor_order(size_t size)
{
    unsigned order = 0;

    while (size >>= 1)
        order++;
    return order;
}

/* The order of the smallest block that holds size bytes; size must fit the heap. */
static unsigned order_for(size_t size)
{
    unsigned order = MIN_ORDER;

    while (order_size(order) < size)
        order++;
    return order;
}

static uint8_t make_tag(uint8_t state, unsigned order)
{
    return (uint8_t)(state | order);
}

static uint8_t *tag_at(const struct heap *heap, size_t offset)
{
    return &heap->tags[offset >> MIN_ORDER];
}

static struct free_block *block_at(const struct heap *heap, size_t offset)
{
    return (struct free_block *)(heap->area + offset);
}

static size_t offset_of(const struct heap *heap, const void *block)
{
    return (size_t)((uintptr_t)block - (uintptr_t)heap->area);
}

/* True when a free block of exactly this order starts at offset (which may lie past the end). */
static bool is_free_block(const struct heap *heap, size_t offset, unsigned order)
{
    if (offset >= heap->area_size || heap->area_size - offset < order_size(order))
        return false;
    return *tag_at(heap, offset) == make_tag(TAG_FREE, order);
}

/*
 * ptr, a link read from the area, as a free block of this order; NULL when
 * it is not one: outside the area, not at a multiple of the order's size,
 * or not tagged free with this order. No link is dereferenced before it has
 * passed this test.
 */
static struct free_block *checked_free(const struct heap *heap, const struct free_block *ptr,
                                       unsigned order)
{
    uintptr_t addr = (uintptr_t)ptr;
    uintptr_t base = (uintptr_t)heap->area;

    if (addr < base || addr - base >= heap->area_size || (addr - base) % order_size(order) != 0)
        return NULL;
    if (!is_free_block(heap, addr - base, order))
        return NULL;
    return block_at(heap, addr - base);
}

/*
 * Puts the block at offset on the front of its list. It reads nothing from
 * the area: the list heads are in struct heap, and only ever hold blocks
 * that were checked (or pushed) when they became heads.
 */
static void push_free(struct heap *heap, size_t offset, unsigned order)
{
    struct free_block *block = block_at(heap, offset);
    struct free_block *head = heap->free_lists[order];

    block->prev = NULL;
    block->next = head;
    if (head)
        head->prev = block;
    heap->free_lists[order] = block;
    *tag_at(heap, offset) = make_tag(TAG_FREE, order);
    heap->free_blocks++;
}

/*
 * Takes block, a free block of this order, off its list; its unit becomes
 * untagged until the caller says what it is. Its links are read once and
 * checked first: prev must be a free block of the same order whose next is
 * block (or, when prev is NULL, block must be the list's head), and next,
 * if any, one whose prev is block. False, with nothing changed, when they
 * are corrupt.
 */
static bool unlink_free(struct heap *heap, struct free_block *block, unsigned order)
{
    struct free_block *prev = block->prev;
    struct free_block *next = block->next;

    if (prev == block || next == block || (prev && prev == next))
        return false;
    if (prev == NULL && heap->free_lists[order] != block)
        return false;
    if (prev && (!checked_free(heap, prev, order) || prev->next != block))
        return false;
    if (next && (!checked_free(heap, next, order) || next->prev != block))
        return false;

    if (prev)
        prev->next = next;
    else
        heap->free_lists[order] = next;
    if (next)
        next->prev = prev;
    *tag_at(heap, offset_of(heap, block)) = 0;
    heap->free_blocks--;
    return true;
}

/* The offset of the allocated block that ptr starts, or false when ptr is not one. */
static bool allocated_offset(const struct heap *heap, const void *ptr, size_t *offset)
{
    uintptr_t addr = (uintptr_t)ptr;
    uintptr_t base = (uintptr_t)heap->area;

    if (addr < base || addr - base >= heap->area_size || (addr - base) % MIN_BLOCK != 0)
        return false;
    if (!(*tag_at(heap, addr - base) & TAG_ALLOCATED))
        return false;
    *offset = addr - base;
    return true;
}

static uintptr_t align_up(uintptr_t value, uintptr_t alignment)
{
    return (value + alignment - 1) & ~(alignment - 1);
}

/* Covers the area with the largest aligned power-of-two blocks, largest first. */
static void carve_area(struct heap *heap)
{
    size_t offset = 0;

    while (offset < heap->area_size) {
        unsigned order = floor_order(heap->area_size - offset);

        push_free(heap, offset, order);
        offset += order_size(order);
    }
}

/* Sets up an empty heap in heap, with one tag byte per MIN_BLOCK unit of the area. */
static struct heap *build(struct heap *heap, uint8_t *tags, uint8_t *area, size_t area_size)
{
    heap->area = area;
    heap->area_size = area_size;
    heap->tags = tags;
    for (unsigned order = 0; order <= MAX_ORDER; order++)
        heap->free_lists[order] = NULL;
    for (size_t unit = 0; unit < area_size / MIN_BLOCK; unit++)
        tags[unit] = 0;
    heap->top_order = floor_order(area_size);
    heap->poisoned = false;
    heap->used = 0;
    heap->allocations = 0;
    heap->free_blocks = 0;
    carve_area(heap);
    return heap;
}

/*
 * Lays out [struct heap][tags][pad][area] in the region. With n units the
 * tags take n bytes, the padding before the area at most HEAP_ALIGN - 1 and
 * the area 32 * n, so n = (room - (HEAP_ALIGN - 1)) / 33 always fits.
 */
struct heap *heap_init(void *base, size_t size)
{
    uintptr_t start = align_up((uintptr_t)base, HEAP_ALIGN);
    uintptr_t end = (uintptr_t)base + size;
    uintptr_t tags;
    size_t room, units;

    if (base == NULL || end < (uintptr_t)base || start < (uintptr_t)base)
        return NULL;
    if (start > end || end - start < sizeof(struct heap))
        return NULL;

    tags = start + sizeof(struct heap);
    room = end - tags;
    if (room < HEAP_ALIGN - 1 + MIN_BLOCK + 1)
        return NULL;
    units = (room - (HEAP_ALIGN - 1)) / (MIN_BLOCK + 1);
    return build((struct heap *)start, (uint8_t *)tags,
                 (uint8_t *)align_up(tags + units, HEAP_ALIGN), units * MIN_BLOCK);
}

/* struct heap, aligned anywhere in meta, then one tag byte per unit. */
size_t heap_meta_size(size_t area_size)
{
    return HEAP_ALIGN - 1 + sizeof(struct heap) + area_size / MIN_BLOCK;
}

struct heap *heap_init_split(void *meta, size_t meta_size, void *area, size_t area_size)
{
    struct heap_split split;
    if (!heap_split_check(meta, meta_size, area, area_size, MIN_BLOCK, heap_meta_size(area_size),
                          &split))
        return NULL;
    return build((struct heap *)split.meta, (uint8_t *)split.meta + sizeof(struct heap),
                 (uint8_t *)split.area, (split.area_end - split.area) / MIN_BLOCK * MIN_BLOCK);
}

void *heap_alloc(struct heap *heap, size_t size)
{
    struct free_block *block;
    unsigned order;
    unsigned found;
    size_t offset;

    /* Checked before rounding, so that rounding a huge size cannot overflow. */
    if (heap->poisoned || size == 0 || size > order_size(heap->top_order))
        return NULL;
    order = order_for(size);
    found = order;
    while (found <= heap->top_order && heap->free_lists[found] == NULL)
        found++;
    if (found > heap->top_order)
        return NULL;

    block = heap->free_lists[found];
    if (!unlink_free(heap, block, found)) {
        heap->poisoned = true;
        return NULL;
    }
    offset = offset_of(heap, block);
    /* Keep the lower half of each split: live blocks gather at low offsets. */
    while (found > order) {
        found--;
        push_free(heap, offset + order_size(found), found);
    }
    *tag_at(heap, offset) = make_tag(TAG_ALLOCATED, order);
    heap->used += order_size(order);
    heap->allocations++;
    return heap->area + offset;
}

/*
 * A corrupt link found halfway through a merge leaves the work half done;
 * that is fine, because the heap is poisoned and nothing looks at it again.
 */
int heap_free(struct heap *heap, void *ptr)
{
    size_t offset;
    unsigned order;

    if (ptr == NULL)
        return 0;
    if (heap->poisoned)
        return -EFAULT;
    if (!allocated_offset(heap, ptr, &offset))
        return -EINVAL;

    order = *tag_at(heap, offset) & TAG_ORDER;
    heap->used -= order_size(order);
    heap->allocations--;
    *tag_at(heap, offset) = 0;
    while (order < heap->top_order) {
        size_t buddy = offset ^ order_size(order);

        if (!is_free_block(heap, buddy, order))
            break;
        if (!unlink_free(heap, block_at(heap, buddy), order)) {
            heap->poisoned = true;
            return -EFAULT;
        }
        offset &= ~order_size(order);
        order++;
    }
    push_free(heap, offset, order);
    return 0;
}

/* The tags say all, and they are in the bookkeeping: nothing in the area to restore. */
int heap_free_sized(struct heap *heap, void *ptr, size_t size)
{
    (void)size;
    return heap_free(heap, ptr);
}

size_t heap_block_size(const struct heap *heap, const void *ptr)
{
    size_t offset;

    if (heap->poisoned || !allocated_offset(heap, ptr, &offset))
        return 0;
    return order_size(*tag_at(heap, offset) & TAG_ORDER);
}

/* Reads only struct heap: no link is followed. */
void heap_stats(const struct heap *heap, struct heap_stats *stats)
{
    unsigned order = heap->top_order;

    while (order > MIN_ORDER && heap->free_lists[order] == NULL)
        order--;
    stats->total = heap->area_size;
    stats->used = heap->used;
    stats->free = heap->area_size - heap->used;
    stats->largest_free = heap->free_lists[order] && !heap->poisoned ? order_size(order) : 0;
    stats->free_blocks = heap->free_blocks;
    stats->allocations = heap->allocations;
    stats->poisoned = heap->poisoned;
}

/* Every unit inside a block, after its first, must be untagged. */
static bool interior_untagged(const struct heap *heap, size_t offset, size_t size)
{
    for (size_t inner = offset + MIN_BLOCK; inner < offset + size; inner += MIN_BLOCK) {
        if (*tag_at(heap, inner) != 0)
            return false;
    }
    return true;
}

/* Checks that the tags tile the area and that the counters agree with them. */
static bool check_tags(const struct heap *heap)
{
    size_t used = 0, allocations = 0, free_blocks = 0;
    size_t offset = 0;

    while (offset < heap->area_size) {
        uint8_t tag = *tag_at(heap, offset);
        uint8_t state = tag & (TAG_FREE | TAG_ALLOCATED);
        unsigned order = tag & TAG_ORDER;
        size_t size;

        if (state != TAG_FREE && state != TAG_ALLOCATED)
            return false;
        if (order < MIN_ORDER || order > heap->top_order)
            return false;
        size = order_size(order);
        if (offset % size != 0 || heap->area_size - offset < size)
            return false;
        if (!interior_untagged(heap, offset, size))
            return false;
        if (state == TAG_FREE) {
            if (order < heap->top_order && is_free_block(heap, offset ^ size, order))
                return false;
            free_blocks++;
        } else {
            used += size;
            allocations++;
        }
        offset += size;
    }
    return used == heap->used && allocations == heap->allocations &&
           free_blocks == heap->free_blocks;
}

/*
 * Checks that each list links, both ways, blocks tagged free with its order.
 * A node is dereferenced only once checked_free has accepted it, and the
 * walk stops after free_blocks nodes, so a corrupt link or a cycle is
 * reported instead of followed. With check_tags this makes the lists hold
 * exactly the free blocks: as many nodes as free tags, each a distinct one.
 */
static bool check_free_lists(const struct heap *heap)
{
    size_t listed = 0;

    for (unsigned order = 0; order <= MAX_ORDER; order++) {
        const struct free_block *prev = NULL;
        const struct free_block *node = heap->free_lists[order];

        if (node && (order < MIN_ORDER || order > heap->top_order))
            return false;
        for (; node; prev = node, node = node->next) {
            if (listed++ == heap->free_blocks)
                return false;
            if (!checked_free(heap, node, order) || node->prev != prev)
                return false;
        }
    }
    return listed == heap->free_blocks;
}

bool heap_check(const struct heap *heap)
{
    return !heap->poisoned && check_tags(heap) && check_free_lists(heap);
}
