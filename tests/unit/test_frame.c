/*
 * Unit tests for the physical frame allocator (kernel/mm/frame.h).
 *
 *   gcc ... tests/unit/test_frame.c kernel/mm/frame.c -lcmocka
 *
 * Each allocator gets its bitmaps from the host's malloc, poisoned before
 * frame_allocator_init and followed by guard bytes. Most tests compare the
 * allocator with a model: one byte per frame saying whether the frame should
 * be available, computed here independently (in 128-bit arithmetic, so the
 * model itself cannot overflow) from the same regions and reservations.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "rng.h"

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

static struct fixture *fixture_new(uint64_t limit)
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

static void assert_guard_intact(const struct fixture *fx)
{
    for (size_t i = 0; i < GUARD; i++)
        assert_int_equal(fx->storage[fx->bytes + i], GUARD_BYTE);
}

static void fixture_free(struct fixture *fx)
{
    assert_guard_intact(fx);
    free(fx->avail);
    free(fx->storage);
    free(fx);
}

typedef unsigned __int128 u128;

static uint64_t clamp_frames(u128 frame, uint64_t frames)
{
    return frame > frames ? frames : (uint64_t)frame;
}

/*
 * Frame 0 is never available: its address is 0, which frame_alloc returns
 * for "nothing left", so handing it out could not be told from failure.
 */
static void model_add(struct fixture *fx, struct range r)
{
    u128 start = ((u128)r.base + FRAME_SIZE - 1) / FRAME_SIZE;
    u128 end = ((u128)r.base + r.length) / FRAME_SIZE;
    uint64_t first = clamp_frames(start, fx->frames);
    uint64_t last = clamp_frames(end, fx->frames);

    for (uint64_t f = first < 1 ? 1 : first; f < last; f++)
        fx->avail[f] = 1;
}

static void model_reserve(struct fixture *fx, struct range r)
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

static void model_recount(struct fixture *fx)
{
    fx->model_total = 0;
    for (uint64_t f = 0; f < fx->frames; f++)
        fx->model_total += fx->avail[f];
}

/* Adds every region, then reserves every range, like mm_init does. */
static void fixture_load(struct fixture *fx, const struct range *regions, size_t nregions,
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
static uint64_t assert_valid_frame(const struct fixture *fx, uint64_t phys)
{
    assert_int_not_equal(phys, 0);
    assert_int_equal(phys % FRAME_SIZE, 0);
    assert_true(phys < fx->limit);
    assert_int_equal(fx->avail[phys / FRAME_SIZE], 1);
    return phys / FRAME_SIZE;
}

/* Every frame of a run is one the allocator may hand out. */
static void assert_run_valid(const struct fixture *fx, uint64_t base, uint64_t count)
{
    assert_valid_frame(fx, base);
    for (uint64_t i = 0; i < count; i++)
        assert_valid_frame(fx, base + i * FRAME_SIZE);
}

/*
 * Allocates with frame_alloc until it returns 0, checking every frame is
 * valid and new. Returns how many there were; seen[] marks them.
 */
static uint64_t alloc_all(struct fixture *fx, uint8_t *seen)
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

#define STD_TOTAL 20250

static struct fixture *std_fixture(void)
{
    struct fixture *fx = fixture_new(STD_LIMIT);

    fixture_load(fx, std_regions, sizeof(std_regions) / sizeof(std_regions[0]), std_reserved,
                 sizeof(std_reserved) / sizeof(std_reserved[0]));
    assert_int_equal(fx->model_total, STD_TOTAL);
    return fx;
}

/* ---- sizing and initialisation -------------------------------------------- */

static void test_bitmap_bytes_for_various_limits(void **state)
{
    (void)state;
    /* Two bitmaps, each a whole number of 64-bit words of one bit per frame. */
    assert_int_equal(frame_bitmap_bytes(0), 0);
    assert_int_equal(frame_bitmap_bytes(FRAME_SIZE - 1), 0);
    assert_int_equal(frame_bitmap_bytes(FRAME_SIZE), 2 * 8);
    assert_int_equal(frame_bitmap_bytes(64 * FRAME_SIZE), 2 * 8);
    assert_int_equal(frame_bitmap_bytes(64 * FRAME_SIZE + FRAME_SIZE), 2 * 16);
    assert_int_equal(frame_bitmap_bytes(128 * FRAME_SIZE), 2 * 16);
    assert_int_equal(frame_bitmap_bytes(1 * MIB), 2 * 32);
    assert_int_equal(frame_bitmap_bytes(4 * GIB), 2 * 128 * KIB);
    assert_int_equal(frame_bitmap_bytes(STD_LIMIT), 2 * (4 * GIB + 16 * MIB) / FRAME_SIZE / 8);
    /* 64 KiB per GiB, as frame.c promises. */
    assert_int_equal(frame_bitmap_bytes(64 * GIB), 64 * 64 * KIB);
}

static void test_init_clears_poisoned_storage(void **state)
{
    struct fixture *fx = fixture_new(100 * FRAME_SIZE + 123);

    (void)state;
    assert_int_equal(fx->fa.frame_count, 100);
    assert_counts(&fx->fa, 0, 0);
    for (size_t i = 0; i < fx->bytes; i++)
        assert_int_equal(fx->storage[i], 0);
    assert_int_equal(frame_alloc(&fx->fa), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 1), 0);
    assert_int_equal(frame_free(&fx->fa, 5 * FRAME_SIZE, 1), -EINVAL);
    assert_counts(&fx->fa, 0, 0);
    fixture_free(fx);
}

