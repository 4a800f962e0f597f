/*
 * Unit tests for the heap interface (kernel/mm/heap.h) when the area is
 * written by code the heap does not trust, as the user heap is: whatever
 * bytes the area holds, no call may touch memory outside the area and the
 * bookkeeping, loop forever or crash; corruption that is found poisons the
 * heap, and a poisoned heap fails every call the way heap.h says.
 *
 * Targeted cases come first (wild and cyclic links, links that agree but
 * lie, forged headers, a whole area overwritten), then rounds of random
 * corruption. Guarded areas, the watchdog and the operations are in
 * heap_corrupt_fixture.h; the corruption generators and the random workload
 * in heap_corruption.h.
 *
 * The same source is built once against each implementation:
 *   gcc ... tests/unit/test_heap_corrupt.c kernel/mm/heap_buddy.c    -lcmocka
 *   gcc ... tests/unit/test_heap_corrupt.c kernel/mm/heap_firstfit.c -lcmocka
 */
#include "heap_corrupt_fixture.h"
#include "heap_corruption.h"

/* ---- targeted cases ----------------------------------------------------- */

/* Allocates count blocks of size bytes each; every one must be granted. */
static void alloc_blocks(struct run *run, uint8_t **block, size_t count, size_t size)
{
    for (size_t i = 0; i < count; i++) {
        block[i] = heap_alloc(run->heap, size);
        assert_non_null(block[i]);
    }
}

/* Runs check on a fresh heap over 16 pages, from heap_init and then split. */
static void on_both_layouts(void (*check)(struct run *run))
{
    for (int split = 0; split <= 1; split++) {
        struct run run;

        run_start(&run, 16 * page_size(), split);
        check(&run);
        run_finish(&run);
    }
}

/* Without corruption, a split heap behaves exactly like one from heap_init. */
static void test_split_heap_without_corruption(void **state)
{
    struct run run;

    (void)state;
    rng_seed(0xc0de0001);
    run_start(&run, 64 * page_size() - 7, true);
    assert_fresh(run.heap, &(struct region){run.area.base, run.area.base, run.area.size});
    struct heap_stats initial = stats_of(run.heap);
    workload(&run, 20000, 0);
    assert_true(heap_check(run.heap));
    assert_false(poisoned(&run));
    while (run.live_count > 0)
        assert_int_equal(heap_free(run.heap, run.live[--run.live_count].ptr), 0);
    struct heap_stats final = stats_of(run.heap);
    assert_stats_equal(&final, &initial);
    run_finish(&run);
}

/*
 * A link in a freed block overwritten with something that cannot be a free
 * block: the next allocation that reaches it finds out, poisons the heap
 * and returns NULL; from then on every call fails.
 */
static void check_wild_link(uintptr_t (*wild)(const struct run *), size_t word)
{
    struct run run;
    uint8_t *block[3];
    uintptr_t value;

    run_start(&run, 16 * page_size(), true);
    alloc_blocks(&run, block, 3, 32);
    assert_int_equal(heap_free(run.heap, block[1]), 0);
    value = wild(&run);
    memcpy(block[1] + word * sizeof(value), &value, sizeof(value));
    assert_null(heap_alloc(run.heap, 32));
    run.live[run.live_count++] = (struct span){block[0], 32};
    run.live[run.live_count++] = (struct span){block[2], 32};
    run.freed[run.freed_count++] = (struct span){block[1], 32};
    assert_poisoned_refuses_everything(&run);
    run_finish(&run);
}

static uintptr_t before_area(const struct run *run)
{
    return area_start(run) - 32;
}

static uintptr_t in_guard_page(const struct run *run)
{
    return area_end(run) + 64;
}

static uintptr_t at_bookkeeping(const struct run *run)
{
    return (uintptr_t)run->heap;
}

static uintptr_t misaligned_inside(const struct run *run)
{
    return area_start(run) + 40;
}

