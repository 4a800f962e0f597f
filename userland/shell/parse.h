/*
 * The shell's command-line parser. A pure module: no system calls and no
 * allocation, so the host's unit tests compile it as it is
 * (tests/unit/test_shell_parser.c).
 *
 * Grammar (docs/shell.md has it with examples):
 *
 *     line     = blanks [ "&" ] pipeline [ "&" ] blanks | blanks ;
 *     pipeline = command { "|" command } ;
 *     command  = word { blanks word } ;
 *     word     = ( plain | "'" { any but "'" } "'" | '"' { any but '"' } '"' ) { ... } ;
 *
 * where plain is any character but blanks (space, tab), |, &, ' and ".
 * Quotes group characters into one word and are removed: a'b c'"d" is the
 * word "ab cd". There are no escapes. '&' may appear once, first or last.
 */
#ifndef CHALK_SHELL_PARSE_H
#define CHALK_SHELL_PARSE_H

#include <stdbool.h>

#define PARSE_LINE_MAX     256 /* bytes in a line, its terminating zero included */
#define PARSE_MAX_ARGS     32  /* arguments of one command, its name not counted */
#define PARSE_MAX_COMMANDS 8   /* commands in one pipeline */

struct command {
    int argc;                       /* words, the command's name included */
    char *argv[PARSE_MAX_ARGS + 2]; /* argv[0] is the name; NULL after the last */
};

struct command_line {
    int count;       /* commands in the pipeline; 0 for an empty line */
    bool background; /* '&' at the start or at the end */
    struct command commands[PARSE_MAX_COMMANDS];
    /*
     * The words' text, unquoted, each ending in a zero; argv points in here.
     * A line of n characters never needs more than n + 1 bytes: a word's
     * zero takes the place of the blank, operator or quote that ended it,
     * or of the line's own terminating zero.
     */
    char words[PARSE_LINE_MAX];
};

enum parse_result {
    PARSE_OK,
    PARSE_TOO_LONG,
    PARSE_OPEN_SINGLE_QUOTE,
    PARSE_OPEN_DOUBLE_QUOTE,
    PARSE_NOTHING_BEFORE_PIPE,
    PARSE_NOTHING_AFTER_PIPE,
    PARSE_LONE_AMPERSAND,
    PARSE_TWO_AMPERSANDS,
    PARSE_MISPLACED_AMPERSAND,
    PARSE_TOO_MANY_ARGS,
    PARSE_TOO_MANY_COMMANDS,
};

/* Parses line into *out. When the result is not PARSE_OK, *out means nothing. */
enum parse_result parse_line(const char *line, struct command_line *out);

/* A one-line description of a result, for "chalk: syntax error: ...". */
const char *parse_message(enum parse_result result);

#endif