/* ---- regions and reservations --------------------------------------------- */

static void test_standard_map_counts_exact(void **state)
{
    struct fixture *fx = std_fixture();

    (void)state;
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL);
    fixture_free(fx);
}

static void test_unaligned_region_shrinks_inward(void **state)
{
    struct fixture *fx = fixture_new(64 * FRAME_SIZE);
    uint8_t seen[64] = {0};

    (void)state;
    /* [0x1800, 0x3800) holds only the whole frame [0x2000, 0x3000). */
    fixture_load(fx, &(struct range){0x1800, 0x2000}, 1, NULL, 0);
    assert_counts(&fx->fa, 1, 1);
    assert_int_equal(frame_alloc(&fx->fa), 0x2000);
    assert_int_equal(frame_alloc(&fx->fa), 0);

    /* Less than a frame, or two partial frames: nothing. */
    frame_add_region(&fx->fa, 0x5001, 0xFFE);
    frame_add_region(&fx->fa, 0x8800, 0x1000);
    frame_add_region(&fx->fa, 0xA000, 0);
    frame_add_region(&fx->fa, 0xB000, 0xFFF);
    assert_counts(&fx->fa, 1, 0);

    /* Ending one byte short of a frame drops that frame only. */
    fixture_load(fx, &(struct range){0x10000, 0x3FFF}, 1, NULL, 0);
    assert_counts(&fx->fa, 4, 3);
    assert_int_equal(alloc_all(fx, seen), 3);
    assert_int_equal(seen[0x10] + seen[0x11] + seen[0x12], 3);
    fixture_free(fx);
}

static void test_overlapping_regions_count_once(void **state)
{
    struct fixture *fx = fixture_new(1 * MIB);
    uint8_t seen[256] = {0};
    static const struct range regions[] = {
        {0x10000, 0x10000}, {0x10000, 0x10000}, {0x18000, 0x10000},
        {0x8000, 0x9000},   {0x14000, 0x1000},  {0x10800, 0x20000},
    };

    (void)state;
    /* Union: [0x8000, 0x30800) -> frames 0x8..0x2F, 40 frames. */
    fixture_load(fx, regions, sizeof(regions) / sizeof(regions[0]), NULL, 0);
    assert_int_equal(fx->model_total, 40);
    assert_counts(&fx->fa, 40, 40);
    assert_int_equal(alloc_all(fx, seen), 40);
    /* Adding a region over allocated frames must not make them free again. */
    frame_add_region(&fx->fa, 0, 1 * MIB / 2);
    assert_counts(&fx->fa, 127, 87);
    fixture_free(fx);
}

static void test_region_clamped_to_limit(void **state)
{
    struct fixture *fx = fixture_new(100 * FRAME_SIZE);
    uint8_t seen[100] = {0};

    (void)state;
    fixture_load(fx, &(struct range){90 * FRAME_SIZE, 1 * MIB}, 1, NULL, 0);
    fixture_load(fx, &(struct range){200 * FRAME_SIZE, 1 * MIB}, 1, NULL, 0);
    assert_counts(&fx->fa, 10, 10);
    assert_int_equal(alloc_all(fx, seen), 10);
    for (int f = 90; f < 100; f++)
        assert_int_equal(seen[f], 1);
    fixture_free(fx);
}

