/*
 * Corruption generators for the heap corruption tests (test_heap_corrupt.c),
 * on top of the runs and operations of heap_corrupt_fixture.h: what a
 * program that writes over its heap's area might write there, blind (random
 * bytes, wild pointers, runs of one byte, copies) and informed, as from a
 * program that studied the heap: old bytes written back where they were
 * taken, and headers forged in first-fit's layout with a check value worked
 * out from a real one. Then a random workload mixing the operations with
 * corruption now and then.
 *
 * It relies on one layout fact both implementations share: a freed block
 * keeps its free-list next link in its first word and its prev link in its
 * second. Forged headers follow first-fit's layout; to the buddy heap they
 * are just more bytes in its blocks.
 */
#ifndef CHALK_TESTS_HEAP_CORRUPTION_H
#define CHALK_TESTS_HEAP_CORRUPTION_H

#include "heap_corrupt_fixture.h"

/* ---- corruption --------------------------------------------------------- */

/*
 * Where a corruption may land. With split bookkeeping, anywhere in the
 * area, with a bias towards the places bookkeeping lives: freed blocks
 * (their links), just before a live block (a header) and just after one
 * (the next header). With heap_init the bookkeeping at the start of the
 * region is out of bounds, so only what the program was given: its live
 * blocks and the blocks it freed (use after free).
 */
static inline struct span pick_target(const struct run *run)
{
    unsigned kind = (unsigned)rng_below(6);
    struct span block;
    uintptr_t at;

    if (kind < 2 && run->freed_count > 0)
        block = run->freed[rng_below(run->freed_count)];
    else if (run->live_count > 0)
        block = run->live[rng_below(run->live_count)];
    else if (run->split)
        block = (struct span){run->area.base, run->area.size};
    else
        return (struct span){NULL, 0};

    if (!run->split) {
        size_t skip = rng_below(100) < 70 ? 0 : rng_below(block.size);

        return (struct span){block.ptr + skip, block.size - skip};
    }
    switch (kind) {
    case 2:
        at = (uintptr_t)block.ptr - rng_range(1, 32); /* a header, from below */
        break;
    case 3:
        at = (uintptr_t)block.ptr + block.size; /* overrun into the next block */
        break;
    case 4:
        at = area_start(run) + rng_below(run->area.size);
        break;
    default:
        at = (uintptr_t)block.ptr;
        break;
    }
    if (at < area_start(run))
        at = area_start(run);
    if (at >= area_end(run))
        return (struct span){NULL, 0};
    return (struct span){(uint8_t *)at, area_end(run) - at};
}

static inline uintptr_t align16(uintptr_t addr)
{
    return (addr + 15) & ~(uintptr_t)15;
}

static inline int fill_byte(void)
{
    switch (rng_below(3)) {
    case 0:
        return 0;
    case 1:
        return 0xff;
    default:
        return (int)rng_below(256);
    }
}

static inline void write_word(uint8_t *at, uintptr_t word)
{
    memcpy(at, &word, sizeof(word));
}

static inline uintptr_t read_word(const uint8_t *at)
{
    uintptr_t word;

    memcpy(&word, at, sizeof(word));
    return word;
}

static inline void scribble_bytes(struct span target)
{
    size_t len = min_size(rng_range(1, 64), target.size);

    for (size_t i = 0; i < len; i++)
        target.ptr[i] = (uint8_t)rng_next();
}

/* Words that look like pointers, some of them plausible. */
static inline void write_wild_words(const struct run *run, struct span target)
{
    size_t count = rng_range(1, 4);

    for (size_t i = 0; i < count && (i + 1) * sizeof(uintptr_t) <= target.size; i++)
        write_word(target.ptr + i * sizeof(uintptr_t), wild_pointer(run));
}

/* A copy of bytes from elsewhere: real links and headers in the wrong place. */
static inline void copy_from_elsewhere(const struct run *run, struct span target)
{
    struct span source = pick_target(run);

    if (source.size > 0)
        memmove(target.ptr, source.ptr,
                min_size(rng_range(8, 64), min_size(target.size, source.size)));
}

static inline void take_snapshot(struct run *run)
{
    struct span target = pick_target(run);
    struct snapshot *snapshot = &run->snapshots[run->snapshot_next];

    if (target.size == 0)
        return;
    snapshot->at = target.ptr;
    snapshot->len = min_size(sizeof(snapshot->bytes), target.size);
    memcpy(snapshot->bytes, snapshot->at, snapshot->len);
    run->snapshot_next = (run->snapshot_next + 1) % SNAPSHOTS;
    if (run->snapshot_count < SNAPSHOTS)
        run->snapshot_count++;
}

/*
 * Old bytes written back where they were taken: a header that was valid
 * there once is valid again, links name blocks that were free once.
 */
