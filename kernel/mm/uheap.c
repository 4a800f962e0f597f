#include "mm/uheap.h"

#include "arch/x86_64/smap.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/mm.h"

static struct heap *user_heap;
static struct vm_space *heap_space;

int uheap_init(struct vm_space *space, uint64_t base, uint64_t size)
{
    /* Frames, not kmalloc: buddy's bookkeeping is 1/32 of the area. */
    size_t meta_size = heap_meta_size(size);
    uint64_t meta_frames = ALIGN_UP(meta_size, PAGE_SIZE) / PAGE_SIZE;
    uint64_t meta = mm_alloc_frames(meta_frames);
    if (!meta)
        return -ENOMEM;
    int err = vm_map_zeroed(space, base, size, VM_WRITE);
    if (err < 0) {
        mm_free_frames(meta, meta_frames);
        return err;
    }
    struct vm_space *previous = vm_active();
    vm_activate(space);
    user_access_begin();
    user_heap = heap_init_split(phys_to_virt(meta), meta_size, (void *)base, size);
    user_access_end();
    vm_activate(previous);
    if (!user_heap) {
        vm_unmap_free(space, base, size);
        mm_free_frames(meta, meta_frames);
        return -ENOMEM;
    }
    heap_space = space;
    return 0;
}

/* Makes room for one more block in owner's array. */
static int reserve_slot(struct uheap_owner *owner)
{
    if (owner->count < owner->capacity)
        return 0;
    size_t capacity = owner->capacity ? owner->capacity * 2 : 16;
    struct uheap_block *blocks = kmalloc(capacity * sizeof(*blocks));
    if (!blocks)
        return -ENOMEM;
    if (owner->count)
        memcpy(blocks, owner->blocks, owner->count * sizeof(*blocks));
    kfree(owner->blocks);
    owner->blocks = blocks;
    owner->capacity = capacity;
    return 0;
}

int64_t uheap_alloc(struct uheap_owner *owner, uint64_t size)
{
    if (!user_heap)
        return -ENOMEM;
    KASSERT(vm_active() == heap_space);
    if (size == 0)
        return -EINVAL;
    if (reserve_slot(owner) < 0)
        return -ENOMEM;
    user_access_begin();
    void *block = heap_alloc(user_heap, size);
    uint64_t usable = block ? heap_block_size(user_heap, block) : 0; /* just handed out: intact */
    user_access_end();
    if (!block)
        return -ENOMEM;
    owner->blocks[owner->count++] = (struct uheap_block){(uint64_t)block, usable};
    owner->bytes += usable;
    return (int64_t)block;
}

/* Position of addr in owner's array, or -1. Newest first: LIFO use is common. */
static long find_block(const struct uheap_owner *owner, uint64_t addr)
{
    for (size_t i = owner->count; i-- > 0;)
        if (owner->blocks[i].addr == addr)
            return (long)i;
    return -1;
}

/*
 * Gives a block back to the manager and forgets it. The kernel's record,
 * not the area, says where the block is and how big: a header the program
 * wrote over is restored from it (heap_free_sized), or the block would be
 * lost until reboot. Only a poisoned heap refuses, and then the block is
 * forgotten anyway, since nothing can be done with it.
 */
static int release_block(struct uheap_owner *owner, size_t index)
{
    struct uheap_block block = owner->blocks[index];
    owner->bytes -= block.size;
    owner->blocks[index] = owner->blocks[--owner->count];
    user_access_begin();
    int err = heap_free_sized(user_heap, (void *)block.addr, block.size);
    user_access_end();
    return err;
}

int uheap_free(struct uheap_owner *owner, uint64_t addr)
{
    KASSERT(vm_active() == heap_space || owner->count == 0);
    long index = find_block(owner, addr);
    if (index < 0)
        return -EINVAL;
    return release_block(owner, (size_t)index);
}

void uheap_release_all(struct uheap_owner *owner)
{
    if (owner->count) {
        struct vm_space *previous = vm_active();
        vm_activate(heap_space);
        while (owner->count)
            release_block(owner, owner->count - 1);
        vm_activate(previous);
    }
    kfree(owner->blocks);
    *owner = (struct uheap_owner){0};
}

void uheap_stats(struct heap_stats *stats)
{
    if (!user_heap) {
        memset(stats, 0, sizeof(*stats));
        return;
    }
    KASSERT(vm_active() == heap_space);
    user_access_begin(); /* first-fit walks its free list, which is in the area */
    heap_stats(user_heap, stats);
    user_access_end();
}
