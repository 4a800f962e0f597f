/*
 * Unit tests for the shell's line editor (userland/shell/editor.c).
 *
 *   gcc ... -Iuserland tests/unit/test_shell_editor.c userland/shell/editor.c -lcmocka
 *
 * Keys are fed one at a time, as the shell does in raw mode. Besides the
 * line itself, the tests check the echo: a small terminal model applies it
 * (characters overwrite, \b moves left) and must show exactly the line.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rng.h"
#include "shell/editor.h"

#define KEY_UP   "\033[A"
#define KEY_DOWN "\033[B"

/* One terminal line, as the user would see it. */
struct terminal {
    char cells[EDITOR_LINE_MAX + 8];
    size_t cursor;
    size_t used; /* cells ever written */
};

static struct editor editor;
static struct terminal terminal;
static char transcript[64 * EDITOR_ECHO_MAX]; /* every echo since start() */
static size_t transcript_length;

static void show_echo(void)
{
    assert_true(editor.echo_length <= EDITOR_ECHO_MAX);
    memcpy(transcript + transcript_length, editor.echo, editor.echo_length);
    transcript_length += editor.echo_length;
    transcript[transcript_length] = '\0';
    for (size_t i = 0; i < editor.echo_length; i++) {
        char c = editor.echo[i];
        if (c == '\b') {
            assert_true(terminal.cursor > 0); /* never back over the prompt */
            terminal.cursor--;
        } else if (c == '\n') {
            memset(&terminal, 0, sizeof(terminal));
        } else {
            assert_true(terminal.cursor < sizeof(terminal.cells));
            terminal.cells[terminal.cursor++] = c;
            if (terminal.cursor > terminal.used)
                terminal.used = terminal.cursor;
        }
    }
}

/* The terminal shows the line, the cursor after it, and only blanks beyond. */
static void assert_terminal_shows_line(void)
{
    assert_int_equal(terminal.cursor, editor.length);
    assert_memory_equal(terminal.cells, editor.line, editor.length);
    for (size_t i = editor.length; i < terminal.used; i++)
        assert_int_equal(terminal.cells[i], ' ');
}

/* A new line on a fresh terminal, keeping the history. */
static void start(void)
{
    editor_begin(&editor);
    memset(&terminal, 0, sizeof(terminal));
    transcript_length = 0;
    transcript[0] = '\0';
}

static int setup(void **state)
{
    (void)state;
    editor_init(&editor);
    start();
    return 0;
}

/* Feeds keys; every key but the last must leave the line going on. */
static enum editor_event type(const char *keys)
{
    enum editor_event event = EDITOR_CONTINUE;
    for (size_t i = 0; keys[i]; i++) {
        assert_int_equal(event, EDITOR_CONTINUE);
        event = editor_key(&editor, keys[i]);
        show_echo();
        if (event == EDITOR_CONTINUE)
            assert_terminal_shows_line();
    }
    return event;
}

/* Types a line and Enter; it must come back as entered. */
static void enter(const char *text)
{
    start();
    assert_int_equal(type(text), EDITOR_CONTINUE);
    assert_int_equal(editor_key(&editor, '\r'), EDITOR_LINE);
    assert_string_equal(editor.line, text);
}

/* ---- typing and erasing ------------------------------------------------------ */

static void test_typing_echoes_each_character(void **state)
{
    (void)state;
    assert_int_equal(type("ls -l"), EDITOR_CONTINUE);
    assert_string_equal(editor.line, "ls -l");
    assert_int_equal(editor.length, 5);
    assert_string_equal(transcript, "ls -l");
}

static void test_enter_ends_the_line(void **state)
{
    (void)state;
    assert_int_equal(type("ps\r"), EDITOR_LINE);
    assert_string_equal(editor.line, "ps");
    assert_string_equal(transcript, "ps\n");

    start();
    assert_int_equal(type("mem\n"), EDITOR_LINE);
    assert_string_equal(editor.line, "mem");
}

