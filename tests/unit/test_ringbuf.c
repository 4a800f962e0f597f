/*
 * Unit tests for the byte ring buffer (kernel/lib/ringbuf.h).
 *
 *   gcc ... tests/unit/test_ringbuf.c kernel/lib/ringbuf.c -lcmocka
 *
 * Storage sits between guard bytes so a copy past either end shows. The
 * counters are set by hand near SIZE_MAX to check the header's claim that
 * they may wrap around as unsigned numbers. A recording copier checks the
 * pieces (where the storage's end splits them) and that a copy refused part
 * of the way leaves the ring holding exactly the bytes that moved.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "copier_fixture.h"
#include "rng.h"

#include <stdlib.h>
#include <string.h>

#include "lib/ringbuf.h"

#define GUARD      32
#define GUARD_BYTE 0x5a

struct ring {
    struct ringbuf rb;
    char *buffer; /* GUARD bytes, the storage, GUARD bytes */
    size_t size;
};

static void ring_new(struct ring *r, size_t size)
{
    r->size = size;
    r->buffer = malloc(size + 2 * GUARD);
    assert_non_null(r->buffer);
    memset(r->buffer, GUARD_BYTE, size + 2 * GUARD);
    assert_true(ringbuf_init(&r->rb, r->buffer + GUARD, size));
}

static void assert_guards_intact(const struct ring *r)
{
    for (size_t i = 0; i < GUARD; i++) {
        assert_int_equal(r->buffer[i], GUARD_BYTE);
        assert_int_equal(r->buffer[GUARD + r->size + i], GUARD_BYTE);
    }
}

static void ring_free(struct ring *r)
{
    assert_guards_intact(r);
    free(r->buffer);
}

/* used + space == size, and used never exceeds size. */
#define assert_fill(rb, used_)                                                                     \
    do {                                                                                           \
        assert_int_equal(ringbuf_used(rb), (used_));                                               \
        assert_int_equal(ringbuf_space(rb), (rb)->size - (used_));                                 \
    } while (0)

/* A recognisable byte pattern: pattern(i) for the i-th byte of a stream. */
static char pattern(size_t i)
{
    return (char)(i * 31 + (i >> 8) + 7);
}

static void fill_pattern(char *dst, size_t start, size_t n)
{
    for (size_t i = 0; i < n; i++)
        dst[i] = pattern(start + i);
}

/* ---- initialisation ------------------------------------------------------- */

static void test_init_rejects_zero_and_non_powers_of_two(void **state)
{
    static const size_t bad[] = {0,
                                 3,
                                 5,
                                 6,
                                 7,
                                 12,
                                 100,
                                 1000,
                                 4097,
                                 SIZE_MAX,
                                 SIZE_MAX / 2,
                                 ((size_t)1 << 63) + 1,
                                 ((size_t)1 << 40) | 1};
    static const size_t good[] = {1, 2, 4, 8, 1024, 4096, (size_t)1 << 40, (size_t)1 << 63};
    struct ringbuf rb;
    char storage[1];

    (void)state;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        assert_false(ringbuf_init(&rb, storage, bad[i]));
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        /* Leftovers from earlier use must not survive init. */
        rb.head = 12345;
        rb.tail = 999;
        assert_true(ringbuf_init(&rb, storage, good[i]));
        assert_ptr_equal(rb.data, storage);
        assert_int_equal(rb.size, good[i]);
        assert_fill(&rb, 0);
    }
}

/* ---- reading and writing -------------------------------------------------- */

