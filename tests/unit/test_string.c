/*
 * Unit tests for the kernel's memcpy, memset and memmove (kernel/lib/string.c),
 * which also serve the userland's C library.
 *
 *   gcc ... -fno-builtin tests/unit/test_string.c kernel/lib/string.c -lcmocka
 *
 * They copy and fill 8 bytes per step and then the last 0-7 bytes one at a
 * time (memcpy 64 bytes a turn before that), so every length from 0 to
 * three such turns is tried at every alignment of source and destination,
 * against a byte-at-a-time reference, with guard bytes around the
 * destination to catch a step too far. The functions under
 * test replace the host C library's for the whole program (cmocka included),
 * and -fno-builtin keeps the compiler from inlining its own.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/string.h"

#define MAX_LEN    200
#define MAX_OFFSET 16
#define GUARD      16
#define GUARD_BYTE 0xa5
#define AREA       (GUARD + MAX_OFFSET + MAX_LEN + GUARD)

static unsigned char source_byte(size_t i)
{
    return (unsigned char)(i * 37 + 11);
}

static void fill_area(unsigned char *area, unsigned char byte)
{
    for (size_t i = 0; i < AREA; i++)
        area[i] = byte;
}

/* Every byte of area outside [at, at + len) still holds GUARD_BYTE. */
static void assert_untouched_outside(const unsigned char *area, size_t at, size_t len)
{
    for (size_t i = 0; i < AREA; i++)
        if (i < at || i >= at + len)
            assert_int_equal(area[i], GUARD_BYTE);
}

static void test_memcpy_every_length_and_alignment(void **state)
{
    (void)state;
    unsigned char src[AREA], dst[AREA];
    for (size_t i = 0; i < AREA; i++)
        src[i] = source_byte(i);
    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t from = 0; from < MAX_OFFSET; from++)
            for (size_t to = 0; to < MAX_OFFSET; to++) {
                fill_area(dst, GUARD_BYTE);
                void *ret = memcpy(dst + GUARD + to, src + from, len);
                assert_ptr_equal(ret, dst + GUARD + to);
                for (size_t i = 0; i < len; i++)
                    assert_int_equal(dst[GUARD + to + i], src[from + i]);
                assert_untouched_outside(dst, GUARD + to, len);
            }
}

static void test_memset_every_length_alignment_and_value(void **state)
{
    (void)state;
    static const int values[] = {0, 1, 0x7f, 0x80, 0xff, -1, 0x1234}; /* only the low byte counts */
    unsigned char area[AREA];
    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
        for (size_t len = 0; len <= MAX_LEN; len++)
            for (size_t at = 0; at < MAX_OFFSET; at++) {
                fill_area(area, GUARD_BYTE);
                void *ret = memset(area + GUARD + at, values[v], len);
                assert_ptr_equal(ret, area + GUARD + at);
                for (size_t i = 0; i < len; i++)
                    assert_int_equal(area[GUARD + at + i], (unsigned char)values[v]);
                assert_untouched_outside(area, GUARD + at, len);
            }
}

/* Moves len bytes from offset from to offset to within one buffer, both ways round. */
static void test_memmove_overlapping_both_directions(void **state)
{
    (void)state;
    unsigned char area[AREA], expected[AREA];
    for (size_t len = 0; len <= MAX_LEN; len++)
        for (size_t from = 0; from < MAX_OFFSET; from++)
            for (size_t to = 0; to < MAX_OFFSET; to++) {
                for (size_t i = 0; i < AREA; i++)
                    area[i] = expected[i] = source_byte(i);
                for (size_t i = 0; i < len; i++)
                    expected[GUARD + to + i] = area[GUARD + from + i];
                void *ret = memmove(area + GUARD + to, area + GUARD + from, len);
                assert_ptr_equal(ret, area + GUARD + to);
                assert_memory_equal(area, expected, AREA);
            }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memcpy_every_length_and_alignment),
        cmocka_unit_test(test_memset_every_length_alignment_and_value),
        cmocka_unit_test(test_memmove_overlapping_both_directions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
