/*
 * Unit tests for the heap interface (kernel/mm/heap.h): initialisation (in
 * one region or split), alignment, sizes it refuses, exhaustion, invalid and
 * double frees, coalescing in every free order, heap_check. Random
 * workloads are in test_heap_stress.c, areas written by untrusted code in
 * test_heap_corrupt.c; the shared fixture is in heap_fixture.h.
 *
 * The same source is built once against each implementation:
 *   gcc ... tests/unit/test_heap.c kernel/mm/heap_buddy.c    -lcmocka
 *   gcc ... tests/unit/test_heap.c kernel/mm/heap_firstfit.c -lcmocka
 * so every test here states the interface's promises, not either
 * implementation's layout.
 */
#include "heap_fixture.h"

/* ---- tests -------------------------------------------------------------- */

static void test_init_rejects_impossible_regions(void **state)
{
    struct region region = region_new(0, 64);

    (void)state;
    assert_null(heap_init(NULL, MIB));
    assert_null(heap_init(region.base, 0));
    assert_null(heap_init(region.base, 1));
    /* A region that would wrap around the end of the address space. */
    assert_null(heap_init((void *)(UINTPTR_MAX - 15), 4096));
    assert_guards_intact(&region);
    region_free(&region);
}

/*
 * For every small size at every misalignment: heap_init refuses the region
 * or returns a heap that can hand out a block; once a size works, every
 * larger one does too; nothing is ever written outside the region.
 */
static void test_init_tiny_and_unaligned_regions(void **state)
{
    (void)state;
    for (size_t offset = 0; offset < 2 * HEAP_ALIGN; offset++) {
        bool worked = false;

        for (size_t size = 0; size <= 2 * KIB; size++) {
            struct region region = region_new(offset, size);
            struct heap *heap = heap_init(region.base, size);

            if (heap == NULL) {
                assert_false(worked);
            } else {
                worked = true;
                assert_true(inside_region(&region, heap, 1));
                assert_fresh(heap, &region);
                void *ptr = heap_alloc(heap, 1);
                assert_non_null(ptr);
                assert_true(inside_region(&region, ptr, heap_block_size(heap, ptr)));
                memset(ptr, 0, heap_block_size(heap, ptr));
                assert_true(heap_check(heap));
                assert_int_equal(heap_free(heap, ptr), 0);
            }
            assert_guards_intact(&region);
            region_free(&region);
        }
        assert_true(worked);
    }
}

static void test_init_split_rejects_impossible_ranges(void **state)
{
    struct region area = region_new(0, 64 * KIB);
    size_t need = heap_meta_size(area.size);
    struct region meta = region_new(0, need);
    /* One buffer for the overlap cases: meta and area carved from it. */
    struct region both = region_new(0, need + area.size);

    (void)state;
    assert_true(need > 0);
    assert_true(heap_meta_size(2 * area.size) >= need);
    assert_null(heap_init_split(NULL, need, area.base, area.size));
    assert_null(heap_init_split(meta.base, need, NULL, area.size));
    assert_null(heap_init_split(meta.base, need - 1, area.base, area.size));
    assert_null(heap_init_split(meta.base, 0, area.base, area.size));
    assert_null(heap_init_split(meta.base, need, area.base, 0));
    assert_null(heap_init_split(meta.base, need, area.base, 1));
    assert_null(heap_init_split(meta.base, need, (void *)(UINTPTR_MAX - 15), 4096));
    assert_null(heap_init_split((void *)(UINTPTR_MAX - 15), need, area.base, area.size));
    /* Overlaps: meta inside the area, the area inside meta, a partial overlap. */
    assert_null(heap_init_split(both.base + 4 * KIB, need, both.base, need + area.size));
    assert_null(heap_init_split(both.base, need + area.size, both.base + need / 2, area.size));
    assert_null(heap_init_split(both.base, need, both.base + need - 1, area.size));
    /* Back to back is fine. */
    assert_non_null(heap_init_split(both.base, need, both.base + need, area.size));
    assert_guards_intact(&area);
    assert_guards_intact(&meta);
    assert_guards_intact(&both);
    region_free(&area);
    region_free(&meta);
    region_free(&both);
}

/*
 * For small areas at every misalignment of meta and area, with exactly
 * heap_meta_size bytes of meta: heap_init_split refuses or returns a heap
 * that lives in meta, manages all of the area but its alignment slack, and
 * hands out blocks from the area; nothing is written outside either.
 */