static void test_region_wrapping_past_top_is_clamped(void **state)
{
    struct fixture *fx = fixture_new(64 * FRAME_SIZE + 5 * FRAME_SIZE);

    (void)state;
    /* base + length wraps around 2^64: everything from base up to the limit. */
    fixture_load(fx, &(struct range){0x10000, UINT64_MAX}, 1, NULL, 0);
    assert_int_equal(fx->model_total, 69 - 16);
    assert_counts(&fx->fa, 69 - 16, 69 - 16);
    fixture_free(fx);
}

static void test_region_at_top_of_address_space_adds_nothing(void **state)
{
    struct fixture *fx = fixture_new(64 * FRAME_SIZE);

    (void)state;
    /* Rounding this base up to a frame boundary overflows 64 bits. */
    frame_add_region(&fx->fa, UINT64_MAX - 0xFFE, 0xFFE);
    frame_add_region(&fx->fa, UINT64_MAX - 0x7FF, UINT64_MAX);
    frame_add_region(&fx->fa, UINT64_MAX, 1);
    assert_counts(&fx->fa, 0, 0);
    assert_int_equal(frame_alloc(&fx->fa), 0);
    fixture_free(fx);
}

static void test_frame_zero_never_handed_out(void **state)
{
    struct fixture *fx = fixture_new(16 * FRAME_SIZE);
    uint8_t seen[16] = {0};

    (void)state;
    /* 0 is frame_alloc's "none left", so physical frame 0 cannot be a result. */
    fixture_load(fx, &(struct range){0, 16 * FRAME_SIZE}, 1, NULL, 0);
    assert_counts(&fx->fa, 15, 15);
    assert_int_equal(alloc_all(fx, seen), 15);
    assert_counts(&fx->fa, 15, 0);
    assert_int_equal(frame_free(&fx->fa, 0, 1), -EINVAL);
    for (uint64_t f = 1; f < 16; f++)
        assert_int_equal(frame_free(&fx->fa, f * FRAME_SIZE, 1), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 15), FRAME_SIZE);
    assert_int_equal(frame_free(&fx->fa, 0, 16), -EINVAL);
    assert_int_equal(frame_free(&fx->fa, FRAME_SIZE, 15), 0);
    assert_counts(&fx->fa, 15, 15);
    fixture_free(fx);
}

static void test_reserve_rounds_outward(void **state)
{
    struct fixture *fx = fixture_new(64 * FRAME_SIZE);
    uint8_t seen[64] = {0};
    static const struct range reserved[] = {
        {0x12FFF, 2},      /* touches frames 0x12 and 0x13 */
        {0x18001, 0xFFF},  /* exactly the rest of frame 0x18 */
        {0xF800, 0x1000},  /* frame 0xF (a hole) and 0x10, the region's first */
        {0x1F800, 0x4000}, /* the region's last frame and beyond */
    };

    (void)state;
    fixture_load(fx, &(struct range){0x10000, 0x10000}, 1, reserved,
                 sizeof(reserved) / sizeof(reserved[0]));
    assert_int_equal(fx->model_total, 11);
    assert_counts(&fx->fa, 11, 11);
    assert_int_equal(alloc_all(fx, seen), 11);
    static const int gone[] = {0x10, 0x12, 0x13, 0x18, 0x1F};
    for (size_t i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
        assert_int_equal(seen[gone[i]], 0);
    fixture_free(fx);
}

static void test_reserve_wrapping_past_top_withdraws_to_limit(void **state)
{
    struct fixture *fx = fixture_new(64 * FRAME_SIZE);

    (void)state;
    fixture_load(fx, &(struct range){0x1000, 63 * FRAME_SIZE}, 1, NULL, 0);
    assert_counts(&fx->fa, 63, 63);
    /* base + length wraps around 2^64: every frame from base up goes. */
    frame_reserve(&fx->fa, 0x5000, UINT64_MAX);
    assert_counts(&fx->fa, 4, 4);
    frame_reserve(&fx->fa, 0x2800, UINT64_MAX - 0x1000);
    assert_counts(&fx->fa, 1, 1);
    assert_int_equal(frame_alloc(&fx->fa), 0x1000);
    assert_int_equal(frame_alloc(&fx->fa), 0);
    fixture_free(fx);
}

static void test_reserve_allocated_frame_withdraws_it(void **state)
{
    struct fixture *fx = fixture_new(64 * FRAME_SIZE);

    (void)state;
    fixture_load(fx, &(struct range){0x10000, 0x4000}, 1, NULL, 0);
    uint64_t a = frame_alloc(&fx->fa);
    uint64_t b = frame_alloc(&fx->fa);
    assert_int_not_equal(a, 0);
    assert_int_not_equal(b, 0);
    assert_counts(&fx->fa, 4, 2);
    /* Reserving an allocated frame: total drops, free does not. */
    frame_reserve(&fx->fa, a, 1);
    assert_counts(&fx->fa, 3, 2);
    assert_int_equal(frame_free(&fx->fa, a, 1), -EINVAL);
    assert_counts(&fx->fa, 3, 2);
    /* Reserving a free frame: both drop. Reserving it again: nothing. */
    uint64_t c = frame_alloc(&fx->fa);
    assert_int_not_equal(c, 0);
    uint64_t d = frame_alloc(&fx->fa);
    assert_int_not_equal(d, 0);
    assert_int_equal(frame_free(&fx->fa, d, 1), 0);
    frame_reserve(&fx->fa, d, FRAME_SIZE);
    frame_reserve(&fx->fa, d, FRAME_SIZE);
    assert_counts(&fx->fa, 2, 0);
    assert_int_equal(frame_alloc(&fx->fa), 0);
    assert_int_equal(frame_free(&fx->fa, b, 1), 0);
    assert_int_equal(frame_free(&fx->fa, c, 1), 0);
    assert_counts(&fx->fa, 2, 2);
    fixture_free(fx);
}

/* ---- allocation and freeing ----------------------------------------------- */

static void test_alloc_all_distinct_within_usable(void **state)
{
    struct fixture *fx = std_fixture();
    uint8_t *seen = calloc(fx->frames, 1);

    (void)state;
    assert_non_null(seen);
    assert_int_equal(alloc_all(fx, seen), STD_TOTAL);
    assert_counts(&fx->fa, STD_TOTAL, 0);
    /* Every frame the model allows was handed out, nothing else. */
    assert_memory_equal(seen, fx->avail, fx->frames);
    assert_int_equal(frame_alloc(&fx->fa), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 1), 0);
    assert_counts(&fx->fa, STD_TOTAL, 0);
    free(seen);
    fixture_free(fx);
}

