/*
 * The memory subsystem's interface for the rest of the kernel: physical
 * frames, the kernel heap, and mappings of physical memory.
 *
 * Locking: every function here may be called with interrupts on or off and
 * disables them while it touches shared state (the kernel is single-core;
 * these become spinlocks when a second core arrives). None of them sleeps.
 */
#ifndef CHALK_MM_MM_H
#define CHALK_MM_MM_H

#include "boot/bootinfo.h"
#include "mm/heap.h"

#include <stddef.h>
#include <stdint.h>

/*
 * Builds the frame allocator from the memory map, the final kernel page
 * tables, and the kernel heap. Everything the boot loader left in memory
 * (kernel image, modules, boot information) is reserved first.
 */
void mm_init(const struct boot_info *info);

/* A zero-filled 4 KiB frame (physical address), or 0 when memory is out. */
uint64_t mm_alloc_frame(void);
/* count contiguous frames, not zeroed, or 0. */
uint64_t mm_alloc_frames(uint64_t count);
void mm_free_frames(uint64_t phys, uint64_t count);

struct frame_stats {
    uint64_t total; /* frames of usable RAM under management */
    uint64_t free;
};
void mm_frame_stats(struct frame_stats *stats);

/* The kernel heap (an instance of the build-time manager, see heap.h). */
void *kmalloc(size_t size);
void *kzalloc(size_t size);
void kfree(void *ptr);
void mm_kernel_heap_stats(struct heap_stats *stats);

/*
 * Makes physical range [phys, phys + size) reachable through the direct map
 * and returns its virtual address. For device memory (framebuffer) and
 * firmware tables (ACPI) that the memory map does not list as RAM.
 */
void *mm_map_physical(uint64_t phys, uint64_t size);

#endif
