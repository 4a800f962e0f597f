/*
 * Unit tests for the formatting engine (kernel/lib/format.h).
 *
 *   gcc ... tests/unit/test_format.c kernel/lib/format.c -lcmocka
 *
 * Where the kernel's semantics coincide with C99's, the output and return
 * value of ksnprintf are compared with the host's snprintf for the same
 * format and arguments; elsewhere (%p, NULL %s, unknown conversions) the
 * expected text is written out here.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format.h"

#define OUT_SIZE 512

/* ---- helpers -------------------------------------------------------------- */

/*
 * Formats with both ksnprintf and the host's vsnprintf and fails, naming the
 * format and the caller's line, unless text and return value agree.
 */
static void check_same(int line, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void check_same(int line, const char *fmt, ...)
{
    char got[OUT_SIZE], want[OUT_SIZE];
    va_list args, copy;

    va_start(args, fmt);
    va_copy(copy, args);
    int got_len = kvsnprintf(got, sizeof(got), fmt, args);
    int want_len = vsnprintf(want, sizeof(want), fmt, copy);
    va_end(copy);
    va_end(args);
    if (got_len != want_len || strcmp(got, want) != 0)
        fail_msg("line %d: format \"%s\": got \"%s\" (%d), want \"%s\" (%d)", line, fmt, got,
                 got_len, want, want_len);
}

#define SAME(...) check_same(__LINE__, __VA_ARGS__)

/*
 * Formats with ksnprintf and compares with the expected text; the return
 * value must be its length. No format attribute: some formats here are
 * deliberately not valid printf formats.
 */
static void check_text(int line, const char *want, const char *fmt, ...)
{
    char got[OUT_SIZE];
    va_list args;

    va_start(args, fmt);
    int got_len = kvsnprintf(got, sizeof(got), fmt, args);
    va_end(args);
    if (got_len != (int)strlen(want) || strcmp(got, want) != 0)
        fail_msg("line %d: format \"%s\": got \"%s\" (%d), want \"%s\" (%zu)", line, fmt, got,
                 got_len, want, strlen(want));
}

#define TEXT(want, ...) check_text(__LINE__, want, __VA_ARGS__)

/* ---- conversions ---------------------------------------------------------- */

static void test_plain_text_and_percent_escape(void **state)
{
    (void)state;
    SAME("%s", "");
    SAME("hello, world");
    SAME("100%%");
    SAME("%%d %%s %%%%");
    SAME("a%%b%%c%%");
    TEXT("", "");
    TEXT("tab\there\nnewline", "tab\there\nnewline");
}

static void test_signed_decimal(void **state)
{
    static const int values[] = {0,       1,       -1,      9,           10,
                                 -10,     42,      -42,     12345,       99999,
                                 -100000, INT_MAX, INT_MIN, INT_MAX - 1, INT_MIN + 1};

    (void)state;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        SAME("%d", values[i]);
        SAME("%i", values[i]);
        SAME("[%d|%i]", values[i], -values[i] / 2);
    }
}

static void test_unsigned_decimal_and_hex(void **state)
{
    static const unsigned values[] = {
        0, 1, 9, 10, 15, 16, 255, 256, 0xABCDEF, 0xDEADBEEF, 4294967295u, 2147483648u, 1000000000u};

    (void)state;
    for (size_t i = 0; i < sizeof(values) / sizeof(values[0]); i++) {
        SAME("%u", values[i]);
        SAME("%x", values[i]);
        SAME("%X", values[i]);
        SAME("%u=%x=%X", values[i], values[i], values[i]);
    }
    /* A negative int through %u and %x: the unsigned reinterpretation. */
    SAME("%u %x %X", (unsigned)-1, (unsigned)-2, (unsigned)INT_MIN);
}

static void test_length_modifiers(void **state)
{
    (void)state;
    SAME("%ld %ld %ld", LONG_MIN, LONG_MAX, -1L);
    SAME("%li %lu %lx %lX", LONG_MIN, ULONG_MAX, ULONG_MAX, 0xFEDCBA9876543210UL);
    SAME("%lld %lli", (long long)INT64_MIN, (long long)INT64_MAX);
    SAME("%llu %llx %llX", (unsigned long long)UINT64_MAX, (unsigned long long)UINT64_MAX,
         0x0123456789ABCDEFULL);
    SAME("%lld", -1234567890123456789LL);
    SAME("%llu", 10000000000000000000ULL);
    SAME("%zu %zx %zX", SIZE_MAX, SIZE_MAX, (size_t)0xC0FFEE);
    SAME("%zu %zu", (size_t)0, (size_t)4096);
    SAME("%zd %zd", (ssize_t)-1, (ssize_t)SSIZE_MAX);
    /* Without a modifier only 32 bits are read; the next argument stays aligned. */
    SAME("%d %lld %u %llu %x", -7, (long long)INT64_MIN, 3000000000u, 42ULL, 0xFFFFFFFFu);
    SAME("%d|%ld|%d", INT_MIN, LONG_MIN, INT_MAX);
}