static void test_write_then_read_exact(void **state)
{
    struct ring r;
    char in[16], out[16];

    (void)state;
    ring_new(&r, 16);
    fill_pattern(in, 0, sizeof(in));
    assert_int_equal(ringbuf_write(&r.rb, in, 10), 10);
    assert_fill(&r.rb, 10);
    memset(out, 0, sizeof(out));
    assert_int_equal(ringbuf_read(&r.rb, out, 10), 10);
    assert_memory_equal(out, in, 10);
    assert_fill(&r.rb, 0);

    /* Zero-length operations change nothing. */
    assert_int_equal(ringbuf_write(&r.rb, in, 0), 0);
    assert_int_equal(ringbuf_read(&r.rb, out, 0), 0);
    assert_fill(&r.rb, 0);

    /* Exactly full, then exactly empty. */
    assert_int_equal(ringbuf_write(&r.rb, in, 16), 16);
    assert_fill(&r.rb, 16);
    assert_int_equal(ringbuf_read(&r.rb, out, 16), 16);
    assert_memory_equal(out, in, 16);
    assert_fill(&r.rb, 0);
    ring_free(&r);
}

static void test_write_when_full_is_partial(void **state)
{
    struct ring r;
    char in[40], out[40];

    (void)state;
    ring_new(&r, 16);
    fill_pattern(in, 0, sizeof(in));
    assert_int_equal(ringbuf_write(&r.rb, in, 5), 5);
    /* Only 11 more fit; the rest of the request is dropped, not queued. */
    assert_int_equal(ringbuf_write(&r.rb, in + 5, 20), 11);
    assert_fill(&r.rb, 16);
    assert_int_equal(ringbuf_write(&r.rb, in + 16, 1), 0);
    assert_int_equal(ringbuf_write(&r.rb, in + 16, 40 - 16), 0);
    assert_fill(&r.rb, 16);

    /* Reading 3 makes room for exactly 3. */
    assert_int_equal(ringbuf_read(&r.rb, out, 3), 3);
    assert_memory_equal(out, in, 3);
    assert_int_equal(ringbuf_write(&r.rb, in + 16, 10), 3);
    assert_fill(&r.rb, 16);
    assert_int_equal(ringbuf_read(&r.rb, out, sizeof(out)), 16);
    assert_memory_equal(out, in + 3, 16);
    ring_free(&r);
}

static void test_read_when_empty_returns_zero(void **state)
{
    struct ring r;
    char in[8], out[8];

    (void)state;
    ring_new(&r, 8);
    memset(out, 'U', sizeof(out));
    assert_int_equal(ringbuf_read(&r.rb, out, sizeof(out)), 0);
    for (size_t i = 0; i < sizeof(out); i++)
        assert_int_equal(out[i], 'U');
    assert_fill(&r.rb, 0);

    /* Partial reads: fewer than stored, then more than stored. */
    fill_pattern(in, 100, sizeof(in));
    assert_int_equal(ringbuf_write(&r.rb, in, 6), 6);
    assert_int_equal(ringbuf_read(&r.rb, out, 2), 2);
    assert_memory_equal(out, in, 2);
    assert_fill(&r.rb, 4);
    memset(out, 'U', sizeof(out));
    assert_int_equal(ringbuf_read(&r.rb, out, 8), 4);
    assert_memory_equal(out, in + 2, 4);
    assert_int_equal(out[4], 'U');
    assert_int_equal(ringbuf_read(&r.rb, out, 8), 0);
    assert_fill(&r.rb, 0);
    ring_free(&r);
}

static void test_wrap_around_preserves_bytes(void **state)
{
    struct ring r;
    char in[64], out[64];

    (void)state;
    ring_new(&r, 8);
    /* Every start offset, every length: each write and read crosses or meets the end. */
    size_t stream = 0;
    for (size_t offset = 0; offset < 8; offset++) {
        for (size_t n = 1; n <= 8; n++) {
            char skip[8];
            /* Move both counters to offset modulo 8. */
            while ((r.rb.head & 7) != offset) {
                assert_int_equal(ringbuf_write(&r.rb, "s", 1), 1);
                assert_int_equal(ringbuf_read(&r.rb, skip, 1), 1);
            }
            fill_pattern(in, stream, n);
            stream += n;
            assert_int_equal(ringbuf_write(&r.rb, in, n), n);
            assert_fill(&r.rb, n);
            /* Read it back in two pieces, split in the middle. */
            size_t split = n / 2;
            assert_int_equal(ringbuf_read(&r.rb, out, split), split);
            assert_int_equal(ringbuf_read(&r.rb, out + split, n), n - split);
            assert_memory_equal(out, in, n);
            assert_fill(&r.rb, 0);
        }
    }

    /* A write that wraps, read in one go. */
    fill_pattern(in, 500, 8);
    assert_int_equal(ringbuf_write(&r.rb, in, 5), 5);
    assert_int_equal(ringbuf_read(&r.rb, out, 5), 5);
    assert_int_equal(ringbuf_write(&r.rb, in, 8), 8);
    assert_int_equal(ringbuf_read(&r.rb, out, 64), 8);
    assert_memory_equal(out, in, 8);
    ring_free(&r);
}