static uintptr_t inside_a_block(const struct run *run)
{
    return area_start(run) + 80; /* no block starts here in either implementation */
}

static uintptr_t near_the_end(const struct run *run)
{
    return area_end(run) - 8; /* a 16-byte header here would cross the end */
}

static uintptr_t just_past_the_end(const struct run *run)
{
    return area_end(run) + 8;
}

static uintptr_t very_high(const struct run *run)
{
    (void)run;
    return UINTPTR_MAX - 15;
}

static void test_wild_links_poison_the_heap(void **state)
{
    uintptr_t (*const wild[])(const struct run *) = {
        before_area,    in_guard_page, at_bookkeeping,    misaligned_inside,
        inside_a_block, near_the_end,  just_past_the_end, very_high,
    };

    (void)state;
    for (size_t i = 0; i < sizeof(wild) / sizeof(wild[0]); i++) {
        check_wild_link(wild[i], 0); /* next */
        check_wild_link(wild[i], 1); /* prev */
    }
}

/*
 * Two freed blocks whose links point at each other both ways: a list with a
 * cycle. Every call must still return (the watchdog says if one does not).
 */
static void link_cycle(struct run *run)
{
    uint8_t *block[6];

    alloc_blocks(run, block, 6, 100);
    assert_int_equal(heap_free(run->heap, block[1]), 0);
    assert_int_equal(heap_free(run->heap, block[4]), 0);
    memcpy(block[1], &block[4], sizeof(block[4]));
    memcpy(block[1] + 8, &block[4], sizeof(block[4]));
    memcpy(block[4], &block[1], sizeof(block[1]));
    memcpy(block[4] + 8, &block[1], sizeof(block[1]));
    assert_false(heap_check(run->heap));
    heap_alloc(run->heap, 100);
    heap_alloc(run->heap, 4 * KIB);
    heap_free(run->heap, block[2]);
    heap_free(run->heap, block[5]);
    op_stats(run);
    workload(run, 5000, 0);
}

static void test_link_cycle_terminates(void **state)
{
    (void)state;
    on_both_layouts(link_cycle);
}

/*
 * How a link names the block at ptr: ptr + delta. Two blocks of the same
 * size freed one after the other sit next to each other in a free list,
 * so one of them links to the other.
 */
static bool link_delta(uint8_t *x, uint8_t *y, uint8_t **from, intptr_t *delta)
{
    intptr_t x_to_y = (intptr_t)(read_word(x) - (uintptr_t)y);
    intptr_t y_to_x = (intptr_t)(read_word(y) - (uintptr_t)x);

    if (x_to_y >= -64 && x_to_y <= 64) {
        *from = x;
        *delta = x_to_y;
        return true;
    }
    if (y_to_x >= -64 && y_to_x <= 64) {
        *from = y;
        *delta = y_to_x;
        return true;
    }
    return false;
}

/*
 * Links rewritten to agree with each other (next and prev both ways) but
 * naming a live block: the heap must check what a link names, not only
 * that the links agree, and never hand the live block out again.
 */
static void consistent_links_to_live_block(struct run *run)
{
    uint8_t *block[8];
    uint8_t *from = NULL;
    intptr_t delta = 0;

    alloc_blocks(run, block, 8, 32);
    for (size_t i = 0; i < 8; i++)
        memset(block[i], 0, 32);
    assert_int_equal(heap_free(run->heap, block[2]), 0);
    assert_int_equal(heap_free(run->heap, block[4]), 0);
    assert_true(link_delta(block[2], block[4], &from, &delta));
    write_word(from, (uintptr_t)block[6] + (uintptr_t)delta);     /* next: the live block */
    write_word(block[6] + 8, (uintptr_t)from + (uintptr_t)delta); /* its prev: back */

    for (int i = 0; i < 8; i++) {
        uint8_t *ptr = heap_alloc(run->heap, 32);

        for (size_t j = 0; ptr && j < 8; j++) {
            if (j != 2 && j != 4 && ptr < block[j] + 32 && block[j] < ptr + 32)
                fail_msg("live block %zu handed out again", j);
        }
    }
}

