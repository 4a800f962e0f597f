/*
 * Unit tests for the kernel command line (cmdline_has and cmdline_get in
 * kernel/boot/bootinfo.h).
 *
 *   gcc ... tests/unit/test_cmdline.c kernel/boot/cmdline.c -lcmocka
 *
 * Value buffers are pre-filled with a marker, so a test can tell what
 * cmdline_get wrote and that it wrote nothing past the size it was given.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "boot/bootinfo.h"

#define MARK 'M'

/* cmdline_get into a marked buffer of size bytes; returns its result. */
static bool get(const char *cmdline, const char *key, char *value, unsigned size)
{
    memset(value, MARK, size + 8);
    return cmdline_get(cmdline, key, value, size);
}

static void assert_untouched(const char *value, size_t from, size_t to)
{
    for (size_t i = from; i < to; i++)
        assert_int_equal(value[i], MARK);
}

/* ---- flags ---------------------------------------------------------------- */

static void test_has_flag_in_every_position(void **state)
{
    (void)state;
    assert_true(cmdline_has("selftest", "selftest"));
    assert_true(cmdline_has("selftest quiet", "selftest"));
    assert_true(cmdline_has("quiet selftest verbose", "selftest"));
    assert_true(cmdline_has("quiet verbose selftest", "selftest"));
    assert_true(cmdline_has("/boot/kernel.elf mm=buddy selftest", "selftest"));
    assert_true(cmdline_has("a b c", "a"));
    assert_true(cmdline_has("a b c", "b"));
    assert_true(cmdline_has("a b c", "c"));
    assert_false(cmdline_has("a b c", "d"));
}

static void test_has_with_extra_spaces(void **state)
{
    (void)state;
    assert_true(cmdline_has("   selftest", "selftest"));
    assert_true(cmdline_has("selftest   ", "selftest"));
    assert_true(cmdline_has("quiet     selftest     verbose", "selftest"));
    assert_true(cmdline_has("  quiet  ", "quiet"));
    assert_false(cmdline_has("     ", "quiet"));
}

static void test_has_matches_whole_words_only(void **state)
{
    (void)state;
    assert_false(cmdline_has("selftest", "self"));
    assert_false(cmdline_has("self", "selftest"));
    assert_false(cmdline_has("selftests", "selftest"));
    assert_false(cmdline_has("myselftest", "selftest"));
    assert_false(cmdline_has("xselftest selftestx sel ftest", "selftest"));
    assert_true(cmdline_has("selftests self selftest", "selftest"));
    assert_true(cmdline_has("selftest self", "self"));
    assert_false(cmdline_has("panicky=1", "panic"));
    assert_false(cmdline_has("quiet", "quiet "));
}

static void test_has_does_not_match_key_value_word(void **state)
{
    (void)state;
    /* "panic=halt" is a key=value word, not the flag "panic". */
    assert_false(cmdline_has("panic=halt", "panic"));
    assert_false(cmdline_has("panic= quiet", "panic"));
    assert_true(cmdline_has("panic=halt panic", "panic"));
    assert_true(cmdline_has("panic=halt", "panic=halt"));
}

static void test_has_on_empty_cmdline(void **state)
{
    (void)state;
    assert_false(cmdline_has("", "selftest"));
    assert_false(cmdline_has("", ""));
    /* An empty word is never present, with or without spaces around words. */
    assert_false(cmdline_has("quiet", ""));
    assert_false(cmdline_has("quiet ", ""));
    assert_false(cmdline_has(" quiet  verbose  ", ""));
    assert_false(cmdline_has("   ", ""));
}

/* ---- key=value ------------------------------------------------------------ */

static void test_get_value_in_every_position(void **state)
{
    char value[32];

    (void)state;
    assert_true(get("mm=buddy", "mm", value, sizeof(value) - 8));
    assert_string_equal(value, "buddy");
    assert_true(get("mm=buddy quiet console=ttyS0", "mm", value, sizeof(value) - 8));
    assert_string_equal(value, "buddy");
    assert_true(get("quiet mm=firstfit console=ttyS0", "mm", value, sizeof(value) - 8));
    assert_string_equal(value, "firstfit");
    assert_true(get("quiet console=ttyS0 mm=firstfit", "mm", value, sizeof(value) - 8));
    assert_string_equal(value, "firstfit");
    assert_true(get("quiet console=ttyS0 mm=firstfit", "console", value, sizeof(value) - 8));
    assert_string_equal(value, "ttyS0");
}

static void test_get_with_extra_spaces(void **state)
{
    char value[32];

    (void)state;
    assert_true(get("   mm=buddy   ", "mm", value, sizeof(value) - 8));
    assert_string_equal(value, "buddy");
    assert_true(get("a=1     b=2     c=3", "b", value, sizeof(value) - 8));
    assert_string_equal(value, "2");
    assert_true(get("a=1     b=2     c=3", "c", value, sizeof(value) - 8));
    assert_string_equal(value, "3");
}

static void test_get_does_not_match_prefix_keys(void **state)
{
    char value[32];

    (void)state;
    assert_false(get("panicky=1", "panic", value, sizeof(value) - 8));
    assert_untouched(value, 0, sizeof(value));
    assert_false(get("xpanic=1", "panic", value, sizeof(value) - 8));
    assert_false(get("pan=1", "panic", value, sizeof(value) - 8));
    assert_untouched(value, 0, sizeof(value));
    /* The real key after a longer one sharing its prefix. */
    assert_true(get("panicky=1 panic=halt", "panic", value, sizeof(value) - 8));
    assert_string_equal(value, "halt");
    assert_true(get("panic=halt panicky=1", "panicky", value, sizeof(value) - 8));
    assert_string_equal(value, "1");
}

