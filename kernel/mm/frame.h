/*
 * The physical frame allocator: hands out 4 KiB frames of RAM.
 *
 * Two bitmaps with one bit per frame of the physical address space:
 *   avail - the frame is RAM this allocator manages (from the memory map,
 *           minus everything reserved: kernel image, modules, boot info);
 *   used  - the frame is allocated.
 * A frame can be handed out only when avail and not used, and freed only when
 * avail and used; that makes double frees and frees of reserved memory
 * detectable instead of silently corrupting the next owner's data.
 *
 * Like the heaps this is pure logic with no locking of its own, usable as
 * several instances (the unit tests do) and as the kernel's one instance.
 */
#ifndef CHALK_MM_FRAME_H
#define CHALK_MM_FRAME_H

#include <stddef.h>
#include <stdint.h>

#define FRAME_SIZE 4096ULL

struct frame_allocator {
    uint64_t *avail;
    uint64_t *used;
    uint64_t frame_count; /* frames covered, from physical address 0 */
    uint64_t total;       /* frames that are avail */
    uint64_t free;        /* frames that are avail and not used */
    uint64_t next;        /* where the next search starts (next fit) */
};

/* Bytes of bitmap storage needed to cover physical addresses below limit. */
size_t frame_bitmap_bytes(uint64_t limit);

/*
 * Starts an allocator covering [0, limit) with no frame available.
 * storage must hold frame_bitmap_bytes(limit) bytes.
 */
void frame_allocator_init(struct frame_allocator *fa, void *storage, uint64_t limit);

/*
 * Makes the whole frames inside [base, base + length) available. Frame 0 is
 * never made available: address 0 is how the allocator says "none left".
 * Add every region before reserving anything: adding a region again would
 * make its reserved frames available.
 */
void frame_add_region(struct frame_allocator *fa, uint64_t base, uint64_t length);

/*
 * Withdraws every frame touching [base, base + length) for good: it will
 * never be handed out, and freeing it is an error.
 */
void frame_reserve(struct frame_allocator *fa, uint64_t base, uint64_t length);

/* Returns the physical address of a free frame, or 0 when none is left. */
uint64_t frame_alloc(struct frame_allocator *fa);

/* count physically contiguous frames, or 0 when no such run exists. */
uint64_t frame_alloc_contiguous(struct frame_allocator *fa, uint64_t count);

/*
 * Frees count frames starting at phys. Returns 0, or -EINVAL (freeing
 * nothing) when any of them is not an allocated frame of this allocator.
 */
int frame_free(struct frame_allocator *fa, uint64_t phys, uint64_t count);

#endif