static void test_size_one_ring(void **state)
{
    struct ring r;
    char c;

    (void)state;
    ring_new(&r, 1);
    for (int i = 0; i < 300; i++) {
        char v = (char)i;
        assert_int_equal(ringbuf_write(&r.rb, &v, 1), 1);
        assert_fill(&r.rb, 1);
        assert_int_equal(ringbuf_write(&r.rb, &v, 1), 0);
        assert_int_equal(ringbuf_read(&r.rb, &c, 1), 1);
        assert_int_equal(c, v);
        assert_fill(&r.rb, 0);
    }
    ring_free(&r);
}

/* ---- pieces --------------------------------------------------------------- */

/* A new ring, empty, with head and tail at offset in its storage. */
static void ring_new_at(struct ring *r, size_t size, size_t offset)
{
    ring_new(r, size);
    r->rb.head = r->rb.tail = size * 1000 + offset;
}

static void test_pieces_split_at_the_end_of_storage(void **state)
{
    struct ring r;
    char in[16], out[16];

    (void)state;
    ring_new_at(&r, 16, 12);
    fill_pattern(in, 0, sizeof(in));
    struct recorder w = recorder(in, true, -1);
    struct ringbuf_copier copier = copier_of(&w);
    assert_int_equal(ringbuf_write_pieces(&r.rb, 10, &copier), 10);
    /* 4 bytes up to the end, then 6 from the start. */
    assert_int_equal(w.pieces, 2);
    assert_ptr_equal(w.piece[0], r.rb.data + 12);
    assert_int_equal(w.len[0], 4);
    assert_ptr_equal(w.piece[1], r.rb.data);
    assert_int_equal(w.len[1], 6);

    struct recorder rd = recorder(out, false, -1);
    copier = copier_of(&rd);
    assert_int_equal(ringbuf_read_pieces(&r.rb, 16, &copier), 10);
    assert_int_equal(rd.pieces, 2);
    assert_memory_equal(out, in, 10);

    /* What does not wrap is one piece; an empty ring or n of 0 offers none. */
    rd = recorder(out, false, -1);
    assert_int_equal(ringbuf_read_pieces(&r.rb, 16, &copier), 0);
    assert_int_equal(rd.pieces, 0);
    w = recorder(in, true, -1);
    copier = copier_of(&w);
    assert_int_equal(ringbuf_write_pieces(&r.rb, 5, &copier), 5);
    assert_int_equal(ringbuf_write_pieces(&r.rb, 0, &copier), 0);
    assert_int_equal(w.pieces, 1);
    ring_free(&r);
}

/*
 * A refused piece ends the move: refused first, nothing moves; refused
 * second, exactly the first piece does. Then the mover goes on from there,
 * and nothing is lost or repeated. Writing, then reading, 10 bytes from
 * offset 12: 4 bytes, then 6.
 */