static void test_free_then_realloc_returns_freed_frames(void **state)
{
    struct fixture *fx = std_fixture();
    uint8_t *seen = calloc(fx->frames, 1);
    /* Low, high, above 4 GiB and the last frame below the limit. */
    static const uint64_t picks[] = {0x5000, 0x3FFF000, 0x100800000, STD_LIMIT - FRAME_SIZE};
    const size_t npicks = sizeof(picks) / sizeof(picks[0]);

    (void)state;
    assert_non_null(seen);
    assert_int_equal(alloc_all(fx, seen), STD_TOTAL);
    for (size_t i = 0; i < npicks; i++) {
        assert_int_equal(frame_free(&fx->fa, picks[i], 1), 0);
        assert_counts(&fx->fa, STD_TOTAL, 1);
        /* The only free frame, wherever the next-fit search starts. */
        assert_int_equal(frame_alloc(&fx->fa), picks[i]);
        assert_int_equal(frame_alloc(&fx->fa), 0);
    }
    for (size_t i = 0; i < npicks; i++)
        assert_int_equal(frame_free(&fx->fa, picks[i], 1), 0);
    assert_counts(&fx->fa, STD_TOTAL, npicks);
    uint8_t got[4] = {0};
    for (size_t i = 0; i < npicks; i++) {
        uint64_t phys = frame_alloc(&fx->fa);
        size_t j = 0;
        while (j < npicks && picks[j] != phys)
            j++;
        assert_true(j < npicks);
        assert_int_equal(got[j], 0);
        got[j] = 1;
    }
    assert_int_equal(frame_alloc(&fx->fa), 0);
    free(seen);
    fixture_free(fx);
}

/* Asserts that freeing is refused and changes nothing. */
static void assert_free_rejected(struct fixture *fx, uint64_t phys, uint64_t count)
{
    uint64_t total = fx->fa.total, free_frames = fx->fa.free;

    assert_int_equal(frame_free(&fx->fa, phys, count), -EINVAL);
    assert_counts(&fx->fa, total, free_frames);
}