static void test_both_backspace_codes(void **state)
{
    (void)state;
    type("abc\b\x7f");
    assert_string_equal(editor.line, "a");
    assert_string_equal(transcript, "abc\b \b\b \b");
}

static void test_backspace_on_empty_line_does_nothing(void **state)
{
    (void)state;
    type("\b\x7f\b");
    assert_string_equal(editor.line, "");
    assert_int_equal(transcript_length, 0);
}

static void test_ctrl_u_erases_the_line(void **state)
{
    (void)state;
    type("kill 12\x15");
    assert_string_equal(editor.line, "");
    type("ps");
    assert_string_equal(editor.line, "ps");
}

static void test_line_length_is_limited(void **state)
{
    (void)state;
    char keys[EDITOR_LINE_MAX + 50];
    memset(keys, 'x', sizeof(keys) - 1);
    keys[sizeof(keys) - 1] = '\0';
    type(keys);
    assert_int_equal(editor.length, EDITOR_LINE_MAX - 1);
    assert_int_equal(strlen(editor.line), EDITOR_LINE_MAX - 1);
    assert_int_equal(transcript_length, EDITOR_LINE_MAX - 1); /* no echo for refused keys */
}

static void test_other_keys_are_ignored(void **state)
{
    (void)state;
    type("a\t\x01\x02\x1a\x7e");
    assert_string_equal(editor.line, "a~");
    assert_int_equal(editor_key(&editor, (char)0xE9), EDITOR_CONTINUE);
    assert_string_equal(editor.line, "a~");
    assert_int_equal(editor.echo_length, 0);
}

/* ---- Ctrl+C and Ctrl+D --------------------------------------------------------- */

static void test_ctrl_c_abandons_the_line(void **state)
{
    (void)state;
    assert_int_equal(type("loop -s\x03"), EDITOR_INTERRUPT);
    assert_string_equal(transcript, "loop -s^C\n");
    start();
    assert_int_equal(type(KEY_UP), EDITOR_CONTINUE);
    assert_string_equal(editor.line, ""); /* an abandoned line is not remembered */
}

static void test_ctrl_d_on_empty_line_ends_input(void **state)
{
    (void)state;
    assert_int_equal(type("\x04"), EDITOR_END);
    assert_string_equal(transcript, "^D\n");
}

static void test_ctrl_d_inside_a_line_is_ignored(void **state)
{
    (void)state;
    assert_int_equal(type("ab\x04"), EDITOR_CONTINUE);
    assert_string_equal(editor.line, "ab");
    assert_string_equal(transcript, "ab");
}

/* ---- history ------------------------------------------------------------------- */

static void test_up_and_down_walk_the_history(void **state)
{
    (void)state;
    enter("one");
    enter("two");
    start();
    type("dra");
    type(KEY_UP);
    assert_string_equal(editor.line, "two");
    type(KEY_UP);
    assert_string_equal(editor.line, "one");
    type(KEY_UP);
    assert_string_equal(editor.line, "one"); /* nothing older */
    type(KEY_DOWN);
    assert_string_equal(editor.line, "two");
    type(KEY_DOWN);
    assert_string_equal(editor.line, "dra"); /* back to what was being typed */
    type(KEY_DOWN);
    assert_string_equal(editor.line, "dra");
}

static void test_recalled_line_can_be_edited(void **state)
{
    (void)state;
    enter("kill 12");
    start();
    type(KEY_UP "\b3\r");
    assert_string_equal(editor.line, "kill 13");
    start();
    type(KEY_UP);
    assert_string_equal(editor.line, "kill 13");
    type(KEY_UP);
    assert_string_equal(editor.line, "kill 12");
}

static void test_history_skips_blanks_and_repeats(void **state)
{
    (void)state;
    enter("ps");
    enter("ps");
    enter("   ");
    enter("");
    start();
    type(KEY_UP KEY_UP);
    assert_string_equal(editor.line, "ps");
    type(KEY_DOWN);
    assert_string_equal(editor.line, "");
}

