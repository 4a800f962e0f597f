/*
 * The heap interface: a general-purpose allocator over one contiguous region.
 *
 * Chalk has two implementations, chosen at build time with mm=buddy or
 * mm=firstfit (heap_buddy.c, heap_firstfit.c); exactly one is linked. Both
 * are pure logic: no locks, no printing, no knowledge of paging. That is what
 * lets the same code serve as the kernel heap, as the user heap, and run
 * under the host unit tests.
 *
 * Any number of independent heaps may exist: every function takes the heap it
 * works on. A heap has two parts:
 *  - the bookkeeping ("meta"): struct heap and, for the buddy heap, its tag
 *    array. The heap trusts it completely.
 *  - the area: the blocks it hands out. Free blocks carry their free-list
 *    links, and first-fit blocks carry a header, inside the area.
 * heap_init puts both in one region, the bookkeeping first. heap_init_split
 * takes them as two separate ranges, so that the bookkeeping can be kept
 * where only the kernel can write.
 *
 * Guarantees of both implementations:
 *  - every pointer returned is aligned to HEAP_ALIGN bytes;
 *  - heap_alloc returns NULL when no free block is large enough;
 *  - heap_free detects pointers it never returned and blocks already freed,
 *    returns -EINVAL for them and leaves the heap untouched;
 *  - when every block has been freed, the free space coalesces back to the
 *    blocks heap_init started with.
 *
 * Untrusted areas. The area may be writable by code the kernel does not
 * trust: the user heap lives in memory that user programs can write, links
 * and headers included. Whatever bytes the area holds, as long as the
 * bookkeeping is intact (kept out of the untrusted code's reach with
 * heap_init_split):
 *  - no call reads or writes outside the area and the bookkeeping;
 *  - every call ends after a bounded number of steps (at most one per block
 *    the area can hold), and none crashes;
 *  - heap_alloc only returns blocks that lie wholly inside the area.
 * Every link and header read from the area is checked before it is used.
 * When a check fails, the heap is "poisoned": the call that noticed, and
 * every later call, fails cleanly:
 *    heap_alloc       returns NULL;
 *    heap_free        returns -EFAULT (heap_free(heap, NULL) is still 0);
 *    heap_block_size  returns 0;
 *    heap_check       returns false;
 *    heap_stats       still reports the counters, with largest_free = 0 and
 *                     poisoned = true.
 * A poisoned heap stays poisoned: only building a new one with heap_init or
 * heap_init_split gives the area back. Checks cannot notice everything: a
 * write that leaves the bookkeeping looking valid (say, a first-fit header
 * rewritten with a larger size) is accepted, and can make the heap hand out
 * blocks that overlap. That only ever hurts the data in the area, never
 * anything outside it.
 *
 * Locking: none inside. The caller serialises all calls on one heap, and
 * nothing else may write the area while a call runs (on one CPU with
 * interrupts off, user code cannot).
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
    size_t largest_free; /* size of the largest free block; 0 when poisoned */
    size_t free_blocks;  /* number of free blocks */
    size_t allocations;  /* number of live allocations */
    bool poisoned;       /* corruption was found: every call now fails (see above) */
};

/* Name of the implementation linked in: "buddy" or "firstfit". */
extern const char heap_manager_name[];

/*
 * Builds a heap over [base, base + size), bookkeeping first, and returns it,
 * or NULL when the region is too small to hold the bookkeeping and one
 * block. base need not be aligned; the heap aligns internally. NULL base or a
 * region that wraps past the end of the address space also give NULL.
 * The bookkeeping is then as writable as the blocks: use heap_init_split
 * when untrusted code can write the region.
 */
struct heap *heap_init(void *base, size_t size);

/*
 * The number of bytes of bookkeeping heap_init_split needs for an area of
 * area_size bytes, whatever the alignment of either. The buddy heap needs
 * about area_size / 32 plus 600 bytes, the first-fit heap under 100 bytes.
 */
size_t heap_meta_size(size_t area_size);

/*
 * Builds a heap that keeps its bookkeeping in [meta, meta + meta_size) and
 * hands out blocks from [area, area + area_size), and returns it (it lies in
 * meta). Returns NULL when meta_size < heap_meta_size(area_size), when the
 * area cannot hold one block, when either pointer is NULL or either range
 * wraps, or when the two ranges overlap. Neither need be aligned.
 */
struct heap *heap_init_split(void *meta, size_t meta_size, void *area, size_t area_size);

/* Returns a block of at least size bytes, or NULL (also for size 0). */
void *heap_alloc(struct heap *heap, size_t size);

/*
 * Gives back a block. Returns 0; -EINVAL when ptr was not returned by
 * heap_alloc on this heap or was already freed; -EFAULT when the heap is
 * poisoned. heap_free(heap, NULL) is 0.
 */
int heap_free(struct heap *heap, void *ptr);

/*
 * heap_free for a caller that knows the block better than the area does:
 * it recorded size, the block's usable size, from heap_block_size when the
 * block was handed out, and vouches that the block is still allocated (the
 * user heap's kernel side does: mm/uheap.c). First-fit then rewrites the
 * block's header from size before freeing it, so a header that untrusted
 * code wrote over does not lose the block for good; the buddy heap keeps
 * nothing in the area to restore. What heap_free returns, and -EINVAL when
 * ptr and size cannot describe a block of the area. A caller that vouches
 * wrongly can only poison the heap: the free's checks still run.
 */
int heap_free_sized(struct heap *heap, void *ptr, size_t size);

/* The usable size of an allocated block, or 0 when ptr is not one. */
size_t heap_block_size(const struct heap *heap, const void *ptr);

/* Fills *stats with the heap's current figures. Never poisons the heap. */
void heap_stats(const struct heap *heap, struct heap_stats *stats);

/*
 * Walks every block and free list and checks the implementation's invariants
 * (free lists linked both ways, no overlap, sizes add up to total,
 * no two free neighbours left uncoalesced, ...). Returns true when all hold,
 * false when one does not or the heap is poisoned. Never poisons the heap.
 * Costs O(n); meant for tests and debug builds.
 */
bool heap_check(const struct heap *heap);

#endif