static void test_free_rejects_invalid_frames(void **state)
{
    struct fixture *fx = std_fixture();
    uint8_t *seen = calloc(fx->frames, 1);

    (void)state;
    assert_non_null(seen);
    uint64_t a = frame_alloc(&fx->fa);
    uint64_t b = frame_alloc(&fx->fa);
    assert_valid_frame(fx, a);
    assert_valid_frame(fx, b);

    /* Count 0 and unaligned addresses. */
    assert_free_rejected(fx, a, 0);
    assert_free_rejected(fx, a + 1, 1);
    assert_free_rejected(fx, a + FRAME_SIZE / 2, 1);
    assert_free_rejected(fx, a + FRAME_SIZE - 1, 1);

    /* Double free. */
    assert_int_equal(frame_free(&fx->fa, a, 1), 0);
    assert_free_rejected(fx, a, 1);

    /* Free but never allocated. */
    assert_free_rejected(fx, 0x3000000, 1);

    /* Reserved, in a hole, at and beyond the limit. */
    assert_free_rejected(fx, 0x100000, 1);  /* kernel image */
    assert_free_rejected(fx, 0x9E000, 1);   /* reserved over R1's end */
    assert_free_rejected(fx, 0x2000000, 1); /* the one-byte reservation */
    assert_free_rejected(fx, 0, 1);
    assert_free_rejected(fx, 0xA0000, 1);
    assert_free_rejected(fx, 0x6000000, 1);
    assert_free_rejected(fx, 80 * MIB, 1); /* cut from an unaligned region */
    assert_free_rejected(fx, 4 * GIB - FRAME_SIZE, 1);
    assert_free_rejected(fx, STD_LIMIT, 1);
    assert_free_rejected(fx, STD_LIMIT + 16 * MIB, 1);
    assert_free_rejected(fx, UINT64_MAX - FRAME_SIZE + 1, 1);

    /* Counts running past the limit or wrapping around. */
    assert_free_rejected(fx, b, UINT64_MAX);
    assert_free_rejected(fx, b, fx->frames);
    assert_free_rejected(fx, b, UINT64_MAX / FRAME_SIZE + 1);

    /* All the above left b allocated. */
    assert_int_equal(frame_free(&fx->fa, b, 1), 0);
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL);

    /* Once everything is allocated, the end of memory and above 4 GiB too. */
    assert_int_equal(alloc_all(fx, seen), STD_TOTAL);
    uint64_t last = STD_LIMIT - FRAME_SIZE;
    assert_free_rejected(fx, last, 2);
    assert_int_equal(frame_free(&fx->fa, last, 1), 0);
    assert_free_rejected(fx, last, 1);
    assert_free_rejected(fx, 4 * GIB + 2 * FRAME_SIZE, 0);
    assert_free_rejected(fx, 4 * GIB + FRAME_SIZE, 2); /* starts on a reserved frame */
    assert_int_equal(frame_free(&fx->fa, 4 * GIB + 2 * FRAME_SIZE, 4), 0);
    assert_counts(&fx->fa, STD_TOTAL, 5);
    free(seen);
    fixture_free(fx);
}

static void test_multi_frame_free_with_one_unallocated_frees_nothing(void **state)
{
    struct fixture *fx = std_fixture();

    (void)state;
    /* A run with free frames on both sides of it. */
    uint64_t spacer = frame_alloc_contiguous(&fx->fa, 3);
    uint64_t base = frame_alloc_contiguous(&fx->fa, 8);
    assert_run_valid(fx, spacer, 3);
    assert_run_valid(fx, base, 8);
    assert_int_equal(frame_free(&fx->fa, spacer, 3), 0);
    assert_int_equal(fx->avail[base / FRAME_SIZE - 1], 1);
    assert_int_equal(fx->avail[base / FRAME_SIZE + 8], 1);
    assert_free_rejected(fx, base - FRAME_SIZE, 1);
    assert_free_rejected(fx, base + 8 * FRAME_SIZE, 1);
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL - 8);
    assert_int_equal(frame_free(&fx->fa, base + 4 * FRAME_SIZE, 1), 0);
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL - 7);

    assert_free_rejected(fx, base, 8);
    assert_free_rejected(fx, base + 3 * FRAME_SIZE, 2);
    assert_free_rejected(fx, base + 4 * FRAME_SIZE, 4);
    /* The run one frame too long, at either end. */
    assert_free_rejected(fx, base - FRAME_SIZE, 5);
    assert_free_rejected(fx, base + 5 * FRAME_SIZE, 4);

    /* Nothing was freed: each remaining frame frees exactly once. */
    for (uint64_t i = 0; i < 8; i++) {
        if (i == 4)
            continue;
        assert_int_equal(frame_free(&fx->fa, base + i * FRAME_SIZE, 1), 0);
        assert_free_rejected(fx, base + i * FRAME_SIZE, 1);
    }
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL);

    /* A run including a reserved frame frees nothing either. */
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 157), 0x1000); /* all of R1: 0x1..0x9D */
    assert_free_rejected(fx, 0x9D000, 2);                           /* 0x9E is reserved */
    assert_free_rejected(fx, 0x1000, 158);
    assert_int_equal(frame_free(&fx->fa, 0x1000, 157), 0);
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL);
    fixture_free(fx);
}

