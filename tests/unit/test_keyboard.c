/*
 * Unit tests for the scancode decoder (keyboard_handle_scancode in
 * kernel/drivers/keyboard.c), built on the host against the real driver:
 *   gcc -std=gnu11 -Wall -Wextra -I kernel tests/unit/test_keyboard.c \
 *       kernel/drivers/keyboard.c -lcmocka
 * The driver's only outside calls are stubbed here: console_input records
 * what a key typed, and the IRQ routing calls (used by keyboard_init, which
 * the tests never call because it does port I/O) do nothing.
 *
 * The decoder keeps its modifier state between calls, so every test
 * releases what it pressed and turns caps lock back off; the setup checks
 * that the previous test did.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "drivers/console.h"
#include "drivers/keyboard.h"

/* ---- stubs ---------------------------------------------------------------- */

static char typed[64];
static size_t typed_len;

void console_input(char c)
{
    assert_true(typed_len < sizeof(typed) - 1);
    typed[typed_len++] = c;
    typed[typed_len] = '\0';
}

void trap_set_handler(unsigned vector, trap_handler_t handler)
{
    (void)vector;
    (void)handler;
}

void pic_unmask(unsigned irq)
{
    (void)irq;
}

/* ---- helpers -------------------------------------------------------------- */

#define SC_A          0x1E
#define SC_C          0x2E
#define SC_D          0x20
#define SC_1          0x02
#define SC_ENTER      0x1C
#define SC_BACKSPACE  0x0E
#define SC_TAB        0x0F
#define SC_ESC        0x01
#define SC_SPACE      0x39
#define SC_LSHIFT     0x2A
#define SC_RSHIFT     0x36
#define SC_CTRL       0x1D
#define SC_CAPS       0x3A
#define SC_F1         0x3B
#define RELEASE       0x80
#define EXT           0xE0
#define SC_EXT_UP     0x48
#define SC_EXT_DOWN   0x50
#define SC_EXT_LEFT   0x4B
#define SC_EXT_RIGHT  0x4D
#define SC_EXT_KP_ENT 0x1C
#define SC_EXT_KP_DIV 0x35

static void feed(const uint8_t *bytes, size_t n)
{
    for (size_t i = 0; i < n; i++)
        keyboard_handle_scancode(bytes[i]);
}

#define FEED(...)                                                                                  \
    do {                                                                                           \
        const uint8_t bytes_[] = {__VA_ARGS__};                                                    \
        feed(bytes_, sizeof(bytes_));                                                              \
    } while (0)

static void press(uint8_t code)
{
    FEED(code, code | RELEASE);
}

/* Clears the record, then checks no modifier is left over from the last test. */
static int neutral_state(void **state)
{
    (void)state;
    typed_len = 0;
    press(SC_A);
    assert_string_equal(typed, "a");
    typed_len = 0;
    typed[0] = '\0';
    return 0;
}

/* ---- tests ---------------------------------------------------------------- */

static void test_plain_keys(void **state)
{
    (void)state;
    press(SC_A);
    press(SC_1);
    press(SC_SPACE);
    press(SC_ENTER);
    press(SC_BACKSPACE);
    press(SC_TAB);
    press(SC_ESC);
    assert_memory_equal(typed, "a1 \n\b\t\033", 7);
    assert_int_equal(typed_len, 7);
}

static void test_release_types_nothing(void **state)
{
    (void)state;
    FEED(SC_A | RELEASE, SC_F1, SC_F1 | RELEASE);
    assert_int_equal(typed_len, 0);
}

static void test_both_shifts(void **state)
{
    (void)state;
    FEED(SC_LSHIFT, SC_A, SC_A | RELEASE, SC_1, SC_1 | RELEASE, SC_LSHIFT | RELEASE);
    FEED(SC_RSHIFT, SC_A, SC_A | RELEASE, SC_RSHIFT | RELEASE);
    press(SC_A);
    assert_string_equal(typed, "A!Aa");
}

static void test_shift_held_on_both_sides(void **state)
{
    (void)state;
    /* Releasing one shift while the other is still down keeps shift on. */
    FEED(SC_LSHIFT, SC_RSHIFT, SC_LSHIFT | RELEASE);
    press(SC_A);
    FEED(SC_RSHIFT | RELEASE);
    press(SC_A);
    assert_string_equal(typed, "Aa");
}

