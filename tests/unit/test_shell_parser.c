/*
 * Unit tests for the shell's command-line parser (userland/shell/parse.c).
 *
 *   gcc ... -Iuserland tests/unit/test_shell_parser.c userland/shell/parse.c -lcmocka
 *
 * Every parse goes into a command_line followed by a marked guard area, so
 * a test notices if the parser ever writes past the struct.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "rng.h"
#include "shell/parse.h"

#define MARK 'M'

static struct {
    struct command_line line;
    char guard[64];
} parsed;

static enum parse_result parse(const char *text)
{
    memset(&parsed, MARK, sizeof(parsed));
    enum parse_result result = parse_line(text, &parsed.line);
    for (size_t i = 0; i < sizeof(parsed.guard); i++)
        assert_int_equal(parsed.guard[i], MARK);
    return result;
}

/* Parses text, which must be valid, and returns its command line. */
static const struct command_line *parse_ok(const char *text)
{
    assert_int_equal(parse(text), PARSE_OK);
    return &parsed.line;
}

/* The command's words are the NULL-terminated list that follows. */
static void assert_words(const struct command *command, ...)
{
    va_list words;
    va_start(words, command);
    int n = 0;
    for (const char *word; (word = va_arg(words, const char *)); n++) {
        assert_true(n < command->argc);
        assert_string_equal(command->argv[n], word);
    }
    va_end(words);
    assert_int_equal(command->argc, n);
    assert_null(command->argv[n]);
}

/* ---- words and quotes ------------------------------------------------------ */

static void test_empty_and_blank_lines(void **state)
{
    (void)state;
    static const char *const lines[] = {"", " ", "   ", "\t", " \t \t "};
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        const struct command_line *line = parse_ok(lines[i]);
        assert_int_equal(line->count, 0);
        assert_false(line->background);
    }
}

static void test_words_split_on_blanks(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("echo hello world");
    assert_int_equal(line->count, 1);
    assert_false(line->background);
    assert_words(&line->commands[0], "echo", "hello", "world", NULL);

    line = parse_ok("  echo \t hello\t\tworld  ");
    assert_words(&line->commands[0], "echo", "hello", "world", NULL);

    line = parse_ok("ps");
    assert_words(&line->commands[0], "ps", NULL);
}

static void test_quotes_group_words(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("echo 'a  b' \"c\td\"");
    assert_words(&line->commands[0], "echo", "a  b", "c\td", NULL);
}

static void test_quotes_make_operators_plain(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("echo 'a | b & c' \"|\" '&'");
    assert_int_equal(line->count, 1);
    assert_false(line->background);
    assert_words(&line->commands[0], "echo", "a | b & c", "|", "&", NULL);
}

static void test_each_quote_holds_the_other(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("echo \"it's\" 'say \"hi\"'");
    assert_words(&line->commands[0], "echo", "it's", "say \"hi\"", NULL);
}

static void test_quoted_parts_join_into_one_word(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("a'b c'\"d\"e f");
    assert_words(&line->commands[0], "ab cde", "f", NULL);
}

static void test_empty_quotes_make_an_empty_word(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("echo '' \"\" x");
    assert_words(&line->commands[0], "echo", "", "", "x", NULL);
}

/* ---- pipelines and background ---------------------------------------------- */

static void test_pipeline(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("ps | filter -v x | wc");
    assert_int_equal(line->count, 3);
    assert_false(line->background);
    assert_words(&line->commands[0], "ps", NULL);
    assert_words(&line->commands[1], "filter", "-v", "x", NULL);
    assert_words(&line->commands[2], "wc", NULL);
}

static void test_operators_need_no_blanks(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("a|b x|c");
    assert_int_equal(line->count, 3);
    assert_words(&line->commands[0], "a", NULL);
    assert_words(&line->commands[1], "b", "x", NULL);
    assert_words(&line->commands[2], "c", NULL);

    line = parse_ok("loop -s 2&");
    assert_true(line->background);
    assert_words(&line->commands[0], "loop", "-s", "2", NULL);

    line = parse_ok("&loop");
    assert_true(line->background);
    assert_words(&line->commands[0], "loop", NULL);
}

