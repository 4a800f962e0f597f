/*
 * Unit tests for the \_S5 search in the DSDT's AML (kernel/drivers/acpi_aml.c):
 *   gcc -std=gnu11 -Wall -Wextra -I kernel tests/unit/test_acpi_aml.c \
 *       kernel/drivers/acpi_aml.c -lcmocka
 * Each AML sample is copied into a heap block of exactly its length, so a
 * build with -fsanitize=address catches any read past the table's end.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "drivers/acpi_aml.h"

#define NAME_OP    0x08
#define PACKAGE_OP 0x12
#define BYTE_PFX   0x0A
#define WORD_PFX   0x0B
#define DWORD_PFX  0x0C
#define S5         '_', 'S', '5', '_'

/* Runs the search on an exact-size copy; the sleep types start as 0xEE. */
static bool find(const uint8_t *aml, size_t length, uint8_t *a, uint8_t *b)
{
    uint8_t *copy = malloc(length ? length : 1);
    assert_non_null(copy);
    memcpy(copy, aml, length);
    *a = *b = 0xEE;
    bool found = acpi_aml_find_s5(copy, length, a, b);
    free(copy);
    return found;
}

#define FIND(array, a, b) find(array, sizeof(array), a, b)

static void test_qemu_zero_ops(void **state)
{
    (void)state;
    /* An empty Scope(_SB), a Zero, then Name(_S5, Package(4) {Zero, Zero, Zero, Zero}) */
    static const uint8_t aml[] = {0x10, 0x05,       '_',  'S',  'B',  '_',  0x00, NAME_OP,
                                  S5,   PACKAGE_OP, 0x06, 0x04, 0x00, 0x00, 0x00, 0x00};
    uint8_t a, b;
    assert_true(FIND(aml, &a, &b));
    assert_int_equal(a, 0);
    assert_int_equal(b, 0);
}

static void test_root_prefix_and_byte_word(void **state)
{
    (void)state;
    static const uint8_t aml[] = {NAME_OP, '\\',     S5,   PACKAGE_OP, 0x09, 0x04, BYTE_PFX,
                                  0x07,    WORD_PFX, 0x05, 0x00,       0x01, 0x01};
    uint8_t a, b;
    assert_true(FIND(aml, &a, &b));
    assert_int_equal(a, 7);
    assert_int_equal(b, 5);
}

static void test_one_op_and_dword(void **state)
{
    (void)state;
    static const uint8_t aml[] = {NAME_OP,   S5,   PACKAGE_OP, 0x08, 0x02, 0x01,
                                  DWORD_PFX, 0x06, 0x00,       0x00, 0x00};
    uint8_t a, b;
    assert_true(FIND(aml, &a, &b));
    assert_int_equal(a, 1);
    assert_int_equal(b, 6);
}

static void test_values_masked_to_three_bits(void **state)
{
    (void)state;
    static const uint8_t aml[] = {NAME_OP, S5, PACKAGE_OP, 0x05, 0x02, BYTE_PFX, 0x0D, 0xFF};
    uint8_t a, b;
    assert_true(FIND(aml, &a, &b));
    assert_int_equal(a, 5);
    assert_int_equal(b, 7);
}

static void test_two_byte_pkg_length(void **state)
{
    (void)state;
    /* PkgLength 0x40 0x02 = 0x20 bytes: a package padded with more elements. */
    uint8_t aml[5 + 1 + 0x20] = {NAME_OP, S5, PACKAGE_OP, 0x40, 0x02, 0x04, BYTE_PFX, 0x03, 0x01};
    uint8_t a, b;
    assert_true(FIND(aml, &a, &b));
    assert_int_equal(a, 3);
    assert_int_equal(b, 1);
}

static void test_reference_before_definition_skipped(void **state)
{
    (void)state;
    /* Store(\_S5_, Local0) inside a method, then the real definition. */
    static const uint8_t aml[] = {0x70,       '\\', S5,   0x60, NAME_OP, S5,
                                  PACKAGE_OP, 0x04, 0x02, 0x01, 0x00};
    uint8_t a, b;
    assert_true(FIND(aml, &a, &b));
    assert_int_equal(a, 1);
    assert_int_equal(b, 0);
}

static void test_missing(void **state)
{
    (void)state;
    static const uint8_t aml[] = {NAME_OP, '_', 'S', '4', '_', PACKAGE_OP, 0x04, 0x02, 0x00, 0x00};
    uint8_t a, b;
    assert_false(FIND(aml, &a, &b));
    assert_false(find(aml, 0, &a, &b));
    assert_int_equal(a, 0xEE); /* untouched on failure */
}

static void test_malformed_packages(void **state)
{
    (void)state;
    static const uint8_t one_element[] = {NAME_OP, S5, PACKAGE_OP, 0x03, 0x01, 0x00};
    static const uint8_t not_a_package[] = {NAME_OP, S5, BYTE_PFX, 0x05};
    static const uint8_t past_table_end[] = {NAME_OP, S5, PACKAGE_OP, 0x3F, 0x02, 0x00, 0x00};
    static const uint8_t elements_past_package[] = {NAME_OP, S5,   PACKAGE_OP, 0x03,
                                                    0x02,    0x00, BYTE_PFX,   0x05};
    static const uint8_t not_an_integer[] = {NAME_OP, S5, PACKAGE_OP, 0x05, 0x02, 0x00, 0x5B, 0x00};
    uint8_t a, b;
    assert_false(FIND(one_element, &a, &b));
    assert_false(FIND(not_a_package, &a, &b));
    assert_false(FIND(past_table_end, &a, &b));
    assert_false(FIND(elements_past_package, &a, &b));
    assert_false(FIND(not_an_integer, &a, &b));
}

/* Every truncation of a valid encoding fails cleanly, without overreading. */
static void test_every_truncation(void **state)
{
    (void)state;
    static const uint8_t aml[] = {NAME_OP,   '\\',      S5,   PACKAGE_OP, 0x4D, 0x00,
                                  0x02,      DWORD_PFX, 0x01, 0x00,       0x00, 0x00,
                                  DWORD_PFX, 0x02,      0x00, 0x00,       0x00};
    uint8_t a, b;
    assert_true(FIND(aml, &a, &b));
    for (size_t n = 0; n < sizeof(aml); n++)
        assert_false(find(aml, n, &a, &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_qemu_zero_ops),
        cmocka_unit_test(test_root_prefix_and_byte_word),
        cmocka_unit_test(test_one_op_and_dword),
        cmocka_unit_test(test_values_masked_to_three_bits),
        cmocka_unit_test(test_two_byte_pkg_length),
        cmocka_unit_test(test_reference_before_definition_skipped),
        cmocka_unit_test(test_missing),
        cmocka_unit_test(test_malformed_packages),
        cmocka_unit_test(test_every_truncation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