/* ---- contiguous runs ------------------------------------------------------ */

static void test_contiguous_respects_holes_and_reservations(void **state)
{
    struct fixture *fx = std_fixture();

    (void)state;
    /*
     * Free runs after the reservations:
     *   0x1..0x9D           157
     *   0x182..0x1FFF       7806
     *   0x2001..0x3FFF      8191
     *   0x5001..0x5002      2
     *   0x100002..0x100FFF  4094
     * The total free is far larger than any run.
     */
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 8192), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, STD_TOTAL), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, STD_TOTAL + 1), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, UINT64_MAX), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 0), 0);
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL);

    assert_int_equal(frame_alloc_contiguous(&fx->fa, 8191), 0x2001000);
    assert_run_valid(fx, 0x2001000, 8191);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 7807), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 7806), 0x182000);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 4095), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 4094), 0x100002000);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 158), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 157), 0x1000);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 3), 0);
    assert_counts(&fx->fa, STD_TOTAL, 2);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 2), 0x5001000);
    assert_counts(&fx->fa, STD_TOTAL, 0);
    assert_int_equal(frame_alloc(&fx->fa), 0);

    /* Frees back: each run, whole, and the same run is found again. */
    assert_int_equal(frame_free(&fx->fa, 0x2001000, 8191), 0);
    assert_counts(&fx->fa, STD_TOTAL, 8191);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 8191), 0x2001000);
    assert_int_equal(frame_free(&fx->fa, 0x2001000, 8191), 0);
    assert_int_equal(frame_free(&fx->fa, 0x182000, 7806), 0);
    assert_int_equal(frame_free(&fx->fa, 0x100002000, 4094), 0);
    assert_int_equal(frame_free(&fx->fa, 0x1000, 157), 0);
    assert_int_equal(frame_free(&fx->fa, 0x5001000, 2), 0);
    assert_counts(&fx->fa, STD_TOTAL, STD_TOTAL);
    fixture_free(fx);
}

static void test_contiguous_skips_allocated_frames(void **state)
{
    struct fixture *fx = fixture_new(256 * FRAME_SIZE);

    (void)state;
    /* Frames 0x3C..0x4B cross a bitmap word boundary at 0x40. */
    fixture_load(fx, &(struct range){0x3C * FRAME_SIZE, 16 * FRAME_SIZE}, 1, NULL, 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 16), 0x3C000);
    assert_int_equal(frame_free(&fx->fa, 0x3C000, 16), 0);

    /* Pin frame 0x41 with a single allocation; free the rest. */
    uint8_t seen[256] = {0};
    assert_int_equal(alloc_all(fx, seen), 16);
    for (uint64_t f = 0x3C; f < 0x4C; f++)
        if (f != 0x41)
            assert_int_equal(frame_free(&fx->fa, f * FRAME_SIZE, 1), 0);
    assert_counts(&fx->fa, 16, 15);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 11), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 10), 0x42000);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 6), 0);
    assert_int_equal(frame_alloc_contiguous(&fx->fa, 5), 0x3C000);
    assert_counts(&fx->fa, 16, 0);
    /* Single allocations never hand out frames of a run. */
    assert_int_equal(frame_alloc(&fx->fa), 0);
    assert_int_equal(frame_free(&fx->fa, 0x3C000, 5), 0);
    assert_int_equal(frame_free(&fx->fa, 0x41000, 1), 0);
    assert_int_equal(frame_free(&fx->fa, 0x42000, 10), 0);
    assert_counts(&fx->fa, 16, 16);
    fixture_free(fx);
}

/* ---- random stress -------------------------------------------------------- */

struct block {
    uint64_t frame;
    uint64_t count;
};

/* True when the model has count consecutive available, unowned frames. */
static int model_has_run(const struct fixture *fx, const uint8_t *owned, uint64_t count)
{
    uint64_t run = 0;

    for (uint64_t f = 0; f < fx->frames; f++) {
        run = fx->avail[f] && !owned[f] ? run + 1 : 0;
        if (run == count)
            return 1;
    }
    return 0;
}