static void test_get_ignores_flag_without_value(void **state)
{
    char value[32];

    (void)state;
    assert_false(get("panic", "panic", value, sizeof(value) - 8));
    assert_untouched(value, 0, sizeof(value));
    assert_false(get("quiet panic verbose", "panic", value, sizeof(value) - 8));
    assert_true(get("panic panic=reboot", "panic", value, sizeof(value) - 8));
    assert_string_equal(value, "reboot");
}

static void test_get_empty_value(void **state)
{
    char value[32];

    (void)state;
    assert_true(get("key=", "key", value, sizeof(value) - 8));
    assert_string_equal(value, "");
    assert_untouched(value, 1, sizeof(value));
    assert_true(get("key= other=1", "key", value, sizeof(value) - 8));
    assert_string_equal(value, "");
    assert_true(get("other=1 key=", "key", value, sizeof(value) - 8));
    assert_string_equal(value, "");
}

static void test_get_value_keeps_later_equals(void **state)
{
    char value[32];

    (void)state;
    assert_true(get("root=UUID=1234-ab quiet", "root", value, sizeof(value) - 8));
    assert_string_equal(value, "UUID=1234-ab");
    assert_true(get("a==", "a", value, sizeof(value) - 8));
    assert_string_equal(value, "=");
}

static void test_get_truncates_to_buffer_size(void **state)
{
    char value[40];

    (void)state;
    /* size - 1 characters and a NUL; nothing beyond size is written. */
    assert_true(get("root=/dev/sda1 quiet", "root", value, 5));
    assert_string_equal(value, "/dev");
    assert_untouched(value, 5, 5 + 8);
    assert_true(get("root=/dev/sda1 quiet", "root", value, 2));
    assert_string_equal(value, "/");
    assert_untouched(value, 2, 2 + 8);
    assert_true(get("root=/dev/sda1", "root", value, 1));
    assert_string_equal(value, "");
    assert_untouched(value, 1, 1 + 8);
    /* Exact fit, and one byte short of it. */
    assert_true(get("root=/dev/sda1", "root", value, 10));
    assert_string_equal(value, "/dev/sda1");
    assert_untouched(value, 10, 10 + 8);
    assert_true(get("root=/dev/sda1", "root", value, 9));
    assert_string_equal(value, "/dev/sda");
    assert_untouched(value, 9, 9 + 8);
    /* Size 0: found, but not a byte written. */
    assert_true(get("root=/dev/sda1", "root", value, 0));
    assert_untouched(value, 0, 8);
}

static void test_get_missing_key(void **state)
{
    char value[32];

    (void)state;
    assert_false(get("quiet mm=buddy", "console", value, sizeof(value) - 8));
    assert_untouched(value, 0, sizeof(value));
    assert_false(get("", "mm", value, sizeof(value) - 8));
    assert_false(get("     ", "mm", value, sizeof(value) - 8));
    assert_false(get("mm", "mm", value, sizeof(value) - 8));
    assert_false(get("m=buddy", "mm", value, sizeof(value) - 8));
    assert_untouched(value, 0, sizeof(value));
}

static void test_full_length_cmdline(void **state)
{
    char cmdline[BOOT_CMDLINE_MAX];
    char value[BOOT_CMDLINE_MAX + 8];

    (void)state;
    /* Padding words fill the line; the interesting ones sit at its very end. */
    memset(cmdline, 0, sizeof(cmdline));
    while (strlen(cmdline) + 6 < BOOT_CMDLINE_MAX - 20)
        strcat(cmdline, "pad=1 ");
    strcat(cmdline, "last=xyz selftest");
    assert_true(strlen(cmdline) < BOOT_CMDLINE_MAX);
    assert_true(cmdline_has(cmdline, "selftest"));
    assert_false(cmdline_has(cmdline, "pad"));
    assert_true(get(cmdline, "last", value, BOOT_CMDLINE_MAX));
    assert_string_equal(value, "xyz");
    assert_true(get(cmdline, "pad", value, BOOT_CMDLINE_MAX));
    assert_string_equal(value, "1");

    /* One word filling the whole line: a value of BOOT_CMDLINE_MAX - 3 characters. */
    memset(cmdline, 'v', sizeof(cmdline));
    memcpy(cmdline, "k=", 2);
    cmdline[BOOT_CMDLINE_MAX - 1] = '\0';
    assert_true(get(cmdline, "k", value, BOOT_CMDLINE_MAX));
    assert_int_equal(strlen(value), BOOT_CMDLINE_MAX - 3);
    assert_memory_equal(value, cmdline + 2, BOOT_CMDLINE_MAX - 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_has_flag_in_every_position),
        cmocka_unit_test(test_has_with_extra_spaces),
        cmocka_unit_test(test_has_matches_whole_words_only),
        cmocka_unit_test(test_has_does_not_match_key_value_word),
        cmocka_unit_test(test_has_on_empty_cmdline),
        cmocka_unit_test(test_get_value_in_every_position),
        cmocka_unit_test(test_get_with_extra_spaces),
        cmocka_unit_test(test_get_does_not_match_prefix_keys),
        cmocka_unit_test(test_get_ignores_flag_without_value),
        cmocka_unit_test(test_get_empty_value),
        cmocka_unit_test(test_get_value_keeps_later_equals),
        cmocka_unit_test(test_get_truncates_to_buffer_size),
        cmocka_unit_test(test_get_missing_key),
        cmocka_unit_test(test_full_length_cmdline),
    };

    return cmocka_run_group_tests_name("cmdline", tests, NULL, NULL);
}