static void test_consistent_links_to_live_block(void **state)
{
    (void)state;
    on_both_layouts(consistent_links_to_live_block);
}

/*
 * Three freed blocks of one size, linked in a row; the first one's next
 * link rewritten to name the third, a real free block, skipping the second.
 * The back links no longer agree, and the heap must notice: the next three
 * allocations of that size either give back exactly those three blocks or
 * poison the heap. A heap that missed it would lose the skipped block.
 */
static void link_skipping_a_free_block(struct run *run)
{
    uint8_t *block[8];
    uint8_t *freed[3];
    uint8_t *first = NULL, *second = NULL, *third = NULL;
    intptr_t delta = 0;

    alloc_blocks(run, block, 8, 32);
    freed[0] = block[2];
    freed[1] = block[4];
    freed[2] = block[6];
    for (size_t i = 0; i < 3; i++)
        assert_int_equal(heap_free(run->heap, freed[i]), 0);
    /* Whichever order the list keeps them in, find first -> second -> third. */
    for (size_t i = 0; i < 3 && third == NULL; i++) {
        for (size_t j = 0; j < 3 && third == NULL; j++) {
            uint8_t *from;

            if (i == j || !link_delta(freed[i], freed[j], &from, &delta) || from != freed[i])
                continue;
            for (size_t k = 0; k < 3; k++) {
                if (k != i && k != j && read_word(freed[j]) == (uintptr_t)freed[k] + delta) {
                    first = freed[i];
                    second = freed[j];
                    third = freed[k];
                }
            }
        }
    }
    assert_non_null(third);
    write_word(first, (uintptr_t)third + (uintptr_t)delta);

    bool seen[3] = {false, false, false};
    for (int i = 0; i < 3; i++) {
        uint8_t *ptr = heap_alloc(run->heap, 32);

        for (size_t k = 0; ptr && k < 3; k++)
            seen[k] = seen[k] || ptr == freed[k];
    }
    assert_true(poisoned(run) || (seen[0] && seen[1] && seen[2]));
    (void)second;
}

static void test_link_skipping_a_free_block(void **state)
{
    (void)state;
    on_both_layouts(link_skipping_a_free_block);
}

/*
 * Headers forged with a valid check value (first-fit's layout; noise for
 * the buddy heap) and a lying size, over a live block, then everything
 * used: whatever the size says, nothing may reach outside the area. Split
 * heaps only: with heap_init, the 16 bytes before the first block can be
 * the buddy heap's tags, which are bookkeeping.
 */
static void test_forged_headers(void **state)
{
    (void)state;
    rng_seed(0xc0de0003);
    for (int attempt = 0; attempt < 400; attempt++) {
        struct run run;
        uintptr_t key;

        run_start(&run, rng_range(1, 8) * page_size(), true);
        workload(&run, 200, 0);
        while (run.live_count > 0 && header_key(&run, &key)) {
            struct span victim = run.live[rng_below(run.live_count)];
            uintptr_t at = (uintptr_t)victim.ptr - 16;
            uintptr_t size;

            if (at < area_start(&run))
                break;
            size = forged_size(&run, at);
            write_word((uint8_t *)at, size);
            write_word((uint8_t *)at + 8, key ^ at ^ size);
            workload(&run, 100, 0);
            if (rng_below(4) == 0)
                break;
        }
        run_finish(&run);
    }
}

/*
 * After some use, the whole area is overwritten with one pattern (zeros,
 * ones, pointers to the bookkeeping, to the area, to the guard page,
 * random), and the program carries on.
 */