static void test_width_and_flags(void **state)
{
    (void)state;
    SAME("[%5d]", 42);
    SAME("[%5d]", -42);
    SAME("[%1d]", 12345);
    SAME("[%2d]", -12345);
    SAME("[%-5d]", 42);
    SAME("[%-5d]", -42);
    SAME("[%05d]", 42);
    SAME("[%05d]", -42);
    SAME("[%05d]", 0);
    SAME("[%03d]", -123);
    /* - wins over 0 (the matrix below compares these with the host too). */
    TEXT("[-42  ]", "[%-05d]", -42);
    TEXT("[42   ]", "[%0-5d]", 42);
    TEXT("[0xab    ]", "[%-#08x]", 0xABu);
    SAME("[%20lld]", (long long)INT64_MIN);
    SAME("[%021lld]", (long long)INT64_MIN);
    SAME("[%-25llu]", (unsigned long long)UINT64_MAX);
    SAME("[%08x]", 0xBEEFu);
    SAME("[%-8X]", 0xBEEFu);
    SAME("[%016llx]", 0x1234ULL);
    SAME("[%10u]", 0u);
    SAME("[%010u]", 4294967295u);
    SAME("[%#x]", 0x1234u);
    SAME("[%#X]", 0xABCDu);
    SAME("[%#010x]", 0x1234u);
    SAME("[%#10x]", 0x1234u);
    SAME("[%#-10x]", 0x1234u);
    SAME("[%-#10X]", 0x1234u);
    SAME("[%#llx]", (unsigned long long)UINT64_MAX);
    SAME("[%#3x]", 0xABCDEu);
    /* # gives no 0x for zero. */
    SAME("[%#x]", 0u);
    SAME("[%#X]", 0u);
    SAME("[%#5x]", 0u);
    SAME("[%#05x]", 0u);
    SAME("[%#-5x]", 0u);
}

/* Every flag set and width against every integer conversion and value. */
static void test_flag_width_matrix_matches_host(void **state)
{
    static const char *const flags[] = {"", "-", "0", "-0", "#", "#0", "#-", "#-0"};
    static const char *const widths[] = {"", "1", "2", "5", "11", "20", "24"};
    static const char *const lengths[] = {"", "l", "ll", "z"};
    static const char conversions[] = "diuxX";
    static const long long values[] = {0,         1,         -1,        7,         -42,
                                       255,       65536,     INT_MAX,   INT_MIN,   UINT_MAX,
                                       INT64_MAX, INT64_MIN, 123456789, -99999999, 0x7FF0};
    char fmt[32], got[OUT_SIZE], want[OUT_SIZE];
    unsigned checked = 0;

    (void)state;
    for (size_t f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
        for (size_t w = 0; w < sizeof(widths) / sizeof(widths[0]); w++)
            for (size_t l = 0; l < sizeof(lengths) / sizeof(lengths[0]); l++)
                for (const char *c = conversions; *c; c++) {
                    /* # with a decimal conversion is undefined in C. */
                    if (flags[f][0] == '#' && (*c == 'd' || *c == 'i' || *c == 'u'))
                        continue;
                    snprintf(fmt, sizeof(fmt), "<%%%s%s%s%c>", flags[f], widths[w], lengths[l], *c);
                    for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++) {
                        int got_len, want_len;
                        if (lengths[l][0] == '\0') {
                            got_len = ksnprintf(got, sizeof(got), fmt, (int)values[v]);
                            want_len = snprintf(want, sizeof(want), fmt, (int)values[v]);
                        } else {
                            /* long, long long and size_t are all 64 bits here. */
                            got_len = ksnprintf(got, sizeof(got), fmt, values[v]);
                            want_len = snprintf(want, sizeof(want), fmt, values[v]);
                        }
                        if (got_len != want_len || strcmp(got, want) != 0)
                            fail_msg("format \"%s\" value %lld: got \"%s\", want \"%s\"", fmt,
                                     values[v], got, want);
                        checked++;
                    }
                }
    assert_true(checked > 10000);
}