static void test_init_split_tiny_and_unaligned(void **state)
{
    (void)state;
    for (size_t meta_offset = 0; meta_offset < HEAP_ALIGN; meta_offset += 5) {
        for (size_t area_offset = 0; area_offset < 2 * HEAP_ALIGN; area_offset++) {
            bool worked = false;

            for (size_t size = 0; size <= 300; size++) {
                struct region area = region_new(area_offset, size);
                struct region meta = region_new(meta_offset, heap_meta_size(size));
                struct heap *heap = heap_init_split(meta.base, meta.size, area.base, size);

                if (heap == NULL) {
                    assert_false(worked);
                } else {
                    worked = true;
                    assert_true(inside_region(&meta, heap, 1));
                    assert_fresh(heap, &area);
                    /* At most the alignment slack and part of a block are lost. */
                    assert_true(stats_of(heap).total + HEAP_ALIGN - 1 + 32 > size);
                    void *ptr = heap_alloc(heap, 1);
                    assert_non_null(ptr);
                    assert_true(inside_region(&area, ptr, heap_block_size(heap, ptr)));
                    memset(ptr, 0, heap_block_size(heap, ptr));
                    assert_true(heap_check(heap));
                    assert_int_equal(heap_free(heap, ptr), 0);
                }
                assert_guards_intact(&area);
                assert_guards_intact(&meta);
                region_free(&area);
                region_free(&meta);
            }
            assert_true(worked);
        }
    }
}

static void test_alloc_zero_and_huge_sizes(void **state)
{
    struct region region = region_new(0, MIB);
    struct heap *heap = heap_init(region.base, region.size);
    struct heap_stats initial = stats_of(heap);
    const size_t huge[] = {
        SIZE_MAX,          SIZE_MAX - 1,    SIZE_MAX - 15,    SIZE_MAX - 16,
        SIZE_MAX - 31,     SIZE_MAX - 32,   SIZE_MAX / 2 + 1, SIZE_MAX / 2,
        initial.total + 1, (size_t)1 << 62, (size_t)1 << 40,  region.size,
    };

    (void)state;
    assert_null(heap_alloc(heap, 0));
    for (size_t i = 0; i < sizeof(huge) / sizeof(huge[0]); i++)
        assert_null(heap_alloc(heap, huge[i]));
    assert_true(heap_check(heap));
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &initial);
    region_free(&region);
}

/* The largest free block of a fresh heap serves a request of its size less one alignment unit. */
static void test_largest_free_block_is_usable(void **state)
{
    struct region region = region_new(3, MIB + 12345);
    struct heap *heap = heap_init(region.base, region.size);
    size_t largest = stats_of(heap).largest_free;
    uint8_t *ptr = heap_alloc(heap, largest - HEAP_ALIGN);

    (void)state;
    assert_non_null(ptr);
    assert_true(inside_region(&region, ptr, heap_block_size(heap, ptr)));
    memset(ptr, 0x5a, heap_block_size(heap, ptr));
    assert_true(heap_check(heap));
    assert_int_equal(heap_free(heap, ptr), 0);
    assert_guards_intact(&region);
    region_free(&region);
}

static void test_every_pointer_aligned(void **state)
{
    struct region region = region_new(7, MIB);
    struct heap *heap = heap_init(region.base, region.size);
    struct live_set set = live_new(1024);

    (void)state;
    for (size_t size = 1; size <= 1024; size++)
        assert_true(live_alloc(&set, heap, &region, size));
    live_assert_accounted(&set, heap);
    assert_true(heap_check(heap));
    rng_seed(7);
    live_free_all_random(&set, heap);
    assert_fresh(heap, &region);
    assert_guards_intact(&region);
    free(set.blocks);
    region_free(&region);
}

static void test_exhaustion_then_recovery(void **state)
{
    struct region region = region_new(1, 256 * KIB + 99);
    struct heap *heap = heap_init(region.base, region.size);
    struct heap_stats initial = stats_of(heap);
    struct live_set set = live_new(16 * KIB);

    (void)state;
    while (live_alloc(&set, heap, &region, 1000))
        ;
    assert_true(set.count > 0);
    assert_true(heap_check(heap));
    live_assert_accounted(&set, heap);
    assert_null(heap_alloc(heap, 1000));

    /* Freeing some blocks makes their room available again. */
    for (size_t i = 0; i < set.count; i += 2)
        live_free(&set, heap, i);
    assert_true(live_alloc(&set, heap, &region, 1000));
    assert_true(heap_check(heap));

    /* Tiny requests fill the remaining gaps; at most 64 bytes each is spent. */
    while (live_alloc(&set, heap, &region, 1))
        ;
    assert_true(heap_check(heap));
    live_assert_all_intact(&set);

    rng_seed(11);
    live_free_all_random(&set, heap);
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &initial);

    /* Only tiny blocks: the whole heap in pieces of at most 64 bytes. */
    while (live_alloc(&set, heap, &region, 1))
        ;
    assert_true(set.count >= initial.total / 64);
    live_free_all_random(&set, heap);
    after = stats_of(heap);
    assert_stats_equal(&after, &initial);
    assert_guards_intact(&region);
    free(set.blocks);
    region_free(&region);
}

