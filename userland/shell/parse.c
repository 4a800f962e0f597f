/*
 * The command-line parser: a lexer that cuts the line into words and the
 * operators | and &, and a recursive-descent parser over those tokens that
 * follows the grammar in parse.h. The lexer runs one token ahead of the
 * parser, so every decision looks only at the current token.
 */
#include "parse.h"

#include <stddef.h>
#include <string.h>

enum token {
    TOKEN_WORD,
    TOKEN_PIPE,
    TOKEN_AMPERSAND,
    TOKEN_END,
};

struct parser {
    const char *in;   /* the next character to read */
    char *out;        /* where the next word's text goes */
    enum token token; /* the current token */
    char *word;       /* its text, when it is a word */
};

static bool is_blank(char c)
{
    return c == ' ' || c == '\t';
}

static bool ends_word(char c)
{
    return c == '\0' || is_blank(c) || c == '|' || c == '&';
}

/* Copies a quoted part, in points just after the opening quote. */
static enum parse_result read_quoted(struct parser *p, char quote)
{
    while (*p->in != quote) {
        if (*p->in == '\0')
            return quote == '\'' ? PARSE_OPEN_SINGLE_QUOTE : PARSE_OPEN_DOUBLE_QUOTE;
        *p->out++ = *p->in++;
    }
    p->in++;
    return PARSE_OK;
}

static enum parse_result read_word(struct parser *p)
{
    p->token = TOKEN_WORD;
    p->word = p->out;
    while (!ends_word(*p->in)) {
        char c = *p->in++;
        if (c == '\'' || c == '"') {
            enum parse_result result = read_quoted(p, c);
            if (result != PARSE_OK)
                return result;
        } else {
            *p->out++ = c;
        }
    }
    *p->out++ = '\0';
    return PARSE_OK;
}

/* Moves to the next token. */
static enum parse_result advance(struct parser *p)
{
    while (is_blank(*p->in))
        p->in++;
    switch (*p->in) {
    case '\0':
        p->token = TOKEN_END;
        return PARSE_OK;
    case '|':
        p->in++;
        p->token = TOKEN_PIPE;
        return PARSE_OK;
    case '&':
        p->in++;
        p->token = TOKEN_AMPERSAND;
        return PARSE_OK;
    default:
        return read_word(p);
    }
}

/*
 * command = word { word }. A command is parsed only at the start of a line
 * or after a '|', so a missing one is blamed on the '|' next to it.
 */
static enum parse_result parse_command(struct parser *p, struct command *command)
{
    if (p->token != TOKEN_WORD)
        return p->token == TOKEN_PIPE ? PARSE_NOTHING_BEFORE_PIPE : PARSE_NOTHING_AFTER_PIPE;
    command->argc = 0;
    while (p->token == TOKEN_WORD) {
        if (command->argc == PARSE_MAX_ARGS + 1)
            return PARSE_TOO_MANY_ARGS;
        command->argv[command->argc++] = p->word;
        enum parse_result result = advance(p);
        if (result != PARSE_OK)
            return result;
    }
    command->argv[command->argc] = NULL;
    return PARSE_OK;
}

/* pipeline = command { "|" command } */
static enum parse_result parse_pipeline(struct parser *p, struct command_line *line)
{
    for (;;) {
        if (line->count == PARSE_MAX_COMMANDS)
            return PARSE_TOO_MANY_COMMANDS;
        enum parse_result result = parse_command(p, &line->commands[line->count++]);
        if (result != PARSE_OK || p->token != TOKEN_PIPE)
            return result;
        result = advance(p);
        if (result != PARSE_OK)
            return result;
    }
}

/* Takes an '&' when it is the current token; a second one on the line is an error. */
static enum parse_result parse_ampersand(struct parser *p, struct command_line *line)
{
    if (p->token != TOKEN_AMPERSAND)
        return PARSE_OK;
    if (line->background)
        return PARSE_TWO_AMPERSANDS;
    line->background = true;
    return advance(p);
}

enum parse_result parse_line(const char *text, struct command_line *line)
{
    line->count = 0;
    line->background = false;
    if (strlen(text) >= PARSE_LINE_MAX)
        return PARSE_TOO_LONG;

    struct parser p = {.in = text, .out = line->words};
    enum parse_result result = advance(&p);
    if (result == PARSE_OK)
        result = parse_ampersand(&p, line);
    if (result != PARSE_OK)
        return result;
    if (p.token == TOKEN_END)
        return line->background ? PARSE_LONE_AMPERSAND : PARSE_OK;
    if (p.token == TOKEN_AMPERSAND)
        return PARSE_TWO_AMPERSANDS;

    result = parse_pipeline(&p, line);
    if (result == PARSE_OK)
        result = parse_ampersand(&p, line);
    if (result != PARSE_OK)
        return result;
    if (p.token == TOKEN_AMPERSAND)
        return PARSE_TWO_AMPERSANDS;
    if (p.token != TOKEN_END)
        return PARSE_MISPLACED_AMPERSAND; /* more after a final '&': "a & b" */
    return PARSE_OK;
}

#define STRINGIFY(x)     #x
#define EXPAND_STRING(x) STRINGIFY(x)

const char *parse_message(enum parse_result result)
{
    switch (result) {
    case PARSE_OK:
        return "no error";
    case PARSE_TOO_LONG:
        return "line too long";
    case PARSE_OPEN_SINGLE_QUOTE:
        return "missing closing '";
    case PARSE_OPEN_DOUBLE_QUOTE:
        return "missing closing \"";
    case PARSE_NOTHING_BEFORE_PIPE:
        return "missing command before '|'";
    case PARSE_NOTHING_AFTER_PIPE:
        return "missing command after '|'";
    case PARSE_LONE_AMPERSAND:
        return "'&' without a command";
    case PARSE_TWO_AMPERSANDS:
        return "more than one '&'";
    case PARSE_MISPLACED_AMPERSAND:
        return "'&' goes at the start or at the end of a line";
    case PARSE_TOO_MANY_ARGS:
        return "too many arguments (at most " EXPAND_STRING(PARSE_MAX_ARGS) ")";
    case PARSE_TOO_MANY_COMMANDS:
        return "too many commands in a pipeline (at most " EXPAND_STRING(PARSE_MAX_COMMANDS) ")";
    }
    return "unknown error";
}