static void test_a_refused_piece_ends_the_move(void **state)
{
    struct ring r;
    char in[16], out[16];

    (void)state;
    ring_new_at(&r, 16, 12);
    fill_pattern(in, 0, sizeof(in));
    struct recorder rec = recorder(in, true, 0);
    struct ringbuf_copier copier = copier_of(&rec);
    assert_int_equal(ringbuf_write_pieces(&r.rb, 10, &copier), 0);
    assert_fill(&r.rb, 0);
    rec = recorder(in, true, 1);
    assert_int_equal(ringbuf_write_pieces(&r.rb, 10, &copier), 4);
    assert_fill(&r.rb, 4);
    rec = recorder(in + 4, true, -1);
    assert_int_equal(ringbuf_write_pieces(&r.rb, 6, &copier), 6);
    assert_fill(&r.rb, 10);

    memset(out, 0, sizeof(out));
    rec = recorder(out, false, 0);
    assert_int_equal(ringbuf_read_pieces(&r.rb, 10, &copier), 0);
    assert_fill(&r.rb, 10);
    rec = recorder(out, false, 1);
    assert_int_equal(ringbuf_read_pieces(&r.rb, 10, &copier), 4);
    assert_fill(&r.rb, 6);
    rec = recorder(out + 4, false, -1);
    assert_int_equal(ringbuf_read_pieces(&r.rb, 10, &copier), 6);
    assert_memory_equal(out, in, 10);
    assert_fill(&r.rb, 0);
    ring_free(&r);
}

/* ---- counter wrap-around -------------------------------------------------- */

static void test_counters_wrap_past_size_max(void **state)
{
    struct ring r;
    char in[32], out[32];

    (void)state;
    ring_new(&r, 32);
    /* Empty, 6 bytes before the counters wrap. */
    r.rb.head = r.rb.tail = SIZE_MAX - 5;
    assert_fill(&r.rb, 0);
    fill_pattern(in, 0, 32);
    assert_int_equal(ringbuf_write(&r.rb, in, 20), 20);
    assert_true(r.rb.head < r.rb.tail); /* head wrapped, tail did not */
    assert_int_equal(r.rb.head, 14);
    assert_fill(&r.rb, 20);
    assert_int_equal(ringbuf_write(&r.rb, in + 20, 32), 12);
    assert_fill(&r.rb, 32);
    assert_int_equal(ringbuf_read(&r.rb, out, 32), 32);
    assert_memory_equal(out, in, 32);
    assert_fill(&r.rb, 0);
    assert_int_equal(r.rb.tail, 26);

    /* Full ring whose counters straddle the wrap: head = 3, tail = SIZE_MAX - 28. */
    r.rb.head = r.rb.tail = SIZE_MAX - 28;
    assert_int_equal(ringbuf_write(&r.rb, in, 32), 32);
    assert_int_equal(r.rb.head, 3);
    assert_fill(&r.rb, 32);
    assert_int_equal(ringbuf_write(&r.rb, in, 1), 0);
    assert_int_equal(ringbuf_read(&r.rb, out, 7), 7);
    assert_fill(&r.rb, 25);
    assert_int_equal(ringbuf_read(&r.rb, out + 7, 32), 25);
    assert_memory_equal(out, in, 32);
    assert_fill(&r.rb, 0);

    /* Exactly at the top: head = SIZE_MAX, one byte wraps it to 0. */
    r.rb.head = r.rb.tail = SIZE_MAX;
    assert_int_equal(ringbuf_write(&r.rb, "z", 1), 1);
    assert_int_equal(r.rb.head, 0);
    assert_fill(&r.rb, 1);
    assert_int_equal(ringbuf_read(&r.rb, out, 32), 1);
    assert_int_equal(out[0], 'z');
    assert_int_equal(r.rb.tail, 0);
    assert_fill(&r.rb, 0);
    ring_free(&r);
}

/*
 * Because 2^64 is a multiple of the size, a byte's slot depends only on its
 * position in the stream: streaming across the wrap point from counters
 * near SIZE_MAX gives the same storage contents as starting from 0.
 */
