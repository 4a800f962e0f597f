/*
 * Unit tests for the rules of a pipe (kernel/ipc/pipe_buffer.h).
 *
 *   gcc ... tests/unit/test_pipe_buffer.c kernel/ipc/pipe_buffer.c kernel/lib/ringbuf.c -lcmocka
 *
 * The contract cases first: end of file, broken pipe, partial writes, the
 * ring's wrap-around, exactly when a caller is told to wait (-EAGAIN), and
 * a copy that fails (a bad user address) on the first or the second piece
 * of a read or a write. Then a long seeded run of random reads, writes,
 * opens, closes and failing copies checked against a reference written the
 * slow way: the whole stream in an array, with its own positions and end
 * counts, every byte compared.
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

#include "ipc/pipe_buffer.h"
#include "lib/errno.h"

#define SIZE 16 /* small, so tests reach full and wrap around quickly */

struct pipe {
    struct pipe_buffer pb;
    char storage[SIZE];
};

/*
 * A read or a write through a recorder (copier_fixture.h) over the test's
 * memory that refuses the piece numbered fail_at, or none when it is -1.
 */
static long read_failing(struct pipe_buffer *pb, char *dst, size_t n, int fail_at)
{
    struct recorder r = recorder(dst, false, fail_at);
    struct ringbuf_copier copier = copier_of(&r);
    return pipe_buffer_read(pb, n, &copier);
}

static long write_failing(struct pipe_buffer *pb, const char *src, size_t n, int fail_at)
{
    struct recorder r = recorder((char *)src, true, fail_at); /* only read: into_ring */
    struct ringbuf_copier copier = copier_of(&r);
    return pipe_buffer_write(pb, n, &copier);
}

static long pb_read(struct pipe_buffer *pb, char *dst, size_t n)
{
    return read_failing(pb, dst, n, -1);
}

static long pb_write(struct pipe_buffer *pb, const char *src, size_t n)
{
    return write_failing(pb, src, n, -1);
}

/* A pipe with the given number of ends open. */
static void pipe_new(struct pipe *p, unsigned readers, unsigned writers)
{
    assert_true(pipe_buffer_init(&p->pb, p->storage, SIZE));
    for (unsigned i = 0; i < readers; i++)
        pipe_buffer_open(&p->pb, PIPE_READ_END);
    for (unsigned i = 0; i < writers; i++)
        pipe_buffer_open(&p->pb, PIPE_WRITE_END);
}

static void put(struct pipe *p, const char *s)
{
    long n = (long)strlen(s);
    assert_int_equal(pb_write(&p->pb, s, (size_t)n), n);
}

/* ---- the contract ----------------------------------------------------------------- */

static void test_init_rejects_sizes_that_are_not_powers_of_two(void **state)
{
    struct pipe_buffer pb;
    char storage[12];

    (void)state;
    assert_false(pipe_buffer_init(&pb, storage, 12));
    assert_false(pipe_buffer_init(&pb, storage, 0));
    assert_true(pipe_buffer_init(&pb, storage, 8));
    assert_int_equal(pb.readers, 0);
    assert_int_equal(pb.writers, 0);
}

static void test_end_of_file_only_when_empty_and_no_writer(void **state)
{
    struct pipe p;
    char out[SIZE];

    (void)state;
    pipe_new(&p, 1, 2);
    put(&p, "abc");
    assert_false(pipe_buffer_close(&p.pb, PIPE_WRITE_END));
    assert_false(pipe_buffer_close(&p.pb, PIPE_WRITE_END));
    /* Every writer is gone, but what they wrote is still read first. */
    assert_int_equal(pb_read(&p.pb, out, 2), 2);
    assert_memory_equal(out, "ab", 2);
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), 1);
    assert_int_equal(out[0], 'c');
    /* Then end of file, as often as asked. */
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), 0);
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), 0);
}

static void test_empty_with_a_writer_waits_rather_than_ending(void **state)
{
    struct pipe p;
    char out[SIZE];

    (void)state;
    pipe_new(&p, 1, 1);
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), -EAGAIN);
    put(&p, "x");
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), 1);
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), -EAGAIN);
    /* A second writer opened and closed changes nothing while the first stays. */
    pipe_buffer_open(&p.pb, PIPE_WRITE_END);
    assert_false(pipe_buffer_close(&p.pb, PIPE_WRITE_END));
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), -EAGAIN);
    assert_false(pipe_buffer_close(&p.pb, PIPE_WRITE_END));
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), 0);
}

