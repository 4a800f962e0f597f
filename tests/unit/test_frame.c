/*
 * Unit tests for the physical frame allocator (kernel/mm/frame.h): sizing,
 * regions and reservations, allocation and freeing, rejected frees.
 * Contiguous runs, random stress and independence are in test_frame_stress.c;
 * the fixture and the model are in frame_fixture.h.
 *
 *   gcc ... tests/unit/test_frame.c kernel/mm/frame.c -lcmocka
 */
#include "frame_fixture.h"

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
    };

    return cmocka_run_group_tests_name("frame allocator", tests, NULL, NULL);
}
