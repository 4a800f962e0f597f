/*
 * The line editor's state machine. The echo keeps the terminal showing
 * exactly the line: characters are echoed as typed, and erasing one writes
 * "\b \b" (back, blank it, back again), which works on the serial terminal
 * and on Chalk's screen alike without any cursor-control sequence.
 */
#include "editor.h"

#include <stdbool.h>
#include <string.h>

#define CTRL(letter) ((letter) - '@')
#define KEY_ESCAPE   0x1B
#define KEY_DELETE   0x7F

/* Where we are in an escape sequence: ESC, then [ or O, then the final byte. */
enum {
    ESCAPE_NONE,
    ESCAPE_STARTED,  /* after ESC */
    ESCAPE_SEQUENCE, /* after ESC [ or ESC O: parameters until a final byte */
};

static void echo(struct editor *editor, const char *text)
{
    size_t n = strlen(text);
    memcpy(editor->echo + editor->echo_length, text, n);
    editor->echo_length += n;
}

static void erase_last(struct editor *editor)
{
    editor->line[--editor->length] = '\0';
    echo(editor, "\b \b");
}

static void erase_line(struct editor *editor)
{
    while (editor->length > 0)
        erase_last(editor);
}

/* Replaces the line with text, on the terminal too. */
static void show(struct editor *editor, const char *text)
{
    erase_line(editor);
    editor->length = strlen(text);
    memcpy(editor->line, text, editor->length + 1);
    echo(editor, text);
}

/* The k-th newest history entry, k from 1 to stored. */
static const char *history_entry(const struct editor *editor, unsigned k)
{
    return editor->history[(editor->next + EDITOR_HISTORY - k) % EDITOR_HISTORY];
}

static bool is_blank_line(const char *line)
{
    for (; *line; line++) {
        if (*line != ' ' && *line != '\t')
            return false;
    }
    return true;
}

static void remember(struct editor *editor)
{
    if (is_blank_line(editor->line))
        return;
    if (editor->stored > 0 && strcmp(history_entry(editor, 1), editor->line) == 0)
        return;
    memcpy(editor->history[editor->next], editor->line, editor->length + 1);
    editor->next = (editor->next + 1) % EDITOR_HISTORY;
    if (editor->stored < EDITOR_HISTORY)
        editor->stored++;
}

static void history_older(struct editor *editor)
{
    if (editor->browse == editor->stored)
        return;
    if (editor->browse == 0)
        memcpy(editor->draft, editor->line, editor->length + 1);
    editor->browse++;
    show(editor, history_entry(editor, editor->browse));
}

static void history_newer(struct editor *editor)
{
    if (editor->browse == 0)
        return;
    editor->browse--;
    show(editor, editor->browse ? history_entry(editor, editor->browse) : editor->draft);
}

/* One byte of an escape sequence; only Up and Down mean something. */
static void escape_key(struct editor *editor, char key)
{
    if (editor->escape == ESCAPE_STARTED) {
        editor->escape = key == '[' || key == 'O' ? ESCAPE_SEQUENCE : ESCAPE_NONE;
        return;
    }
    if (key >= 0x40 && key <= 0x7E) { /* a final byte ends the sequence */
        editor->escape = ESCAPE_NONE;
        if (key == 'A')
            history_older(editor);
        else if (key == 'B')
            history_newer(editor);
    }
}

void editor_init(struct editor *editor)
{
    editor->stored = 0;
    editor->next = 0;
    editor_begin(editor);
}

void editor_begin(struct editor *editor)
{
    editor->line[0] = '\0';
    editor->length = 0;
    editor->browse = 0;
    editor->escape = ESCAPE_NONE;
    editor->echo_length = 0;
}

enum editor_event editor_key(struct editor *editor, char key)
{
    editor->echo_length = 0;
    if (editor->escape != ESCAPE_NONE) {
        escape_key(editor, key);
        return EDITOR_CONTINUE;
    }

    switch (key) {
    case '\r':
    case '\n':
        echo(editor, "\n");
        remember(editor);
        return EDITOR_LINE;
    case CTRL('C'):
        echo(editor, "^C\n");
        return EDITOR_INTERRUPT;
    case CTRL('D'):
        if (editor->length > 0)
            return EDITOR_CONTINUE;
        echo(editor, "^D\n");
        return EDITOR_END;
    case CTRL('U'):
        erase_line(editor);
        return EDITOR_CONTINUE;
    case '\b':
    case KEY_DELETE:
        if (editor->length > 0)
            erase_last(editor);
        return EDITOR_CONTINUE;
    case KEY_ESCAPE:
        editor->escape = ESCAPE_STARTED;
        return EDITOR_CONTINUE;
    default:
        if (key >= ' ' && key <= '~' && editor->length < EDITOR_LINE_MAX - 1) {
            editor->line[editor->length++] = key;
            editor->line[editor->length] = '\0';
            editor->echo[editor->echo_length++] = key;
        }
        return EDITOR_CONTINUE;
    }
}
