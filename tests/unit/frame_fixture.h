/*
 * Shared fixture for the frame allocator unit tests (test_frame.c,
 * test_frame_stress.c).
 *
 * Each allocator gets its bitmaps from the host's malloc, poisoned before
 * frame_allocator_init and followed by guard bytes. Most tests compare the
 * allocator with a model: one byte per frame saying whether the frame should
 * be available, computed here independently (in 128-bit arithmetic, so the
 * model itself cannot overflow) from the same regions and reservations.
 */
#ifndef CHALK_TESTS_FRAME_FIXTURE_H
#define CHALK_TESTS_FRAME_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "mm/frame.h"
#include "lib/errno.h"

#define KIB 1024ULL
#define MIB (1024 * KIB)
#define GIB (1024 * MIB)

#define GUARD      128
#define GUARD_BYTE 0xa5
#define POISON     0xff

struct range {
    uint64_t base;
    uint64_t length;
};

struct fixture {
    struct frame_allocator fa;
    uint8_t *storage; /* bitmaps followed by GUARD guard bytes */
    size_t bytes;     /* frame_bitmap_bytes(limit) */
    uint64_t limit;
    uint64_t frames; /* limit / FRAME_SIZE */
    uint8_t *avail;  /* the model: 1 when the frame should be available */
    uint64_t model_total;
};

/* ---- fixtures and the model ---------------------------------------------- */

static inline struct fixture *fixture_new(uint64_t limit)
{
    struct fixture *fx = calloc(1, sizeof(*fx));

    assert_non_null(fx);
    fx->limit = limit;
    fx->frames = limit / FRAME_SIZE;
    fx->bytes = frame_bitmap_bytes(limit);
    fx->storage = malloc(fx->bytes + GUARD);
    assert_non_null(fx->storage);
    memset(fx->storage, POISON, fx->bytes);
    memset(fx->storage + fx->bytes, GUARD_BYTE, GUARD);
    fx->avail = calloc(fx->frames + 1, 1);
    assert_non_null(fx->avail);
    frame_allocator_init(&fx->fa, fx->storage, limit);
    return fx;
}

static inline void assert_guard_intact(const struct fixture *fx)
{
    for (size_t i = 0; i < GUARD; i++)
        assert_int_equal(fx->storage[fx->bytes + i], GUARD_BYTE);
}

static inline void fixture_free(struct fixture *fx)
{
    assert_guard_intact(fx);
    free(fx->avail);
    free(fx->storage);
    free(fx);
}

typedef unsigned __int128 u128;

static inline uint64_t clamp_frames(u128 frame, uint64_t frames)
{
    return frame > frames ? frames : (uint64_t)frame;
}

/*
 * Frame 0 is never available: its address is 0, which frame_alloc returns
 * for "nothing left", so handing it out could not be told from failure.
 */
static inline void model_add(struct fixture *fx, struct range r)
{
    u128 start = ((u128)r.base + FRAME_SIZE - 1) / FRAME_SIZE;
    u128 end = ((u128)r.base + r.length) / FRAME_SIZE;
    uint64_t first = clamp_frames(start, fx->frames);
    uint64_t last = clamp_frames(end, fx->frames);

    for (uint64_t f = first < 1 ? 1 : first; f < last; f++)
        fx->avail[f] = 1;
}

static inline void model_reserve(struct fixture *fx, struct range r)
{
    if (r.length == 0)
        return;
    u128 start = (u128)r.base / FRAME_SIZE;
    u128 end = ((u128)r.base + r.length + FRAME_SIZE - 1) / FRAME_SIZE;
    uint64_t first = clamp_frames(start, fx->frames);
    uint64_t last = clamp_frames(end, fx->frames);

    for (uint64_t f = first; f < last; f++)
        fx->avail[f] = 0;
}

static inline void model_recount(struct fixture *fx)
{
    fx->model_total = 0;
    for (uint64_t f = 0; f < fx->frames; f++)
        fx->model_total += fx->avail[f];
}

/* Adds every region, then reserves every range, like mm_init does. */
static inline void fixture_load(struct fixture *fx, const struct range *regions, size_t nregions,
                                const struct range *reserved, size_t nreserved)
{
    for (size_t i = 0; i < nregions; i++) {
        frame_add_region(&fx->fa, regions[i].base, regions[i].length);
        model_add(fx, regions[i]);
    }
    for (size_t i = 0; i < nreserved; i++) {
        frame_reserve(&fx->fa, reserved[i].base, reserved[i].length);
        model_reserve(fx, reserved[i]);
    }
    model_recount(fx);
}

/* A macro, so a failure reports the caller's line. */
#define assert_counts(fa, total_, free_)                                                           \
    do {                                                                                           \
        assert_int_equal((fa)->total, (total_));                                                   \
        assert_int_equal((fa)->free, (free_));                                                     \
    } while (0)

