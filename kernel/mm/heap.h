/*
 * The heap interface: a general-purpose allocator over one contiguous region.
 *
 * Chalk has two implementations, chosen at build time with mm=buddy or
 * mm=firstfit (heap_buddy.c, heap_firstfit.c); exactly one is linked. Both
 * are pure logic: no locks, no printing, no knowledge of paging. That is what
 * lets the same code serve as the kernel heap, as a per-process user heap, and
 * run under the host unit tests.
 *
 * Any number of independent heaps may exist: every function takes the heap it
 * works on. A heap keeps its bookkeeping inside its own region.
 *
 * Guarantees of both implementations:
 *  - every pointer returned is aligned to HEAP_ALIGN bytes;
 *  - heap_alloc returns NULL when no free block is large enough;
 *  - heap_free detects pointers it never returned and blocks already freed,
 *    returns -EINVAL for them and leaves the heap untouched;
 *  - when every block has been freed, the free space coalesces back to the
 *    blocks heap_init started with.
 *
 * Locking: none inside. The caller serialises all calls on one heap.
 */
#ifndef CHALK_MM_HEAP_H
#define CHALK_MM_HEAP_H

#include <stdbool.h>
#include <stddef.h>

#define HEAP_ALIGN 16

struct heap;

struct heap_stats {
    size_t total;        /* bytes under management (excludes the bookkeeping) */
    size_t used;         /* bytes in allocated blocks, including block overhead */
    size_t free;         /* bytes in free blocks */
    size_t largest_free; /* size of the largest free block */
    size_t free_blocks;  /* number of free blocks */
    size_t allocations;  /* number of live allocations */
};

/* Name of the implementation linked in: "buddy" or "firstfit". */
extern const char heap_manager_name[];

/*
 * Builds a heap over [base, base + size) and returns it, or NULL when the
 * region is too small to hold the bookkeeping and one block. base need not be
 * aligned; the heap aligns internally. NULL base or a region that wraps
 * past the end of the address space also give NULL.
 */
struct heap *heap_init(void *base, size_t size);

/* Returns a block of at least size bytes, or NULL (also for size 0). */
void *heap_alloc(struct heap *heap, size_t size);

/*
 * Gives back a block. Returns 0, or -EINVAL when ptr was not returned by
 * heap_alloc on this heap or was already freed. heap_free(heap, NULL) is 0.
 */
int heap_free(struct heap *heap, void *ptr);

/* The usable size of an allocated block, or 0 when ptr is not one. */
size_t heap_block_size(const struct heap *heap, const void *ptr);

/* Fills *stats with the heap's current figures. */
void heap_stats(const struct heap *heap, struct heap_stats *stats);

/*
 * Walks every block and free list and checks the implementation's invariants
 * (free lists linked both ways, no overlap, sizes add up to total,
 * no two free neighbours left uncoalesced, ...). Returns true when all hold.
 * Costs O(n); meant for tests and debug builds.
 */
bool heap_check(const struct heap *heap);

#endif
