/*
 * Bringing up memory: the frame allocator from the memory map, then the
 * kernel page tables, then the kernel heap over a contiguous block of frames.
 *
 * The bitmaps of the frame allocator need memory before any allocator
 * exists, so memory_init carves them out of the first usable region (below
 * 4 GiB, where the boot page tables reach) that does not overlap anything
 * the boot loader left us.
 */
#include "mm/mm.h"

#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/paging.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/frame.h"
#include "mm/memlayout.h"

#define BOOT_MAPPED_LIMIT (4ULL << 30) /* what boot.asm's direct map covers */
#define LOW_MEMORY_END    (1ULL << 20) /* real-mode memory: left alone */
#define KHEAP_MIN         (4ULL << 20)
#define KHEAP_MAX         (256ULL << 20)
#define MAX_RESERVED      (BOOT_MAX_MODULES + 4)

struct range {
    uint64_t start, end;
};

static struct frame_allocator frames;
static struct heap *kernel_heap;

/* Everything that must never be handed out, collected from the boot info. */
static unsigned boot_reserved_ranges(const struct boot_info *info, struct range *out)
{
    unsigned n = 0;
    out[n++] = (struct range){0, LOW_MEMORY_END};
    out[n++] = (struct range){(uint64_t)__kernel_phys_start, (uint64_t)__kernel_phys_end};
    out[n++] = (struct range){info->info_start, info->info_end};
    for (unsigned i = 0; i < info->module_count; i++)
        out[n++] = (struct range){info->modules[i].start, info->modules[i].end};
    return n;
}

static bool overlaps(struct range a, const struct range *list, unsigned count)
{
    for (unsigned i = 0; i < count; i++)
        if (a.start < list[i].end && list[i].start < a.end)
            return true;
    return false;
}

/*
 * Finds size bytes of usable RAM below the boot map's limit that avoid the
 * reserved ranges. Tries each region's start and each reserved range's end
 * as candidate positions, which is enough: a free hole starts at one of them.
 */
static uint64_t find_early_memory(const struct boot_info *info, uint64_t size,
                                  const struct range *reserved, unsigned nreserved)
{
    for (unsigned i = 0; i < info->memory_count; i++) {
        const struct memory_region *r = &info->memory[i];
        if (r->type != MEMORY_AVAILABLE)
            continue;
        for (unsigned c = 0; c <= nreserved; c++) {
            uint64_t start = ALIGN_UP(c == 0 ? r->base : reserved[c - 1].end, PAGE_SIZE);
            struct range candidate = {start, start + size};
            if (start < r->base || candidate.end > r->base + r->length ||
                candidate.end > BOOT_MAPPED_LIMIT)
                continue;
            if (!overlaps(candidate, reserved, nreserved))
                return start;
        }
    }
    return 0;
}

static uint64_t highest_usable_address(const struct boot_info *info)
{
    uint64_t top = 0;
    for (unsigned i = 0; i < info->memory_count; i++) {
        const struct memory_region *r = &info->memory[i];
        if (r->type == MEMORY_AVAILABLE && r->base + r->length > top)
            top = r->base + r->length;
    }
    return ALIGN_UP(top, FRAME_SIZE);
}

static void frames_init(const struct boot_info *info)
{
    struct range reserved[MAX_RESERVED + 1];
    unsigned nreserved = boot_reserved_ranges(info, reserved);

    uint64_t limit = highest_usable_address(info);
    uint64_t bitmap_size = ALIGN_UP(frame_bitmap_bytes(limit), PAGE_SIZE);
    uint64_t bitmap = find_early_memory(info, bitmap_size, reserved, nreserved);
    if (!bitmap)
        panic("memory: no room below 4 GiB for the frame bitmaps (%lu bytes)", bitmap_size);
    reserved[nreserved++] = (struct range){bitmap, bitmap + bitmap_size};

    frame_allocator_init(&frames, phys_to_virt(bitmap), limit);
    for (unsigned i = 0; i < info->memory_count; i++)
        if (info->memory[i].type == MEMORY_AVAILABLE)
            frame_add_region(&frames, info->memory[i].base, info->memory[i].length);
    for (unsigned i = 0; i < nreserved; i++)
        frame_reserve(&frames, reserved[i].start, reserved[i].end - reserved[i].start);
}

static void kernel_heap_init(void)
{
    uint64_t size = ALIGN_UP(frames.total * FRAME_SIZE / 8, PAGE_SIZE);
    if (size < KHEAP_MIN)
        size = KHEAP_MIN;
    if (size > KHEAP_MAX)
        size = KHEAP_MAX;
    uint64_t base = frame_alloc_contiguous(&frames, size / FRAME_SIZE);
    if (!base)
        panic("memory: no %lu contiguous bytes for the kernel heap", size);
    kernel_heap = heap_init(phys_to_virt(base), size);
    if (!kernel_heap)
        panic("memory: heap_init failed");
}

void mm_init(const struct boot_info *info)
{
    frames_init(info);
    paging_init(info);
    kernel_heap_init();
}

/*
 * A bad free is a kernel bug, but the allocators refuse it without touching
 * their state, so the kernel can report it (with the culprit's backtrace)
 * and go on.
 */
static void report_bad_free(const char *who, void *ptr)
{
    kprintf("%s: %p is not allocated (invalid or double free); ignored\n", who, ptr);
    backtrace_print_here();
}

uint64_t mm_alloc_frame(void)
{
    bool irq = irq_save();
    uint64_t frame = frame_alloc(&frames);
    irq_restore(irq);
    if (frame)
        memset(phys_to_virt(frame), 0, FRAME_SIZE);
    return frame;
}

uint64_t mm_alloc_frames(uint64_t count)
{
    bool irq = irq_save();
    uint64_t frame = frame_alloc_contiguous(&frames, count);
    irq_restore(irq);
    return frame;
}

void mm_free_frames(uint64_t phys, uint64_t count)
{
    bool irq = irq_save();
    int err = frame_free(&frames, phys, count);
    irq_restore(irq);
    if (err)
        report_bad_free("mm_free_frames", (void *)phys);
}

void mm_frame_stats(struct frame_stats *stats)
{
    bool irq = irq_save();
    stats->total = frames.total;
    stats->free = frames.free;
    irq_restore(irq);
}

void *kmalloc(size_t size)
{
    bool irq = irq_save();
    void *p = heap_alloc(kernel_heap, size);
    DEBUG_ASSERT(heap_check(kernel_heap));
    irq_restore(irq);
    return p;
}

void *kzalloc(size_t size)
{
    void *p = kmalloc(size);
    if (p)
        memset(p, 0, size);
    return p;
}

void kfree(void *ptr)
{
    bool irq = irq_save();
    int err = heap_free(kernel_heap, ptr);
    /* Only the kernel heap: a program may scribble over its own (uheap.c). */
    DEBUG_ASSERT(heap_check(kernel_heap));
    irq_restore(irq);
    if (err)
        report_bad_free("kfree", ptr);
}

void mm_kernel_heap_stats(struct heap_stats *stats)
{
    bool irq = irq_save();
    heap_stats(kernel_heap, stats);
    irq_restore(irq);
}

void *mm_map_physical(uint64_t phys, uint64_t size)
{
    bool irq = irq_save();
    paging_map_direct(phys, size);
    irq_restore(irq);
    return phys_to_virt(phys);
}