static void test_random_stress_against_model(void **state)
{
    /* 16 MiB with low memory, a kernel, scattered unaligned reservations. */
    static const struct range regions[] = {
        {0x1000, 0x9F000 - 0x1000},
        {1 * MIB, 15 * MIB},
        {3 * MIB, 2 * MIB + 0x800},
    };
    static const struct range reserved[] = {
        {1 * MIB + 0x200, 300 * KIB}, {5 * MIB - 0x10, 0x20}, {8 * MIB + 100, 5000},
        {12 * MIB, 64 * KIB},         {0x7F00, 0x300},
    };
    struct fixture *fx = fixture_new(16 * MIB);
    fixture_load(fx, regions, 3, reserved, 5);
    uint8_t *owned = calloc(fx->frames, 1);
    struct block *blocks = calloc(fx->model_total, sizeof(*blocks));
    size_t nblocks = 0;
    uint64_t allocated = 0;
    const uint64_t total = fx->model_total;

    (void)state;
    assert_non_null(owned);
    assert_non_null(blocks);
    assert_counts(&fx->fa, total, total);
    rng_seed(0x9E3779B97F4A7C15ULL);

    for (int op = 0; op < 100000; op++) {
        uint64_t roll = rng_below(100);
        /* Phases that fill memory up and drain it again. */
        int filling = (op / 5000) % 2 == 0;

        if (roll < (filling ? 55u : 30u)) {
            uint64_t phys = frame_alloc(&fx->fa);
            if (allocated == total) {
                assert_int_equal(phys, 0);
            } else {
                uint64_t f = assert_valid_frame(fx, phys);
                assert_int_equal(owned[f], 0);
                owned[f] = 1;
                blocks[nblocks++] = (struct block){f, 1};
                allocated++;
            }
        } else if (roll < (filling ? 65u : 40u)) {
            uint64_t count = 1 + rng_below(24);
            uint64_t phys = frame_alloc_contiguous(&fx->fa, count);
            if (phys == 0) {
                assert_false(model_has_run(fx, owned, count));
            } else {
                uint64_t f = assert_valid_frame(fx, phys);
                for (uint64_t i = 0; i < count; i++) {
                    assert_int_equal(fx->avail[f + i], 1);
                    assert_int_equal(owned[f + i], 0);
                    owned[f + i] = 1;
                }
                blocks[nblocks++] = (struct block){f, count};
                allocated += count;
            }
        } else if (roll < 95 && nblocks > 0) {
            size_t i = rng_below(nblocks);
            struct block *b = &blocks[i];
            /* Free a whole block, or just its first frame. */
            uint64_t count = rng_below(4) == 0 ? 1 : b->count;
            assert_int_equal(frame_free(&fx->fa, b->frame * FRAME_SIZE, count), 0);
            for (uint64_t j = 0; j < count; j++)
                owned[b->frame + j] = 0;
            allocated -= count;
            b->frame += count;
            b->count -= count;
            if (b->count == 0)
                *b = blocks[--nblocks];
        } else {
            /* A free of something not allocated must be refused. */
            uint64_t f = rng_below(fx->frames);
            uint64_t count = 1 + rng_below(3);
            int all_owned = 1;
            for (uint64_t j = 0; j < count; j++)
                if (f + j >= fx->frames || !owned[f + j])
                    all_owned = 0;
            if (!all_owned)
                assert_free_rejected(fx, f * FRAME_SIZE, count);
        }
        assert_counts(&fx->fa, total, total - allocated);
    }

    while (nblocks > 0) {
        struct block b = blocks[--nblocks];
        assert_int_equal(frame_free(&fx->fa, b.frame * FRAME_SIZE, b.count), 0);
    }
    assert_counts(&fx->fa, total, total);
    memset(owned, 0, fx->frames);
    assert_int_equal(alloc_all(fx, owned), total);
    assert_memory_equal(owned, fx->avail, fx->frames);
    free(blocks);
    free(owned);
    fixture_free(fx);
}

/* ---- independence --------------------------------------------------------- */