static void test_background_at_either_end(void **state)
{
    (void)state;
    static const char *const lines[] = {"test memory &", "& test memory",      "&test memory",
                                        "test memory&",  "  &  test memory  ", "test memory  &  "};
    for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
        const struct command_line *line = parse_ok(lines[i]);
        assert_int_equal(line->count, 1);
        assert_true(line->background);
        assert_words(&line->commands[0], "test", "memory", NULL);
    }
}

static void test_background_pipeline(void **state)
{
    (void)state;
    const struct command_line *line = parse_ok("a 1 | b 2 &");
    assert_int_equal(line->count, 2);
    assert_true(line->background);
    assert_words(&line->commands[0], "a", "1", NULL);
    assert_words(&line->commands[1], "b", "2", NULL);
}

/* ---- errors ------------------------------------------------------------------ */

static void test_syntax_errors(void **state)
{
    (void)state;
    static const struct {
        const char *line;
        enum parse_result result;
    } cases[] = {
        {"'abc", PARSE_OPEN_SINGLE_QUOTE},
        {"echo 'a\"b", PARSE_OPEN_SINGLE_QUOTE},
        {"echo \"abc", PARSE_OPEN_DOUBLE_QUOTE},
        {"echo ok \"", PARSE_OPEN_DOUBLE_QUOTE},
        {"a | 'b", PARSE_OPEN_SINGLE_QUOTE},
        {"|", PARSE_NOTHING_BEFORE_PIPE},
        {"| a", PARSE_NOTHING_BEFORE_PIPE},
        {"a || b", PARSE_NOTHING_BEFORE_PIPE},
        {"a | | b", PARSE_NOTHING_BEFORE_PIPE},
        {"& | a", PARSE_NOTHING_BEFORE_PIPE},
        {"a |", PARSE_NOTHING_AFTER_PIPE},
        {"a | b |  ", PARSE_NOTHING_AFTER_PIPE},
        {"a | &", PARSE_NOTHING_AFTER_PIPE},
        {"&", PARSE_LONE_AMPERSAND},
        {"  &  ", PARSE_LONE_AMPERSAND},
        {"& &", PARSE_TWO_AMPERSANDS},
        {"&&", PARSE_TWO_AMPERSANDS},
        {"& a &", PARSE_TWO_AMPERSANDS},
        {"a & &", PARSE_TWO_AMPERSANDS},
        {"a &&", PARSE_TWO_AMPERSANDS},
        {"& & a", PARSE_TWO_AMPERSANDS},
        {"a & b", PARSE_MISPLACED_AMPERSAND},
        {"a & | b", PARSE_MISPLACED_AMPERSAND},
        {"a | b & c", PARSE_MISPLACED_AMPERSAND},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        enum parse_result result = parse(cases[i].line);
        if (result != cases[i].result)
            fail_msg("\"%s\": got %d (%s), expected %d (%s)", cases[i].line, result,
                     parse_message(result), cases[i].result, parse_message(cases[i].result));
    }
}

/* A line of the command name and n arguments "x". */
static void command_with_args(char *buf, int n)
{
    strcpy(buf, "cmd");
    for (int i = 0; i < n; i++)
        strcat(buf, " x");
}

static void test_argument_limit(void **state)
{
    (void)state;
    char buf[PARSE_LINE_MAX];
    command_with_args(buf, PARSE_MAX_ARGS);
    const struct command_line *line = parse_ok(buf);
    assert_int_equal(line->commands[0].argc, PARSE_MAX_ARGS + 1);
    assert_null(line->commands[0].argv[PARSE_MAX_ARGS + 1]);

    command_with_args(buf, PARSE_MAX_ARGS + 1);
    assert_int_equal(parse(buf), PARSE_TOO_MANY_ARGS);
}