static void test_whole_area_overwritten(void **state)
{
    (void)state;
    rng_seed(0xc0de0002);
    for (unsigned pattern = 0; pattern < 7; pattern++) {
        struct run run;
        uintptr_t word = 0;

        run_start(&run, 32 * page_size(), true);
        workload(&run, 2000, 0);
        for (size_t offset = 0; offset + sizeof(word) <= run.area.size; offset += sizeof(word)) {
            switch (pattern) {
            case 0:
                word = 0;
                break;
            case 1:
                word = UINTPTR_MAX;
                break;
            case 2:
                word = (uintptr_t)run.heap;
                break;
            case 3:
                word = area_start(&run);
                break;
            case 4:
                word = area_end(&run);
                break;
            case 5:
                word = area_start(&run) + offset + 64; /* a "link" to a little further on */
                break;
            default:
                word = rng_next();
                break;
            }
            memcpy(run.area.base + offset, &word, sizeof(word));
        }
        workload(&run, 5000, 0);
        if (poisoned(&run))
            assert_poisoned_refuses_everything(&run);
        run_finish(&run);
    }
}

/* ---- random rounds ------------------------------------------------------ */

struct tally {
    unsigned long rounds, poisoned, corruptions, damaged_ops;
};

/*
 * Rounds of: a fresh heap, a clean warm-up, then a long stretch with
 * corruption mixed in. Returns how the rounds went.
 */
static struct tally rounds(bool split, unsigned count, unsigned long ops, unsigned rate,
                           uint64_t seed)
{
    struct tally tally = {0, 0, 0, 0};

    rng_seed(seed);
    for (unsigned round = 0; round < count; round++) {
        /* 1 to 64 pages, sometimes not a multiple of 16 bytes (an unaligned base). */
        size_t size = rng_range(1, 64) * page_size() - (rng_below(4) == 0 ? rng_range(1, 31) : 0);
        struct run run;

        run_start(&run, size, split);
        workload(&run, 500, 0);
        assert_true(heap_check(run.heap));
        assert_false(poisoned(&run));
        workload(&run, ops, rate);
        if (poisoned(&run)) {
            assert_poisoned_refuses_everything(&run);
            tally.poisoned++;
        }
        tally.rounds++;
        tally.corruptions += run.corruptions;
        tally.damaged_ops += run.damaged_ops;
        run_finish(&run);
    }
    print_message("%s, %s: %lu rounds, %lu corruptions, %lu calls on damaged heaps, %lu heaps "
                  "poisoned\n",
                  heap_manager_name, split ? "split" : "heap_init", tally.rounds, tally.corruptions,
                  tally.damaged_ops, tally.poisoned);
    return tally;
}

/* The heart of it: corruption of every kind, anywhere in the area. */
static void test_random_corruption_split(void **state)
{
    struct tally tally;

    (void)state;
    tally = rounds(true, 300, 3000, 10, 0xc0de1001);
    assert_true(tally.poisoned > 0);
}

/* Rarer corruption, so that heaps live long with a little damage in them. */
static void test_rare_corruption_long_runs(void **state)
{
    (void)state;
    rounds(true, 40, 30000, 1, 0xc0de1002);
}

/*
 * With heap_init the bookkeeping shares the region, so only what the
 * program was given is written: live blocks, freed blocks, blocks reused.
 */
static void test_random_corruption_heap_init(void **state)
{
    (void)state;
    rounds(false, 300, 3000, 10, 0xc0de1003);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_heap_without_corruption),
        cmocka_unit_test(test_wild_links_poison_the_heap),
        cmocka_unit_test(test_link_cycle_terminates),
        cmocka_unit_test(test_consistent_links_to_live_block),
        cmocka_unit_test(test_link_skipping_a_free_block),
        cmocka_unit_test(test_forged_headers),
        cmocka_unit_test(test_whole_area_overwritten),
        cmocka_unit_test(test_random_corruption_split),
        cmocka_unit_test(test_rare_corruption_long_runs),
        cmocka_unit_test(test_random_corruption_heap_init),
    };

    watchdog_start();
    return cmocka_run_group_tests_name(heap_manager_name, tests, NULL, NULL);
}