static void test_two_allocators_independent(void **state)
{
    /* Adjacent storage in one block, so an overrun of one would hit the other. */
    const uint64_t limit_a = 1 * MIB, limit_b = 2 * MIB;
    size_t bytes_a = frame_bitmap_bytes(limit_a), bytes_b = frame_bitmap_bytes(limit_b);
    uint8_t *block = malloc(bytes_a + bytes_b);
    struct frame_allocator a, b;
    uint8_t seen_a[256] = {0}, seen_b[512] = {0};

    (void)state;
    assert_non_null(block);
    memset(block, POISON, bytes_a + bytes_b);
    frame_allocator_init(&a, block, limit_a);
    frame_allocator_init(&b, block + bytes_a, limit_b);
    /* The same physical frames 0x10..0x7F belong to both. */
    frame_add_region(&a, 64 * KIB, 448 * KIB);          /* frames 0x10..0x7F */
    frame_add_region(&b, 64 * KIB, 2 * MIB - 64 * KIB); /* frames 0x10..0x1FF */
    frame_reserve(&b, 1 * MIB, 64 * KIB);               /* frames 0x100..0x10F */
    assert_counts(&a, 112, 112);
    assert_counts(&b, 480, 480);

    for (int i = 0; i < 112; i++) {
        uint64_t phys = frame_alloc(&a);
        assert_true(phys >= 64 * KIB && phys < 512 * KIB);
        assert_int_equal(seen_a[phys / FRAME_SIZE], 0);
        seen_a[phys / FRAME_SIZE] = 1;
    }
    assert_int_equal(frame_alloc(&a), 0);
    assert_counts(&a, 112, 0);
    assert_counts(&b, 480, 480);

    /* Allocated in a is not allocated in b. */
    assert_int_equal(frame_free(&b, 64 * KIB, 1), -EINVAL);
    for (int i = 0; i < 480; i++) {
        uint64_t phys = frame_alloc(&b);
        assert_true(phys >= 64 * KIB && phys < 2 * MIB);
        assert_false(phys >= 1 * MIB && phys < 1 * MIB + 64 * KIB);
        assert_int_equal(seen_b[phys / FRAME_SIZE], 0);
        seen_b[phys / FRAME_SIZE] = 1;
    }
    assert_int_equal(frame_alloc(&b), 0);
    assert_counts(&a, 112, 0);
    assert_counts(&b, 480, 0);

    /* Freeing everything in b leaves a's frames allocated in a. */
    assert_int_equal(frame_free(&b, 64 * KIB, 240), 0);           /* 0x10..0xFF */
    assert_int_equal(frame_free(&b, 1 * MIB + 64 * KIB, 240), 0); /* 0x110..0x1FF */
    assert_counts(&b, 480, 480);
    assert_counts(&a, 112, 0);
    assert_int_equal(frame_free(&a, 1 * MIB + 64 * KIB, 1), -EINVAL);
    assert_int_equal(frame_free(&a, 64 * KIB, 448 * KIB / FRAME_SIZE), 0);
    assert_int_equal(frame_free(&a, 64 * KIB, 1), -EINVAL);
    assert_counts(&a, 112, 112);
    assert_counts(&b, 480, 480);
    free(block);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitmap_bytes_for_various_limits),
        cmocka_unit_test(test_init_clears_poisoned_storage),
        cmocka_unit_test(test_standard_map_counts_exact),
        cmocka_unit_test(test_unaligned_region_shrinks_inward),
        cmocka_unit_test(test_overlapping_regions_count_once),
        cmocka_unit_test(test_region_clamped_to_limit),
        cmocka_unit_test(test_region_wrapping_past_top_is_clamped),
        cmocka_unit_test(test_region_at_top_of_address_space_adds_nothing),
        cmocka_unit_test(test_frame_zero_never_handed_out),
        cmocka_unit_test(test_reserve_rounds_outward),
        cmocka_unit_test(test_reserve_wrapping_past_top_withdraws_to_limit),
        cmocka_unit_test(test_reserve_allocated_frame_withdraws_it),
        cmocka_unit_test(test_alloc_all_distinct_within_usable),
        cmocka_unit_test(test_free_then_realloc_returns_freed_frames),
        cmocka_unit_test(test_free_rejects_invalid_frames),
        cmocka_unit_test(test_multi_frame_free_with_one_unallocated_frees_nothing),
        cmocka_unit_test(test_contiguous_respects_holes_and_reservations),
        cmocka_unit_test(test_contiguous_skips_allocated_frames),
        cmocka_unit_test(test_random_stress_against_model),
        cmocka_unit_test(test_two_allocators_independent),
    };

    return cmocka_run_group_tests_name("frame allocator", tests, NULL, NULL);
}