static void test_invalid_frees_rejected(void **state)
{
    struct region region = region_new(0, 64 * KIB);
    struct heap *heap = heap_init(region.base, region.size);
    uint8_t *a = heap_alloc(heap, 100);
    uint8_t *b = heap_alloc(heap, 100);
    uint8_t *c = heap_alloc(heap, 100);
    uint8_t *d = heap_alloc(heap, 300);
    int on_stack = 0;

    (void)state;
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_non_null(d);
    fill_block(a, heap_block_size(heap, a), 1);
    fill_block(d, heap_block_size(heap, d), 4);

    struct heap_stats before = stats_of(heap);
    assert_int_equal(heap_free(heap, NULL), 0);
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &before);

    assert_free_rejected(heap, a + 1);          /* misaligned */
    assert_free_rejected(heap, a + 8);          /* misaligned by half the alignment */
    assert_free_rejected(heap, a + HEAP_ALIGN); /* interior, aligned */
    assert_free_rejected(heap, d + 64);         /* interior, deeper */
    assert_free_rejected(heap, d + 256);
    assert_free_rejected(heap, &on_stack);                             /* another object */
    assert_free_rejected(heap, (void *)heap);                          /* the bookkeeping */
    assert_free_rejected(heap, region.base);                           /* region start */
    assert_free_rejected(heap, region.base + region.size);             /* one past the end */
    assert_free_rejected(heap, region.base + region.size - 32);        /* never allocated */
    assert_free_rejected(heap, (void *)((uintptr_t)region.base - 64)); /* just below */
    assert_free_rejected(heap, (void *)(uintptr_t)HEAP_ALIGN);

    /* A double free, first without and then with a merge in between. */
    assert_int_equal(heap_free(heap, b), 0);
    assert_free_rejected(heap, b);
    assert_int_equal(heap_free(heap, c), 0);
    assert_free_rejected(heap, c);
    assert_free_rejected(heap, b);

    assert_block_intact(a, heap_block_size(heap, a), 1);
    assert_block_intact(d, heap_block_size(heap, d), 4);
    assert_int_equal(heap_free(heap, a), 0);
    assert_int_equal(heap_free(heap, d), 0);
    assert_free_rejected(heap, a);
    assert_free_rejected(heap, d);
    assert_fresh(heap, &region);
    region_free(&region);
}

static void live_reverse(struct live_set *set)
{
    for (size_t low = 0, high = set->count; low + 1 < high; low++, high--) {
        struct live_block swap = set->blocks[low];

        set->blocks[low] = set->blocks[high - 1];
        set->blocks[high - 1] = swap;
    }
}

/* Frees blocks of mixed sizes in a given order; the heap must end as it began. */
enum free_order { FORWARD, REVERSE, RANDOM };

static void check_free_order(enum free_order order)
{
    struct region region = region_new(9, 512 * KIB + 4321);
    struct heap *heap = heap_init(region.base, region.size);
    struct heap_stats initial = stats_of(heap);
    struct live_set set = live_new(8 * KIB);

    rng_seed(100 + order);
    while (live_alloc(&set, heap, &region, rng_range(1, 2 * KIB)))
        ;
    assert_true(set.count > 100);
    /* Nothing has been freed yet, so the set is in allocation order. */
    if (order == FORWARD)
        live_reverse(&set);
    if (order == RANDOM) {
        live_free_all_random(&set, heap);
    } else {
        while (set.count > 0)
            live_free(&set, heap, set.count - 1);
    }
    assert_true(heap_check(heap));
    struct heap_stats after = stats_of(heap);
    assert_stats_equal(&after, &initial);
    free(set.blocks);
    region_free(&region);
}

static void test_free_forward_coalesces(void **state)
{
    (void)state;
    check_free_order(FORWARD);
}

static void test_free_reverse_coalesces(void **state)
{
    (void)state;
    check_free_order(REVERSE);
}

static void test_free_random_coalesces(void **state)
{
    (void)state;
    check_free_order(RANDOM);
}

/*
 * A write into a freed block (a use after free) lands on the heap's free-list
 * links in both implementations. Flips a bit in each of the freed block's
 * first two words: heap_check must notice, and stop noticing once undone.
 */