static void test_history_keeps_the_newest(void **state)
{
    (void)state;
    char line[16];
    for (int i = 0; i < EDITOR_HISTORY + 5; i++) {
        snprintf(line, sizeof(line), "line %d", i);
        enter(line);
    }
    start();
    for (int i = EDITOR_HISTORY + 4; i >= 5; i--) {
        type(KEY_UP);
        snprintf(line, sizeof(line), "line %d", i);
        assert_string_equal(editor.line, line);
    }
    type(KEY_UP);
    assert_string_equal(editor.line, "line 5");
}

static void test_escape_sequences(void **state)
{
    (void)state;
    enter("uptime");
    start();
    type("\033[C\033[D\033[3~"); /* right, left, delete: not supported, swallowed whole */
    assert_string_equal(editor.line, "");
    assert_int_equal(transcript_length, 0);
    type("\033OA"); /* Up as some terminals send it */
    assert_string_equal(editor.line, "uptime");
    type("\033[1;5B"); /* Down with a modifier: still Down */
    assert_string_equal(editor.line, "");
    type("\033x"); /* not a sequence: both bytes dropped */
    assert_string_equal(editor.line, "");
}

/* ---- random keys --------------------------------------------------------------- */

#define RANDOM_KEYS 200000

/* Whatever is typed, the terminal keeps showing exactly the line. */
static void test_random_keys_keep_the_terminal_right(void **state)
{
    (void)state;
    rng_seed(0xED170);
    static const char *const keys[] = {"a",    "b",    " ",    "~",      "\b",
                                       "\x7f", "\x15", KEY_UP, KEY_DOWN, "\033[C",
                                       "\r",   "\x03", "\x04", "\t",     "\033"};
    for (int i = 0; i < RANDOM_KEYS; i++) {
        /* Mostly printable keys, so lines grow long enough to reach the limit. */
        size_t choices = rng_below(4) ? 4 : sizeof(keys) / sizeof(keys[0]);
        const char *key = keys[rng_below(choices)];
        for (; *key; key++) {
            enum editor_event event = editor_key(&editor, *key);
            show_echo();
            assert_true(editor.length < EDITOR_LINE_MAX);
            assert_int_equal(strlen(editor.line), editor.length);
            if (event == EDITOR_CONTINUE)
                assert_terminal_shows_line();
            else
                start();
            if (transcript_length > sizeof(transcript) - 2 * EDITOR_ECHO_MAX)
                transcript_length = 0;
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_typing_echoes_each_character, setup),
        cmocka_unit_test_setup(test_enter_ends_the_line, setup),
        cmocka_unit_test_setup(test_both_backspace_codes, setup),
        cmocka_unit_test_setup(test_backspace_on_empty_line_does_nothing, setup),
        cmocka_unit_test_setup(test_ctrl_u_erases_the_line, setup),
        cmocka_unit_test_setup(test_line_length_is_limited, setup),
        cmocka_unit_test_setup(test_other_keys_are_ignored, setup),
        cmocka_unit_test_setup(test_ctrl_c_abandons_the_line, setup),
        cmocka_unit_test_setup(test_ctrl_d_on_empty_line_ends_input, setup),
        cmocka_unit_test_setup(test_ctrl_d_inside_a_line_is_ignored, setup),
        cmocka_unit_test_setup(test_up_and_down_walk_the_history, setup),
        cmocka_unit_test_setup(test_recalled_line_can_be_edited, setup),
        cmocka_unit_test_setup(test_history_skips_blanks_and_repeats, setup),
        cmocka_unit_test_setup(test_history_keeps_the_newest, setup),
        cmocka_unit_test_setup(test_escape_sequences, setup),
        cmocka_unit_test_setup(test_random_keys_keep_the_terminal_right, setup),
    };

    return cmocka_run_group_tests_name("shell_editor", tests, NULL, NULL);
}