/* A frame the allocator may hand out: page aligned, below the limit, in the model. */
static inline uint64_t assert_valid_frame(const struct fixture *fx, uint64_t phys)
{
    assert_int_not_equal(phys, 0);
    assert_int_equal(phys % FRAME_SIZE, 0);
    assert_true(phys < fx->limit);
    assert_int_equal(fx->avail[phys / FRAME_SIZE], 1);
    return phys / FRAME_SIZE;
}

/* Every frame of a run is one the allocator may hand out. */
static inline void assert_run_valid(const struct fixture *fx, uint64_t base, uint64_t count)
{
    assert_valid_frame(fx, base);
    for (uint64_t i = 0; i < count; i++)
        assert_valid_frame(fx, base + i * FRAME_SIZE);
}

/*
 * Allocates with frame_alloc until it returns 0, checking every frame is
 * valid and new. Returns how many there were; seen[] marks them.
 */
static inline uint64_t alloc_all(struct fixture *fx, uint8_t *seen)
{
    uint64_t count = 0;

    for (;;) {
        uint64_t phys = frame_alloc(&fx->fa);
        if (phys == 0)
            break;
        uint64_t f = assert_valid_frame(fx, phys);
        assert_int_equal(seen[f], 0);
        seen[f] = 1;
        count++;
        assert_true(count <= fx->model_total);
    }
    return count;
}

/* Asserts that freeing is refused and changes nothing. */
static inline void assert_free_rejected(struct fixture *fx, uint64_t phys, uint64_t count)
{
    uint64_t total = fx->fa.total, free_frames = fx->fa.free;

    assert_int_equal(frame_free(&fx->fa, phys, count), -EINVAL);
    assert_counts(&fx->fa, total, free_frames);
}

/* ---- the standard memory map ---------------------------------------------- */

/*
 * A PC-like map: low memory below the EBDA, 1 MiB to 64 MiB, 16 MiB above
 * 4 GiB, with duplicates, overlaps, unaligned bounds and regions past the
 * limit. Whole frames inside:
 *   [0x1000, 0x9F000)         frames 0x1..0x9E           158
 *   [1 MiB, 64 MiB)           frames 0x100..0x3FFF       16128
 *   [4 GiB, 4 GiB + 16 MiB)   frames 0x100000..0x100FFF  4096
 *   [80 MiB + 2 KiB, +12 KiB) frames 0x5001, 0x5002      2
 * 20384 frames; the other entries add nothing new.
 */
#define STD_LIMIT (4 * GIB + 16 * MIB)
#define STD_TOTAL 20250

static inline struct fixture *std_fixture(void)
{
    static const struct range std_regions[] = {
        {0x1000, 0x9F000 - 0x1000},
        {1 * MIB, 63 * MIB},
        {2 * MIB, 1 * MIB},             /* inside the previous one */
        {63 * MIB, 1 * MIB},            /* overlaps its end */
        {1 * MIB, 63 * MIB},            /* exact duplicate */
        {4 * GIB, 16 * MIB},            /* above 4 GiB */
        {80 * MIB + 2 * KIB, 12 * KIB}, /* unaligned both ends: 2 whole frames */
        {96 * MIB + 0x100, 0xE00},      /* inside one frame: nothing */
        {112 * MIB + 2 * KIB, 4 * KIB}, /* two partial frames: nothing */
        {4 * GIB + 15 * MIB, 2 * MIB},  /* straddles the limit */
        {4 * GIB + 16 * MIB, 1 * MIB},  /* entirely past the limit */
    };

    /*
     * Rounded outward, each removes these available frames:
     *   kernel image [0x100800, 0x180400)        0x100..0x180        129
     *   [0x9E800, 0xA0800) over R1's end          0x9E                1
     *   [4 GiB - 4 KiB, 4 GiB + 6 KiB) R3's start 0x100000, 0x100001  2
     *   [0x180000, 0x181001) overlaps the kernel  0x181               1
     *   one byte at 32 MiB + 0x123                0x2000              1
     *   zero length; a range in a hole            nothing
     * 134 frames, leaving 20250.
     */
    static const struct range std_reserved[] = {
        {0x100800, 0x180400 - 0x100800},
        {0x9E800, 0x2000},
        {4 * GIB - 4 * KIB, 10 * KIB},
        {0x180000, 0x1001},
        {32 * MIB + 0x123, 1},
        {40 * MIB, 0},
        {200 * MIB, 1 * MIB},
    };
    struct fixture *fx = fixture_new(STD_LIMIT);

    fixture_load(fx, std_regions, sizeof(std_regions) / sizeof(std_regions[0]), std_reserved,
                 sizeof(std_reserved) / sizeof(std_reserved[0]));
    assert_int_equal(fx->model_total, STD_TOTAL);
    return fx;
}

#endif