static void test_pipeline_limit(void **state)
{
    (void)state;
    char buf[PARSE_LINE_MAX] = "c";
    for (int i = 1; i < PARSE_MAX_COMMANDS; i++)
        strcat(buf, " | c");
    assert_int_equal(parse_ok(buf)->count, PARSE_MAX_COMMANDS);

    strcat(buf, " | c");
    assert_int_equal(parse(buf), PARSE_TOO_MANY_COMMANDS);
}

static void test_line_length_limit(void **state)
{
    (void)state;
    char buf[PARSE_LINE_MAX + 1];
    memset(buf, 'w', PARSE_LINE_MAX - 1);
    buf[PARSE_LINE_MAX - 1] = '\0';
    const struct command_line *line = parse_ok(buf);
    assert_int_equal(strlen(line->commands[0].argv[0]), PARSE_LINE_MAX - 1);

    memset(buf, 'w', PARSE_LINE_MAX);
    buf[PARSE_LINE_MAX] = '\0';
    assert_int_equal(parse(buf), PARSE_TOO_LONG);
}

/*
 * The densest line for the words buffer: one-letter words split by '|'
 * need a byte per character plus the final zero. It must fit.
 */
static void test_longest_line_fits_the_words_buffer(void **state)
{
    (void)state;
    char buf[PARSE_LINE_MAX];
    size_t n = 0;
    for (int c = 0; c < PARSE_MAX_COMMANDS; c++) {
        if (c > 0)
            buf[n++] = '|';
        for (int w = 0; w < 15; w++) {
            if (w > 0)
                buf[n++] = ' ';
            buf[n++] = (char)('a' + w);
        }
    }
    assert_true(n < PARSE_LINE_MAX);
    buf[n] = '\0';
    const struct command_line *line = parse_ok(buf);
    assert_int_equal(line->count, PARSE_MAX_COMMANDS);
    for (int c = 0; c < PARSE_MAX_COMMANDS; c++) {
        assert_int_equal(line->commands[c].argc, 15);
        assert_string_equal(line->commands[c].argv[14], "o");
    }
}

static void test_every_result_has_a_message(void **state)
{
    (void)state;
    for (int r = PARSE_OK; r <= PARSE_TOO_MANY_COMMANDS; r++) {
        const char *message = parse_message((enum parse_result)r);
        assert_non_null(message);
        assert_true(strlen(message) > 0);
        assert_string_not_equal(message, "unknown error");
        for (int other = PARSE_OK; other < r; other++)
            assert_string_not_equal(message, parse_message((enum parse_result)other));
    }
    assert_non_null(strstr(parse_message(PARSE_TOO_MANY_ARGS), "32"));
}

/* ---- random lines ------------------------------------------------------------ */

#define ROUND_TRIPS 20000

/* A random word of up to max characters: blanks, operators and one kind of quote among them. */
static void random_word(char *word, size_t max)
{
    static const char alphabet[] = "abcxyz019-_./|& \t'\"";
    char excluded = rng_below(2) ? '\'' : '"';
    size_t length = rng_below(max + 1);
    for (size_t i = 0; i < length; i++) {
        char c = alphabet[rng_below(sizeof(alphabet) - 1)];
        word[i] = c == excluded ? 'q' : c;
    }
    word[length] = '\0';
}

/* Appends word to buf as the shell would need it written. */
static void append_quoted(char *buf, const char *word)
{
    bool plain = *word != '\0' && strcspn(word, " \t|&'\"") == strlen(word);
    if (plain) {
        strcat(buf, word);
        return;
    }
    const char *quote = strchr(word, '\'') ? "\"" : "'";
    strcat(buf, quote);
    strcat(buf, word);
    strcat(buf, quote);
}

static const char *random_blanks(void)
{
    static const char *const blanks[] = {" ", "  ", "\t", " \t "};
    return blanks[rng_below(4)];
}

