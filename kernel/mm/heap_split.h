/*
 * What the two heap implementations share about heap_init_split's regions.
 * Private to heap_buddy.c and heap_firstfit.c; the interface is heap.h.
 */
#ifndef CHALK_MM_HEAP_SPLIT_H
#define CHALK_MM_HEAP_SPLIT_H

#include "mm/heap.h"

#include <stdbool.h>
#include <stdint.h>

/* The aligned places heap_init_split builds on. */
struct heap_split {
    uintptr_t meta;     /* where struct heap goes, HEAP_ALIGN-aligned */
    uintptr_t area;     /* first byte of the managed area, HEAP_ALIGN-aligned */
    uintptr_t area_end; /* end of the area as given */
};

/*
 * Checks heap_init_split's arguments: both pointers set, neither range
 * wrapping past the end of memory, the two not overlapping, room in the
 * area for one block of min_block bytes (a multiple of HEAP_ALIGN) after
 * alignment, and at least meta_needed bytes of bookkeeping. Fills *split.
 */
static inline bool heap_split_check(void *meta, size_t meta_size, void *area, size_t area_size,
                                    size_t min_block, size_t meta_needed, struct heap_split *split)
{
    uintptr_t meta_start = (uintptr_t)meta, meta_end = meta_start + meta_size;
    uintptr_t area_start = (uintptr_t)area, area_end = area_start + area_size;
    uintptr_t base = (area_start + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);

    if (meta == NULL || area == NULL || meta_end < meta_start || area_end < area_start)
        return false;
    if (meta_start < area_end && area_start < meta_end)
        return false; /* they overlap */
    if (base < area_start || base > area_end || area_end - base < min_block)
        return false;
    /* meta_needed covers the alignment of struct heap, so that cannot wrap either. */
    if (meta_size < meta_needed)
        return false;
    split->meta = (meta_start + HEAP_ALIGN - 1) & ~(uintptr_t)(HEAP_ALIGN - 1);
    split->area = base;
    split->area_end = area_end;
    return true;
}

#endif