static void test_strings(void **state)
{
    const char *volatile none = NULL;

    (void)state;
    SAME("%s", "kernel");
    SAME("[%s][%s]", "", "x");
    SAME("[%10s]", "right");
    SAME("[%-10s]", "left");
    SAME("[%3s]", "longer than width");
    SAME("[%-3s]", "longer");
    SAME("[%5s]", "");
    SAME("%s=%s;", "key", "value with spaces");
    TEXT("(null)", "%s", none);
    TEXT("[  (null)]", "[%8s]", none);
    TEXT("[(null)  ]", "[%-8s]", none);
    TEXT("a(null)b", "a%sb", none);
    /* 0 pads numbers only. */
    TEXT("[   ab]", "[%05s]", "ab");
}

static void test_chars(void **state)
{
    (void)state;
    SAME("%c", 'A');
    SAME("%c%c%c", 'x', 'y', 'z');
    SAME("[%3c]", '#');
    SAME("[%-3c]", '#');
    SAME("[%1c]", '!');
    SAME("%c", 255);
    SAME("%d%c%d", 1, '+', 2);
    TEXT("[    q]", "[%05c]", 'q');

    /* A NUL character is output and counted. */
    char buf[8];
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(ksnprintf(buf, sizeof(buf), "a%cb", 0), 3);
    assert_memory_equal(buf, "a\0b\0", 4);
}

static void test_pointer_is_0x_and_16_digits(void **state)
{
    (void)state;
    TEXT("0x0000000000000000", "%p", (void *)NULL);
    TEXT("0x0000000000001234", "%p", (void *)0x1234);
    TEXT("0xffffffff80000000", "%p", (void *)0xFFFFFFFF80000000ULL);
    TEXT("0xffffffffffffffff", "%p", (void *)UINTPTR_MAX);
    TEXT("0x00000000deadbeef", "%p", (void *)0xDEADBEEFULL);
    TEXT("[0x0000000000000010|7]", "[%p|%d]", (void *)16, 7);
    /* A real pointer prints the same digits as %llx. */
    int local = 0;
    char want[32];
    snprintf(want, sizeof(want), "0x%016llx", (unsigned long long)(uintptr_t)&local);
    TEXT(want, "%p", (void *)&local);
}

static void test_mixed_arguments_in_order(void **state)
{
    (void)state;
    SAME("%s:%d: %c%x %lu %lld %zu %s %%%u", "file.c", 123, '@', 0xABCu, 42UL, (long long)INT64_MIN,
         (size_t)7, "end", 99u);
    SAME("%-6s|%6d|%-6x|%06u|%c", "ab", -5, 0xFu, 12u, 'Z');
    char long_text[300];
    memset(long_text, 'x', sizeof(long_text) - 1);
    long_text[sizeof(long_text) - 1] = '\0';
    SAME("%s%d", long_text, 1234);
    SAME("[%200d]", -1);
}

/* ---- malformed formats ---------------------------------------------------- */

static void test_unknown_conversion_printed_verbatim(void **state)
{
    (void)state;
    TEXT("%q", "%q");
    TEXT("a%qb", "a%qb");
    TEXT("%5q", "%5q");
    TEXT("%-#05q", "%-#05q");
    TEXT("%lq", "%lq");
    TEXT("%zq", "%zq");
    TEXT("100%!", "100%!");
    TEXT("% d", "% d");
    /* An unknown conversion consumes no argument. */
    TEXT("%q 7 x", "%q %d %s", 7, "x");
    TEXT("%o 8", "%o %d", 8);
    TEXT("%f-1", "%f%d", -1);
}

static void test_trailing_lone_percent(void **state)
{
    (void)state;
    TEXT("%", "%");
    TEXT("abc%", "abc%");
    TEXT("5%", "%d%", 5);
    TEXT("%-", "%-");
    TEXT("x%05", "x%05");
    TEXT("%ll", "%ll");
    TEXT("%#", "%#");
    TEXT("50%%", "50%%%");
}

/* ---- truncation ----------------------------------------------------------- */