static void test_broken_pipe_without_reader_even_with_space(void **state)
{
    struct pipe p;
    char out[SIZE];

    (void)state;
    pipe_new(&p, 1, 1);
    put(&p, "abcd");
    assert_false(pipe_buffer_close(&p.pb, PIPE_READ_END));
    assert_int_equal(pb_write(&p.pb, "e", 1), -EPIPE);
    assert_int_equal(pb_write(&p.pb, "e", 0), -EPIPE);
    assert_int_equal(p.pb.ring.head, 4); /* nothing went in */

    /* Full and without a reader: broken, not "wait". */
    pipe_new(&p, 1, 1);
    put(&p, "0123456789abcdef");
    assert_int_equal(pb_write(&p.pb, "g", 1), -EAGAIN);
    assert_false(pipe_buffer_close(&p.pb, PIPE_READ_END));
    assert_int_equal(pb_write(&p.pb, "g", 1), -EPIPE);

    /* A reader that comes back (a VFS open of a named pipe) mends it. */
    pipe_buffer_open(&p.pb, PIPE_READ_END);
    assert_int_equal(pb_read(&p.pb, out, 1), 1);
    assert_int_equal(pb_write(&p.pb, "g", 1), 1);
}

static void test_partial_write_when_nearly_full(void **state)
{
    struct pipe p;
    char out[SIZE];

    (void)state;
    pipe_new(&p, 1, 1);
    put(&p, "0123456789ab");
    /* 4 bytes of room: 4 of the 10 go in, the caller keeps the rest. */
    assert_int_equal(pb_write(&p.pb, "ABCDEFGHIJ", 10), 4);
    assert_int_equal(pb_write(&p.pb, "EFGHIJ", 6), -EAGAIN);
    assert_int_equal(pb_read(&p.pb, out, 3), 3);
    assert_int_equal(pb_write(&p.pb, "EFGHIJ", 6), 3);
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), SIZE);
    assert_memory_equal(out, "3456789abABCDEFG", SIZE);
}

static void test_wrap_around_keeps_bytes_in_order(void **state)
{
    struct pipe p;
    char in[3 * SIZE], out[3 * SIZE];

    (void)state;
    pipe_new(&p, 1, 1);
    for (size_t i = 0; i < sizeof(in); i++)
        in[i] = (char)('A' + i % 26);
    /*
     * Writes of 11, reads of 7: the buffer fills up (then writes are partial
     * or must wait), and both ends pass the ring's edge again and again.
     */
    size_t written = 0, read = 0;
    while (read < sizeof(in)) {
        size_t n = sizeof(in) - written < 11 ? sizeof(in) - written : 11;
        long w = pb_write(&p.pb, in + written, n);
        if (w != -EAGAIN)
            written += (size_t)w;
        long r = pb_read(&p.pb, out + read, 7);
        assert_true(r > 0);
        read += (size_t)r;
        assert_memory_equal(out, in, read);
    }
    assert_true(p.pb.ring.head > 2 * SIZE); /* it did go round */
}

/* What a call that gives result gives when its first piece cannot be copied. */
static long faulted(long result)
{
    return result > 0 ? -EFAULT : result;
}

/* A pipe in the state of one case: used bytes buffered, then the end counts set. */
static void pipe_in_state(struct pipe *p, unsigned readers, unsigned writers, size_t used)
{
    static const char fill[SIZE];
    pipe_new(p, 1, 1);
    assert_int_equal(pb_write(&p->pb, fill, used), (long)used);
    p->pb.readers = readers;
    p->pb.writers = writers;
}

/*
 * Exactly when each call says "wait": the whole table of states. A copier
 * that refuses every piece changes only the cases that would move a byte,
 * to -EFAULT: the rules are decided before anything is copied.
 */
static void test_wait_exactly_when_nothing_can_happen_yet(void **state)
{
    static const struct {
        unsigned readers, writers;
        size_t used;      /* bytes in the buffer */
        long read, write; /* what reading and writing 1 byte give */
    } cases[] = {
        {1, 1, 0, -EAGAIN, 1},
        {1, 1, 5, 1, 1},
        {1, 1, SIZE, 1, -EAGAIN},
        {1, 0, 0, 0, 1},
        {1, 0, 5, 1, 1},
        {1, 0, SIZE, 1, -EAGAIN},
        {0, 1, 0, -EAGAIN, -EPIPE},
        {0, 1, 5, 1, -EPIPE},
        {0, 1, SIZE, 1, -EPIPE},
        {2, 3, 0, -EAGAIN, 1},
        {2, 3, SIZE, 1, -EAGAIN},
    };
    char c = 'z';

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct pipe p;
        pipe_in_state(&p, cases[i].readers, cases[i].writers, cases[i].used);
        assert_int_equal(pb_read(&p.pb, &c, 1), cases[i].read);
        pipe_in_state(&p, cases[i].readers, cases[i].writers, cases[i].used);
        assert_int_equal(pb_write(&p.pb, &c, 1), cases[i].write);

        pipe_in_state(&p, cases[i].readers, cases[i].writers, cases[i].used);
        assert_int_equal(read_failing(&p.pb, &c, 1, 0), faulted(cases[i].read));
        assert_int_equal(ringbuf_used(&p.pb.ring), cases[i].used);
        pipe_in_state(&p, cases[i].readers, cases[i].writers, cases[i].used);
        assert_int_equal(write_failing(&p.pb, &c, 1, 0), faulted(cases[i].write));
        assert_int_equal(ringbuf_used(&p.pb.ring), cases[i].used);
    }
}