static void assert_check_notices_writes(const struct heap *heap, uint8_t *freed)
{
    uintptr_t word;

    assert_true(heap_check(heap));
    for (size_t offset = 0; offset < 2 * sizeof(word); offset += sizeof(word)) {
        memcpy(&word, freed + offset, sizeof(word));
        word ^= 0x10;
        memcpy(freed + offset, &word, sizeof(word));
        assert_false(heap_check(heap));
        word ^= 0x10;
        memcpy(freed + offset, &word, sizeof(word));
        assert_true(heap_check(heap));
    }
}

static void test_check_detects_use_after_free(void **state)
{
    struct region region = region_new(0, 64 * KIB);
    struct heap *heap = heap_init(region.base, region.size);
    uint8_t *a = heap_alloc(heap, 32);
    uint8_t *b = heap_alloc(heap, 32);
    uint8_t *c = heap_alloc(heap, 32);

    (void)state;
    assert_non_null(a);
    assert_non_null(c);

    /* b between two live blocks, with more free space elsewhere. */
    assert_int_equal(heap_free(heap, b), 0);
    assert_check_notices_writes(heap, b);

    /* b as the only free block. */
    assert_ptr_equal(heap_alloc(heap, 32), b);
    while (heap_alloc(heap, 1))
        ;
    assert_int_equal(stats_of(heap).free_blocks, 0);
    assert_int_equal(heap_free(heap, b), 0);
    assert_int_equal(stats_of(heap).free_blocks, 1);
    assert_check_notices_writes(heap, b);
    region_free(&region);
}

/*
 * Whatever bookkeeping sits just before a real block, a copy of it placed
 * inside another block does not make an interior pointer freeable.
 */
static void test_forged_header_rejected(void **state)
{
    struct region region = region_new(0, 64 * KIB);
    struct heap *heap = heap_init(region.base, region.size);
    uint8_t *real = heap_alloc(heap, 200);
    uint8_t *victim = heap_alloc(heap, 1000);

    (void)state;
    assert_non_null(real);
    assert_non_null(victim);
    for (size_t inside = 64; inside < 1000; inside += 64) {
        memcpy(victim + inside - 32, real - 32, 32);
        assert_free_rejected(heap, victim + inside);
    }
    assert_int_equal(heap_free(heap, victim), 0);
    assert_int_equal(heap_free(heap, real), 0);
    assert_fresh(heap, &region);
    region_free(&region);
}

/*
 * A header written over (first-fit keeps one in the 16 bytes before each
 * block, and heap_free then refuses the block; the buddy heap keeps none):
 * heap_free_sized, told the size by a caller that recorded it, takes the
 * block back whole.
 */
static void test_free_sized_restores_the_header(void **state)
{
    struct region region = region_new(0, 64 * KIB);
    struct heap *heap = heap_init(region.base, region.size);
    uint8_t *first = heap_alloc(heap, 64);
    uint8_t *second = heap_alloc(heap, 64);
    size_t size = heap_block_size(heap, second);

    (void)state;
    assert_non_null(first);
    assert_non_null(second);
    /* The 16 bytes before second are first's or second's header: both are ours. */
    assert_true(second >= first + 64 && second <= first + 64 + 16);
    assert_int_equal(heap_free_sized(heap, NULL, 0), 0);
    assert_int_equal(heap_free_sized(heap, second + 1, size), -EINVAL);
    memset(second - 16, 0xa5, 16);
    assert_int_equal(heap_free_sized(heap, second, size), 0);
    assert_int_equal(heap_free(heap, first), 0);
    assert_true(heap_check(heap));
    assert_fresh(heap, &region);
    region_free(&region);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_impossible_regions),
        cmocka_unit_test(test_init_tiny_and_unaligned_regions),
        cmocka_unit_test(test_init_split_rejects_impossible_ranges),
        cmocka_unit_test(test_init_split_tiny_and_unaligned),
        cmocka_unit_test(test_alloc_zero_and_huge_sizes),
        cmocka_unit_test(test_largest_free_block_is_usable),
        cmocka_unit_test(test_every_pointer_aligned),
        cmocka_unit_test(test_exhaustion_then_recovery),
        cmocka_unit_test(test_invalid_frees_rejected),
        cmocka_unit_test(test_free_forward_coalesces),
        cmocka_unit_test(test_free_reverse_coalesces),
        cmocka_unit_test(test_free_random_coalesces),
        cmocka_unit_test(test_check_detects_use_after_free),
        cmocka_unit_test(test_forged_header_rejected),
        cmocka_unit_test(test_free_sized_restores_the_header),
    };

    return cmocka_run_group_tests_name(heap_manager_name, tests, NULL, NULL);
}