static void test_truncation_returns_full_length(void **state)
{
    char buf[16];

    (void)state;
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(ksnprintf(buf, 5, "%d", 123456789), 9);
    assert_string_equal(buf, "1234");
    for (size_t i = 5; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(ksnprintf(buf, 1, "%s", "anything"), 8);
    assert_int_equal(buf[0], '\0');
    assert_int_equal(buf[1], 'X');

    memset(buf, 'X', sizeof(buf));
    assert_int_equal(ksnprintf(buf, 0, "%s%d", "abc", 42), 5);
    for (size_t i = 0; i < sizeof(buf); i++)
        assert_int_equal(buf[i], 'X');
    assert_int_equal(ksnprintf(NULL, 0, "%s %p", "abc", (void *)1), 22);

    /* Exact fit, and one short of it. */
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(ksnprintf(buf, 6, "%s", "hello"), 5);
    assert_string_equal(buf, "hello");
    assert_int_equal(buf[6], 'X');
    assert_int_equal(ksnprintf(buf, 5, "%s", "hello"), 5);
    assert_string_equal(buf, "hell");
    /* Empty output still terminates. */
    memset(buf, 'X', sizeof(buf));
    assert_int_equal(ksnprintf(buf, sizeof(buf), "%s", ""), 0);
    assert_int_equal(buf[0], '\0');
}

/* Every buffer size from 0 up, against the host, with guard bytes after. */
static void test_truncation_every_size_matches_host(void **state)
{
    static const char *const fmt = "%s|%-8d|%#010x|%c|%20llu|%p|%5s%%";
    char got[128], want[128], full[128];

    (void)state;
    int len = ksnprintf(full, sizeof(full), fmt, "head", -321, 0xABCu, '!',
                        (unsigned long long)UINT64_MAX, (void *)0x1000, "tail");
    assert_int_equal(len, (int)strlen(full));
    assert_true(len + 8 < (int)sizeof(got));
    for (int size = 0; size <= len + 2; size++) {
        memset(got, '~', sizeof(got));
        memset(want, '~', sizeof(want));
        int got_len = ksnprintf(got, (size_t)size, fmt, "head", -321, 0xABCu, '!',
                                (unsigned long long)UINT64_MAX, (void *)0x1000, "tail");
        snprintf(want, (size_t)size, "%.*s", size > 0 ? size - 1 : 0, full);
        assert_int_equal(got_len, len);
        assert_memory_equal(got, want, sizeof(got));
        if (size > 0) {
            assert_int_equal(strlen(got), size - 1 < len ? size - 1 : len);
            assert_memory_equal(got, full, strlen(got));
        }
    }
}

/* ---- vformat -------------------------------------------------------------- */

struct recorder {
    char text[OUT_SIZE];
    int calls;
};

static void record(char c, void *ctx)
{
    struct recorder *r = ctx;

    if (r->calls < OUT_SIZE)
        r->text[r->calls] = c;
    r->calls++;
}

static int record_format(struct recorder *r, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    int n = vformat(record, r, fmt, args);
    va_end(args);
    return n;
}

static void test_vformat_sink_sees_every_character(void **state)
{
    struct recorder r = {0};

    (void)state;
    int n = record_format(&r, "%s=%5d%c%%|%#x|%q", "v", -12, '\0', 0xFFu);
    static const char want[] = "v=  -12\0%|0xff|%q";
    assert_int_equal(n, sizeof(want) - 1);
    assert_int_equal(r.calls, n);
    assert_memory_equal(r.text, want, sizeof(want) - 1);

    /* No output, no calls. */
    memset(&r, 0, sizeof(r));
    assert_int_equal(record_format(&r, ""), 0);
    assert_int_equal(r.calls, 0);

    /* Long output: the count is not limited by any buffer. */
    memset(&r, 0, sizeof(r));
    assert_int_equal(record_format(&r, "%300d%-200s", 5, "x"), 500);
    assert_int_equal(r.calls, 500);

    /* Same count and text as ksnprintf for the same arguments. */
    char buf[OUT_SIZE];
    memset(&r, 0, sizeof(r));
    n = record_format(&r, "%lld %p %s", (long long)INT64_MIN, (void *)0xABC, "ok");
    assert_int_equal(
        ksnprintf(buf, sizeof(buf), "%lld %p %s", (long long)INT64_MIN, (void *)0xABC, "ok"), n);
    assert_int_equal(r.calls, n);
    assert_memory_equal(r.text, buf, (size_t)n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_text_and_percent_escape),
        cmocka_unit_test(test_signed_decimal),
        cmocka_unit_test(test_unsigned_decimal_and_hex),
        cmocka_unit_test(test_length_modifiers),
        cmocka_unit_test(test_width_and_flags),
        cmocka_unit_test(test_flag_width_matrix_matches_host),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_chars),
        cmocka_unit_test(test_pointer_is_0x_and_16_digits),
        cmocka_unit_test(test_mixed_arguments_in_order),
        cmocka_unit_test(test_unknown_conversion_printed_verbatim),
        cmocka_unit_test(test_trailing_lone_percent),
        cmocka_unit_test(test_truncation_returns_full_length),
        cmocka_unit_test(test_truncation_every_size_matches_host),
        cmocka_unit_test(test_vformat_sink_sees_every_character),
    };

    return cmocka_run_group_tests_name("format", tests, NULL, NULL);
}
