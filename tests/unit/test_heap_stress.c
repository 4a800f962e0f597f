/*
 * Unit tests for the heap interface (kernel/mm/heap.h) under long random
 * workloads: every block checked for alignment, bounds, overlap and intact
 * contents, the stats kept consistent, and the heap exactly as heap_init left
 * it once everything is freed. The shared fixture is in heap_fixture.h.
 *
 * The same source is built once against each implementation:
 *   gcc ... tests/unit/test_heap_stress.c kernel/mm/heap_buddy.c    -lcmocka
 *   gcc ... tests/unit/test_heap_stress.c kernel/mm/heap_firstfit.c -lcmocka
 */
#include "heap_fixture.h"

/* ---- helpers ------------------------------------------------------------ */

/*
 * The size of a region at base whose heap manages exactly want bytes, or 0.
 * The managed size only grows with the region, so a binary search finds it.
 */
static size_t region_size_for_total(uint8_t *base, size_t want, size_t limit)
{
    size_t low = 0, high = limit;

    while (low < high) {
        size_t mid = low + (high - low) / 2;
        struct heap *heap = heap_init(base, mid);

        if (heap && stats_of(heap).total >= want)
            high = mid;
        else
            low = mid + 1;
    }
    struct heap *heap = heap_init(base, low);

    return heap && stats_of(heap).total == want ? low : 0;
}

/* Mostly small requests, some of a few KiB, now and then a large one. */
static size_t random_request_size(void)
{
    unsigned kind = (unsigned)rng_range(0, 99);

    if (kind < 60)
        return rng_range(1, 256);
    if (kind < 90)
        return rng_range(1, 4 * KIB);
    if (kind < 99)
        return rng_range(4 * KIB + 1, 16 * KIB);
    return rng_range(32 * KIB, 256 * KIB);
}

/*
 * Runs random allocations and frees on a fresh heap, checking everything the
 * interface promises along the way; frees everything at the end and expects
 * the heap to be exactly as heap_init left it.
 */
static void stress(struct heap *heap, const struct region *region, unsigned long ops, uint64_t seed)
{
    struct heap_stats initial = stats_of(heap);
    struct live_set set = live_new(2048);
    size_t failed_allocs = 0;

    rng_seed(seed);
    for (unsigned long op = 1; op <= ops; op++) {
        bool allocate = set.count == 0 || (set.count < set.capacity && rng_range(0, 99) < 55);

        if (allocate) {
            if (!live_alloc(&set, heap, region, random_request_size()))
                failed_allocs++;
        } else {
            live_free(&set, heap, rng_range(0, set.count - 1));
        }
        if (op % 1000 == 0) {
            assert_true(heap_check(heap));
            live_assert_accounted(&set, heap);
        }
        if (op % 20000 == 0)
            live_assert_all_intact(&set);
    }
    /* The region is small enough that the heap must have filled up now and then. */
    assert_true(failed_allocs > 0);
    live_free_all_random(&set, heap);
    assert_true(heap_check(heap));
    struct heap_stats final = stats_of(heap);
    assert_stats_equal(&final, &initial);
    assert_guards_intact(region);
    free(set.blocks);
}

/* ---- tests -------------------------------------------------------------- */

static void test_random_stress_1mib(void **state)
{
    struct region region = region_new(0, MIB);
    struct heap *heap = heap_init(region.base, region.size);

    (void)state;
    assert_fresh(heap, &region);
    stress(heap, &region, 200000, 0x5eed0001);
    region_free(&region);
}

static void test_random_stress_odd_region(void **state)
{
    struct region region = region_new(5, MIB + 77777);
    struct heap *heap = heap_init(region.base, region.size);

    (void)state;
    assert_fresh(heap, &region);
    stress(heap, &region, 200000, 0x5eed0002);
    region_free(&region);
}

/*
 * With a managed area of a power of two, heap_init starts with one free block
 * of the whole area, and after any history that frees everything the free
 * space must have merged back into that one block.
 */