static inline void replay_snapshot(const struct run *run)
{
    const struct snapshot *snapshot;

    if (run->snapshot_count == 0)
        return;
    snapshot = &run->snapshots[rng_below(run->snapshot_count)];
    memcpy(snapshot->at, snapshot->bytes, snapshot->len);
}

/*
 * The key of first-fit-style headers: [size word][key ^ address ^ size
 * word] (heap_firstfit.c), taken from the 16 bytes before a live block. A
 * program can work it out the same way; for the buddy heap it is noise.
 */
static inline bool header_key(const struct run *run, uintptr_t *key)
{
    const uint8_t *ptr;

    if (run->live_count == 0)
        return false;
    ptr = run->live[rng_below(run->live_count)].ptr;
    if ((uintptr_t)ptr - 16 < area_start(run))
        return false;
    *key = read_word(ptr - 16) ^ read_word(ptr - 8) ^ ((uintptr_t)ptr - 16);
    return true;
}

/* A size word for a forged header at addr: mostly lies. */
static inline uintptr_t forged_size(const struct run *run, uintptr_t addr)
{
    uintptr_t room = area_end(run) - addr;
    uintptr_t free_bit = rng_below(2);

    switch (rng_below(7)) {
    case 0:
        return (rng_next() & ~(uintptr_t)15) | free_bit; /* huge */
    case 1:
        return (room + 16 * rng_range(1, 4096)) | free_bit; /* past the end */
    case 2:
        return room | free_bit; /* exactly to the end, over everything */
    case 3:
        return 16 * rng_below(3) | free_bit; /* too small to be a block */
    case 4:
        return rng_next(); /* misaligned */
    case 5:
        return (uintptr_t)0 - 16; /* wraps */
    default:
        return 16 * rng_range(2, room / 16) | free_bit; /* plausible */
    }
}

/*
 * A header that passes the check, with a lying size, at a 16-aligned place
 * in target; now and then made reachable too: a freed block's next link
 * pointed at it, and its prev link back at the freed block's header.
 */
static inline void forge_header(const struct run *run, struct span target)
{
    uintptr_t at = align16((uintptr_t)target.ptr);
    uintptr_t key, size;

    if (at + 32 > (uintptr_t)target.ptr + target.size || !header_key(run, &key))
        return;
    size = forged_size(run, at);
    write_word((uint8_t *)at, size);
    write_word((uint8_t *)at + 8, key ^ at ^ size);
    write_word((uint8_t *)at + 16, rng_below(2) ? 0 : wild_pointer(run));
    if (run->freed_count > 0 && rng_below(2)) {
        uint8_t *freed = run->freed[rng_below(run->freed_count)].ptr;

        write_word(freed, at);
        write_word((uint8_t *)at + 24, (uintptr_t)freed - 16);
    } else {
        write_word((uint8_t *)at + 24, wild_pointer(run));
    }
}

static inline void corrupt(struct run *run)
{
    struct span target = pick_target(run);

    if (target.size == 0)
        return;
    run->corruptions++;
    switch (rng_below(8)) {
    case 0:
        scribble_bytes(target);
        break;
    case 1:
        write_wild_words(run, target);
        break;
    case 2: /* one bit */
        target.ptr[rng_below(min_size(target.size, 32))] ^= (uint8_t)(1u << rng_below(8));
        break;
    case 3: /* a run of one byte */
        memset(target.ptr, fill_byte(), min_size(rng_range(1, 4 * KIB), target.size));
        break;
    case 4:
        copy_from_elsewhere(run, target);
        break;
    case 5:
        replay_snapshot(run);
        break;
    case 6:
        forge_header(run, target);
        break;
    default: /* the first word, a link, copied up to 64 bytes further on */
        if (target.size >= 72)
            memmove(target.ptr + rng_range(1, 8) * 8, target.ptr, 8);
        break;
    }
}

/* ---- the workload ------------------------------------------------------- */

/* ops random calls, with a corruption now and then (rate in 1/1000s). */
static inline void workload(struct run *run, unsigned long ops, unsigned rate)
{
    for (unsigned long op = 0; op < ops; op++) {
        unsigned kind = (unsigned)rng_below(1000);

        if (run->corruptions > 0 && !poisoned(run))
            run->damaged_ops++;
        if (kind < rate)
            corrupt(run);
        else if (kind < 20)
            take_snapshot(run);
        else if (kind < 450)
            op_alloc(run);
        else if (kind < 850)
            op_free_live(run);
        else if (kind < 900)
            op_free_wild(run);
        else if (kind < 950)
            op_block_size(run);
        else if (kind < 980)
            op_stats(run);
        else
            op_check(run);
    }
}

#endif
