/*
 * The user heap: what malloc and free in user programs allocate from.
 *
 * It is one instance of the build-time memory manager (heap.h: buddy or
 * first-fit) over a region of the userland image's address space, mapped
 * user-writable, so `test memory` exercises the manager chosen with mm=.
 * The kernel runs the manager on the program's behalf (SYS_MALLOC/SYS_FREE).
 *
 * Every block is recorded against the process that allocated it (its
 * struct uheap_owner), for two reasons: a process may only free its own
 * blocks, and when a process dies, however it dies, the kernel frees what
 * it still holds. A killed `test memory` therefore gives its memory back.
 *
 * Programs can write anywhere in the heap's area, including over the
 * manager's free-list links and headers. So the manager's bookkeeping lives
 * in kernel memory (heap_init_split), it checks every link it reads from the
 * area, and the kernel trusts nothing read from there: a block's size is
 * recorded here when it is handed out, and a block is freed from that
 * record (heap_free_sized), so a program that writes over its blocks'
 * headers loses none of them. A corrupted heap is "poisoned" (heap.h):
 * later calls fail with an error, never with a kernel crash.
 *
 * The manager reads and writes those links in the area directly, so each
 * call into it runs in a user-access window (arch/x86_64/smap.h): with
 * SMAP on, this file and uaccess.c are the only places the kernel touches
 * user memory.
 *
 * Locking: interrupts off, and the user heap's address space active.
 */
#ifndef CHALK_MM_UHEAP_H
#define CHALK_MM_UHEAP_H

#include "mm/heap.h"
#include "mm/vm.h"

#include <stddef.h>
#include <stdint.h>

struct uheap_block {
    uint64_t addr;
    uint64_t size; /* usable size when handed out */
};

/* The blocks one process holds: an array that grows as needed. */
struct uheap_owner {
    struct uheap_block *blocks;
    size_t count;
    size_t capacity;
    size_t bytes; /* sum of the blocks' usable sizes */
};

/*
 * Maps [base, base + size) into space and builds the heap over it.
 * Returns 0 or -ENOMEM.
 */
int uheap_init(struct vm_space *space, uint64_t base, uint64_t size);

/* The address of a new block of size bytes owned by owner, or -ENOMEM/-EINVAL. */
int64_t uheap_alloc(struct uheap_owner *owner, uint64_t size);

/*
 * Frees a block owner holds: 0, -EINVAL (not one of its blocks) or -EFAULT
 * (the heap is poisoned). The block is the owner's no more in every case
 * but the first error.
 */
int uheap_free(struct uheap_owner *owner, uint64_t addr);

/* Frees every block owner still holds (the process is dying). */
void uheap_release_all(struct uheap_owner *owner);

void uheap_stats(struct heap_stats *stats);

#endif