static void test_storage_slot_consistent_across_counter_wrap(void **state)
{
    struct ring near_top, from_zero;
    char in[16], out[16];

    (void)state;
    ring_new(&near_top, 16);
    ring_new(&from_zero, 16);
    near_top.rb.head = near_top.rb.tail = (SIZE_MAX - 100) & ~(size_t)15; /* same offset 0 */
    size_t stream = 0;
    for (int round = 0; round < 50; round++) {
        size_t n = 1 + (size_t)round % 13;
        fill_pattern(in, stream, n);
        assert_int_equal(ringbuf_write(&near_top.rb, in, n), n);
        assert_int_equal(ringbuf_write(&from_zero.rb, in, n), n);
        assert_memory_equal(near_top.buffer + GUARD, from_zero.buffer + GUARD, 16);
        assert_int_equal(ringbuf_read(&near_top.rb, out, n), n);
        assert_memory_equal(out, in, n);
        assert_int_equal(ringbuf_read(&from_zero.rb, out, n), n);
        assert_memory_equal(out, in, n);
        stream += n;
    }
    assert_true(near_top.rb.head < 1000); /* it did wrap */
    ring_free(&near_top);
    ring_free(&from_zero);
}

/* ---- random stress -------------------------------------------------------- */

/*
 * Random writes and reads against a FIFO model: an array holding the whole
 * stream, with the model's own read and write positions.
 */
static void stress(size_t size, size_t start, uint64_t seed, int ops)
{
    struct ring r;
    size_t cap = (size_t)ops * (size + 4) + 1;
    char *stream = malloc(cap);
    char *out = malloc(size + 4);
    size_t written = 0, read = 0;

    assert_non_null(stream);
    assert_non_null(out);
    ring_new(&r, size);
    r.rb.head = r.rb.tail = start;
    rng_seed(seed);
    for (size_t i = 0; i < cap; i++)
        stream[i] = (char)(rng_next() >> 56);

    for (int op = 0; op < ops; op++) {
        size_t n = (size_t)(rng_next() % (size + 4));
        if (rng_next() % 2) {
            size_t fit = n < size - (written - read) ? n : size - (written - read);
            assert_int_equal(ringbuf_write(&r.rb, stream + written, n), fit);
            written += fit;
        } else {
            size_t have = n < written - read ? n : written - read;
            assert_int_equal(ringbuf_read(&r.rb, out, n), have);
            assert_memory_equal(out, stream + read, have);
            read += have;
        }
        assert_fill(&r.rb, written - read);
        assert_int_equal(r.rb.head, start + written);
        assert_int_equal(r.rb.tail, start + read);
    }
    assert_int_equal(ringbuf_read(&r.rb, out, size + 4), written - read);
    assert_memory_equal(out, stream + read, written - read);
    assert_true(written > (size_t)ops / 2); /* the stream really moved */
    ring_free(&r);
    free(out);
    free(stream);
}

static void test_random_stress_against_fifo_model(void **state)
{
    (void)state;
    stress(64, 0, 0x0123456789ABCDEFULL, 50000);
    stress(8, 0, 0xFEEDFACECAFEBEEFULL, 50000);
    stress(1024, 0, 0x9E3779B97F4A7C15ULL, 20000);
}

static void test_random_stress_counters_wrapping(void **state)
{
    (void)state;
    /* Start close enough to SIZE_MAX that the counters wrap early on. */
    stress(64, SIZE_MAX - 1000, 0xA5A5A5A55A5A5A5AULL, 50000);
    stress(16, SIZE_MAX - 3, 0x1234567887654321ULL, 50000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_zero_and_non_powers_of_two),
        cmocka_unit_test(test_write_then_read_exact),
        cmocka_unit_test(test_write_when_full_is_partial),
        cmocka_unit_test(test_read_when_empty_returns_zero),
        cmocka_unit_test(test_wrap_around_preserves_bytes),
        cmocka_unit_test(test_size_one_ring),
        cmocka_unit_test(test_pieces_split_at_the_end_of_storage),
        cmocka_unit_test(test_a_refused_piece_ends_the_move),
        cmocka_unit_test(test_counters_wrap_past_size_max),
        cmocka_unit_test(test_storage_slot_consistent_across_counter_wrap),
        cmocka_unit_test(test_random_stress_against_fifo_model),
        cmocka_unit_test(test_random_stress_counters_wrapping),
    };

    return cmocka_run_group_tests_name("ringbuf", tests, NULL, NULL);
}
