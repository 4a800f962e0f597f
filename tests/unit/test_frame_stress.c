/*
 * Unit tests for the physical frame allocator (kernel/mm/frame.h): contiguous
 * runs, a long random workload checked against the model, and two allocators
 * side by side. The fixture and the model are in frame_fixture.h.
 *
 *   gcc ... tests/unit/test_frame_stress.c kernel/mm/frame.c -lcmocka
 */
#include "frame_fixture.h"
#include "rng.h"

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
        cmocka_unit_test(test_contiguous_respects_holes_and_reservations),
        cmocka_unit_test(test_contiguous_skips_allocated_frames),
        cmocka_unit_test(test_random_stress_against_model),
        cmocka_unit_test(test_two_allocators_independent),
    };

    return cmocka_run_group_tests_name("frame allocator: stress", tests, NULL, NULL);
}