static void test_zero_length_never_waits(void **state)
{
    struct pipe p;
    char out[1];

    (void)state;
    pipe_new(&p, 1, 1);
    assert_int_equal(pb_read(&p.pb, out, 0), 0); /* empty, writer open */
    put(&p, "0123456789abcdef");
    assert_int_equal(pb_write(&p.pb, "x", 0), 0); /* full, reader open */
}

static void test_close_reports_when_the_last_end_goes(void **state)
{
    struct pipe p;

    (void)state;
    pipe_new(&p, 2, 1);
    assert_false(pipe_buffer_close(&p.pb, PIPE_READ_END));
    assert_false(pipe_buffer_close(&p.pb, PIPE_WRITE_END));
    assert_true(pipe_buffer_close(&p.pb, PIPE_READ_END));

    pipe_new(&p, 1, 1);
    assert_false(pipe_buffer_close(&p.pb, PIPE_READ_END));
    assert_true(pipe_buffer_close(&p.pb, PIPE_WRITE_END));
}

/* ---- faults ---------------------------------------------------------------------- */

/*
 * An empty pipe whose next byte goes 4 before the end of the storage: a
 * move of 10 bytes is two pieces there, 4 then 6.
 */
static void pipe_near_the_edge(struct pipe *p)
{
    pipe_new(p, 1, 1);
    p->pb.ring.head = p->pb.ring.tail = SIZE - 4;
}

static void test_write_fault_keeps_what_was_copied(void **state)
{
    struct pipe p;
    char out[SIZE];

    (void)state;
    pipe_near_the_edge(&p);
    assert_int_equal(write_failing(&p.pb, "0123456789", 10, 0), -EFAULT);
    assert_int_equal(ringbuf_used(&p.pb.ring), 0);

    /* The second piece fails: the first 4 are in, and only they. */
    assert_int_equal(write_failing(&p.pb, "0123456789", 10, 1), 4);
    assert_int_equal(ringbuf_used(&p.pb.ring), 4);
    /* The writer goes on from where it stopped: nothing lost, nothing twice. */
    assert_int_equal(pb_write(&p.pb, "456789", 6), 6);
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), 10);
    assert_memory_equal(out, "0123456789", 10);
}

static void test_read_fault_leaves_the_rest_buffered(void **state)
{
    struct pipe p;
    char out[SIZE];

    (void)state;
    pipe_near_the_edge(&p);
    put(&p, "0123456789");
    memset(out, 0, sizeof(out));
    assert_int_equal(read_failing(&p.pb, out, 10, 0), -EFAULT);
    assert_int_equal(ringbuf_used(&p.pb.ring), 10);

    /* The second piece fails: the reader has the first 4; 6 stay, in order. */
    assert_int_equal(read_failing(&p.pb, out, 10, 1), 4);
    assert_memory_equal(out, "0123", 4);
    assert_int_equal(ringbuf_used(&p.pb.ring), 6);
    assert_int_equal(pb_read(&p.pb, out, sizeof(out)), 6);
    assert_memory_equal(out, "456789", 6);
    /* A writer still open: the pipe is empty, not ended. */
    assert_int_equal(read_failing(&p.pb, out, 10, 0), -EAGAIN);
}

/* ---- random model ----------------------------------------------------------------- */

/*
 * The reference: the stream as an array (every byte ever offered to write),
 * how much of it went in and how much came out, and the end counts. Its
 * rules are the header's, written without a ring.
 */
struct model {
    char *stream;
    size_t cap, written, read;
    unsigned readers, writers;
};

static long model_read(const struct model *m, size_t n)
{
    size_t used = m->written - m->read;
    if (n == 0)
        return 0;
    if (used == 0)
        return m->writers ? -EAGAIN : 0;
    return (long)(n < used ? n : used);
}

static long model_write(const struct model *m, size_t size, size_t n)
{
    size_t space = size - (m->written - m->read);
    if (!m->readers)
        return -EPIPE;
    if (n > 0 && space == 0)
        return -EAGAIN;
    return (long)(n < space ? n : space);
}