static void test_caps_lock_letters_only(void **state)
{
    (void)state;
    press(SC_CAPS);
    press(SC_A);
    press(SC_1);
    FEED(SC_LSHIFT, SC_A, SC_A | RELEASE, SC_LSHIFT | RELEASE);
    press(SC_CAPS);
    press(SC_A);
    assert_string_equal(typed, "A1aa");
}

static void test_caps_lock_repeat_toggles_once(void **state)
{
    (void)state;
    /* Holding caps lock repeats its make code; only the first one counts. */
    FEED(SC_CAPS, SC_CAPS, SC_CAPS, SC_CAPS | RELEASE);
    press(SC_A);
    press(SC_CAPS);
    assert_string_equal(typed, "A");
}

static void test_ctrl_letters(void **state)
{
    (void)state;
    FEED(SC_CTRL, SC_C, SC_C | RELEASE, SC_D, SC_D | RELEASE, SC_1, SC_1 | RELEASE);
    FEED(SC_CTRL | RELEASE);
    assert_int_equal(typed_len, 3);
    assert_int_equal(typed[0], 3);
    assert_int_equal(typed[1], 4);
    assert_int_equal(typed[2], '1');
}

static void test_right_ctrl_and_shift(void **state)
{
    (void)state;
    FEED(EXT, SC_CTRL, SC_LSHIFT, SC_C, SC_C | RELEASE, SC_LSHIFT | RELEASE);
    FEED(EXT, SC_CTRL | RELEASE);
    press(SC_C);
    assert_int_equal(typed_len, 2);
    assert_int_equal(typed[0], CTRL('c'));
    assert_int_equal(typed[1], 'c');
}

static void test_arrows_are_ansi_sequences(void **state)
{
    (void)state;
    FEED(EXT, SC_EXT_UP, EXT, SC_EXT_UP | RELEASE);
    FEED(EXT, SC_EXT_DOWN, EXT, SC_EXT_DOWN | RELEASE);
    FEED(EXT, SC_EXT_RIGHT, EXT, SC_EXT_RIGHT | RELEASE);
    FEED(EXT, SC_EXT_LEFT, EXT, SC_EXT_LEFT | RELEASE);
    assert_string_equal(typed, "\033[A\033[B\033[C\033[D");
}

static void test_keypad_extended_keys(void **state)
{
    (void)state;
    FEED(EXT, SC_EXT_KP_ENT, EXT, SC_EXT_KP_ENT | RELEASE);
    FEED(EXT, SC_EXT_KP_DIV, EXT, SC_EXT_KP_DIV | RELEASE);
    /* Without the prefix, 0x48 is keypad 8, not the up arrow. */
    press(SC_EXT_UP);
    assert_string_equal(typed, "\n/8");
}

static void test_fake_shift_is_ignored(void **state)
{
    (void)state;
    /* Print Screen: E0 2A E0 37, then E0 B7 E0 AA; the E0 2A is no shift. */
    FEED(EXT, SC_LSHIFT, EXT, 0x37);
    press(SC_A);
    FEED(EXT, 0xB7, EXT, SC_LSHIFT | RELEASE);
    assert_string_equal(typed, "a");
}

static void test_pause_sequence_is_ignored(void **state)
{
    (void)state;
    /* E1 1D 45 E1 9D C5: the 1D must not leave ctrl held. */
    FEED(0xE1, 0x1D, 0x45, 0xE1, 0x9D, 0xC5);
    press(SC_C);
    assert_string_equal(typed, "c");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_plain_keys, neutral_state),
        cmocka_unit_test_setup(test_release_types_nothing, neutral_state),
        cmocka_unit_test_setup(test_both_shifts, neutral_state),
        cmocka_unit_test_setup(test_shift_held_on_both_sides, neutral_state),
        cmocka_unit_test_setup(test_caps_lock_letters_only, neutral_state),
        cmocka_unit_test_setup(test_caps_lock_repeat_toggles_once, neutral_state),
        cmocka_unit_test_setup(test_ctrl_letters, neutral_state),
        cmocka_unit_test_setup(test_right_ctrl_and_shift, neutral_state),
        cmocka_unit_test_setup(test_arrows_are_ansi_sequences, neutral_state),
        cmocka_unit_test_setup(test_keypad_extended_keys, neutral_state),
        cmocka_unit_test_setup(test_fake_shift_is_ignored, neutral_state),
        cmocka_unit_test_setup(test_pause_sequence_is_ignored, neutral_state),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