static void test_full_coalescing_power_of_two(void **state)
{
    struct region region = region_new(0, 2 * MIB);
    size_t size = region_size_for_total(region.base, MIB, region.size);
    struct heap *heap;

    (void)state;
    assert_true(size > 0);
    heap = heap_init(region.base, size);
    assert_int_equal(stats_of(heap).free_blocks, 1);
    assert_int_equal(stats_of(heap).largest_free, MIB);
    stress(heap, &region, 100000, 0x5eed0003);
    assert_int_equal(stats_of(heap).free_blocks, 1);
    assert_int_equal(stats_of(heap).largest_free, MIB);
    region_free(&region);
}
/* The same workload on a heap whose bookkeeping is apart from its area. */
static void test_random_stress_split(void **state)
{
    struct region area = region_new(3, MIB + 4321);
    struct region meta = region_new(7, heap_meta_size(area.size));
    struct heap *heap = heap_init_split(meta.base, meta.size, area.base, area.size);

    (void)state;
    assert_non_null(heap);
    assert_fresh(heap, &area);
    stress(heap, &area, 200000, 0x5eed0004);
    assert_true(heap_check(heap));
    assert_guards_intact(&meta);
    region_free(&area);
    region_free(&meta);
}

static void test_two_heaps_independent(void **state)
{
    struct region region_a = region_new(0, 256 * KIB);
    struct region region_b = region_new(13, 200 * KIB + 17);
    struct heap *heap_a = heap_init(region_a.base, region_a.size);
    struct heap *heap_b = heap_init(region_b.base, region_b.size);
    struct heap_stats initial_a = stats_of(heap_a);
    struct heap_stats initial_b = stats_of(heap_b);
    struct live_set set_a = live_new(4 * KIB);
    struct live_set set_b = live_new(4 * KIB);

    (void)state;
    set_b.next_id = 1000000;
    rng_seed(42);
    for (int i = 0; i < 20000; i++) {
        bool on_a = rng_next() & 1;
        struct live_set *set = on_a ? &set_a : &set_b;
        struct heap *heap = on_a ? heap_a : heap_b;

        if (set->count == 0 || rng_range(0, 99) < 55)
            live_alloc(set, heap, on_a ? &region_a : &region_b, rng_range(1, 3 * KIB));
        else
            live_free(set, heap, rng_range(0, set->count - 1));
    }
    assert_true(set_a.count > 0 && set_b.count > 0);

    /* Each heap refuses the other's blocks. */
    assert_free_rejected(heap_a, set_b.blocks[0].ptr);
    assert_free_rejected(heap_b, set_a.blocks[0].ptr);
    assert_true(heap_check(heap_a));
    assert_true(heap_check(heap_b));
    live_assert_accounted(&set_a, heap_a);
    live_assert_accounted(&set_b, heap_b);
    live_assert_all_intact(&set_a);
    live_assert_all_intact(&set_b);

    live_free_all_random(&set_a, heap_a);
    struct heap_stats after_a = stats_of(heap_a);
    assert_stats_equal(&after_a, &initial_a);
    live_assert_all_intact(&set_b);
    live_free_all_random(&set_b, heap_b);
    struct heap_stats after_b = stats_of(heap_b);
    assert_stats_equal(&after_b, &initial_b);
    assert_guards_intact(&region_a);
    assert_guards_intact(&region_b);
    free(set_a.blocks);
    free(set_b.blocks);
    region_free(&region_a);
    region_free(&region_b);
}
int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_random_stress_1mib),
        cmocka_unit_test(test_random_stress_odd_region),
        cmocka_unit_test(test_full_coalescing_power_of_two),
        cmocka_unit_test(test_random_stress_split),
        cmocka_unit_test(test_two_heaps_independent),
    };

    return cmocka_run_group_tests_name(heap_manager_name, tests, NULL, NULL);
}