/* Random commands written out with quotes and blanks must parse back to the same words. */
static void test_random_lines_round_trip(void **state)
{
    (void)state;
    rng_seed(0x5EED5);
    static char words[PARSE_MAX_COMMANDS][PARSE_MAX_ARGS + 1][16];
    for (int round = 0; round < ROUND_TRIPS; round++) {
        int commands = 1 + (int)rng_below(3);
        int argc[PARSE_MAX_COMMANDS];
        bool background = rng_below(3) == 0;
        bool at_start = rng_below(2);
        char line[4 * PARSE_LINE_MAX] = "";
        if (background && at_start)
            strcat(line, "&");
        for (int c = 0; c < commands; c++) {
            if (c > 0)
                strcat(line, rng_below(2) ? "|" : " | ");
            argc[c] = 1 + (int)rng_below(6);
            for (int w = 0; w < argc[c]; w++) {
                strcat(line, random_blanks());
                random_word(words[c][w], 8);
                append_quoted(line, words[c][w]);
            }
        }
        if (background && !at_start)
            strcat(line, "&");
        if (strlen(line) >= PARSE_LINE_MAX)
            continue;

        const struct command_line *parsed_line = parse_ok(line);
        assert_int_equal(parsed_line->count, commands);
        assert_int_equal(parsed_line->background, background);
        for (int c = 0; c < commands; c++) {
            assert_int_equal(parsed_line->commands[c].argc, argc[c]);
            for (int w = 0; w < argc[c]; w++)
                assert_string_equal(parsed_line->commands[c].argv[w], words[c][w]);
            assert_null(parsed_line->commands[c].argv[argc[c]]);
        }
    }
}

#define GARBAGE_LINES 100000

/* Any line at all gives a result, stays inside the struct, and a valid result is well formed. */
static void test_random_garbage(void **state)
{
    (void)state;
    rng_seed(0xBADC0DE);
    static const char alphabet[] = "ab |&'\"\t";
    char line[PARSE_LINE_MAX + 16];
    for (int round = 0; round < GARBAGE_LINES; round++) {
        size_t length = rng_below(sizeof(line));
        for (size_t i = 0; i < length; i++)
            line[i] = alphabet[rng_below(sizeof(alphabet) - 1)];
        line[length] = '\0';
        enum parse_result result = parse(line);
        assert_true(result >= PARSE_OK && result <= PARSE_TOO_MANY_COMMANDS);
        if (result != PARSE_OK)
            continue;
        const struct command_line *l = &parsed.line;
        assert_true(l->count >= 0 && l->count <= PARSE_MAX_COMMANDS);
        for (int c = 0; c < l->count; c++) {
            const struct command *command = &l->commands[c];
            assert_true(command->argc >= 1 && command->argc <= PARSE_MAX_ARGS + 1);
            assert_null(command->argv[command->argc]);
            for (int w = 0; w < command->argc; w++) {
                const char *word = command->argv[w];
                assert_true(word >= l->words && word < l->words + sizeof(l->words));
                assert_true(word + strlen(word) < l->words + sizeof(l->words));
            }
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_empty_and_blank_lines),
        cmocka_unit_test(test_words_split_on_blanks),
        cmocka_unit_test(test_quotes_group_words),
        cmocka_unit_test(test_quotes_make_operators_plain),
        cmocka_unit_test(test_each_quote_holds_the_other),
        cmocka_unit_test(test_quoted_parts_join_into_one_word),
        cmocka_unit_test(test_empty_quotes_make_an_empty_word),
        cmocka_unit_test(test_pipeline),
        cmocka_unit_test(test_operators_need_no_blanks),
        cmocka_unit_test(test_background_at_either_end),
        cmocka_unit_test(test_background_pipeline),
        cmocka_unit_test(test_syntax_errors),
        cmocka_unit_test(test_argument_limit),
        cmocka_unit_test(test_pipeline_limit),
        cmocka_unit_test(test_line_length_limit),
        cmocka_unit_test(test_longest_line_fits_the_words_buffer),
        cmocka_unit_test(test_every_result_has_a_message),
        cmocka_unit_test(test_random_lines_round_trip),
        cmocka_unit_test(test_random_garbage),
    };

    return cmocka_run_group_tests_name("shell_parser", tests, NULL, NULL);
}