/*
 * What a move that would give want gives when the copier refuses piece
 * fail_at (-1: none). It starts at position pos of the stream, which is
 * also its place in the storage (the ring started at 0), so the first piece
 * ends at the storage's end.
 */
static long model_fault(long want, size_t pos, size_t size, int fail_at)
{
    size_t first = size - pos % size;
    if (want <= 0 || fail_at < 0)
        return want;
    if (fail_at == 0)
        return -EFAULT;
    return (size_t)want > first ? (long)first : want;
}

/* Opens or closes one end at random, keeping at least one end open. */
static void random_open_or_close(struct pipe_buffer *pb, struct model *m)
{
    enum pipe_end end = rng_below(2) ? PIPE_READ_END : PIPE_WRITE_END;
    unsigned *count = end == PIPE_READ_END ? &m->readers : &m->writers;
    if (rng_below(2) || *count == 0 || m->readers + m->writers == 1) {
        pipe_buffer_open(pb, end);
        ++*count;
    } else {
        --*count;
        assert_false(pipe_buffer_close(pb, end));
    }
}

static void run_model(size_t size, uint64_t seed, int ops)
{
    struct pipe_buffer pb;
    struct model m = {.cap = (size_t)ops * (size + 8)};
    char *storage = malloc(size), *out = malloc(size + 8);

    m.stream = malloc(m.cap);
    assert_non_null(storage);
    assert_non_null(out);
    assert_non_null(m.stream);
    rng_seed(seed);
    for (size_t i = 0; i < m.cap; i++)
        m.stream[i] = (char)rng_next();
    assert_true(pipe_buffer_init(&pb, storage, size));
    pipe_buffer_open(&pb, PIPE_READ_END);
    pipe_buffer_open(&pb, PIPE_WRITE_END);
    m.readers = m.writers = 1;

    long reads = 0, writes = 0, eofs = 0, epipes = 0, faults = 0;
    for (int op = 0; op < ops; op++) {
        size_t n = (size_t)rng_below(size + 8);
        uint64_t what = rng_below(100);
        /*
         * Every tenth op has a bad piece, the first or the second in turn:
         * on a schedule rather than drawn, so the ops drawn stay those of
         * the runs before faults were modelled.
         */
        int fail_at = op % 10 == 0 ? op / 10 % 2 : -1;
        if (what < 4) {
            random_open_or_close(&pb, &m);
        } else if (what < 52) {
            long want = model_fault(model_write(&m, size, n), m.written, size, fail_at);
            assert_int_equal(write_failing(&pb, m.stream + m.written, n, fail_at), want);
            if (want > 0) {
                m.written += (size_t)want;
                writes++;
            }
            epipes += want == -EPIPE;
        } else {
            long want = model_fault(model_read(&m, n), m.read, size, fail_at);
            memset(out, 0, size + 8);
            assert_int_equal(read_failing(&pb, out, n, fail_at), want);
            if (want > 0) {
                assert_memory_equal(out, m.stream + m.read, (size_t)want);
                m.read += (size_t)want;
                reads++;
            }
            eofs += want == 0 && n > 0;
        }
        faults += what >= 4 && fail_at >= 0;
        assert_int_equal(pb.readers, m.readers);
        assert_int_equal(pb.writers, m.writers);
        assert_int_equal(ringbuf_used(&pb.ring), m.written - m.read);
    }
    /* Every kind of outcome came up, so the run tested what it claims. */
    assert_true(reads > ops / 10 && writes > ops / 10 && eofs > 0 && epipes > 0);
    assert_true(faults > ops / 20);
    free(m.stream);
    free(out);
    free(storage);
}

static void test_random_operations_match_the_model(void **state)
{
    (void)state;
    run_model(16, 0x9E3779B97F4A7C15ULL, 200000);
    run_model(64, 0xC0FFEE0DDF00D123ULL, 100000);
    run_model(4096, 0x0123456789ABCDEFULL, 20000);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_init_rejects_sizes_that_are_not_powers_of_two),
        cmocka_unit_test(test_end_of_file_only_when_empty_and_no_writer),
        cmocka_unit_test(test_empty_with_a_writer_waits_rather_than_ending),
        cmocka_unit_test(test_broken_pipe_without_reader_even_with_space),
        cmocka_unit_test(test_partial_write_when_nearly_full),
        cmocka_unit_test(test_wrap_around_keeps_bytes_in_order),
        cmocka_unit_test(test_wait_exactly_when_nothing_can_happen_yet),
        cmocka_unit_test(test_zero_length_never_waits),
        cmocka_unit_test(test_close_reports_when_the_last_end_goes),
        cmocka_unit_test(test_write_fault_keeps_what_was_copied),
        cmocka_unit_test(test_read_fault_leaves_the_rest_buffered),
        cmocka_unit_test(test_random_operations_match_the_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
