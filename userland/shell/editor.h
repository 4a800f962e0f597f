/*
 * The shell's line editor. It reads the console in raw mode, one byte at a
 * time, and decides what each byte does to the line and what to echo. A
 * pure module: the shell reads the bytes and writes the echo, so the host's
 * unit tests can drive the editor with scripted keys
 * (tests/unit/test_shell_editor.c).
 *
 * Keys: printable characters are added at the end (there is no cursor to
 * move); Backspace (0x08 or 0x7F) removes the last one; Ctrl+U the whole
 * line; Up and Down (ESC [ A, ESC [ B) walk the history, and Down past the
 * newest entry gives back the line being typed; Enter ends the line; Ctrl+C
 * abandons it; Ctrl+D on an empty line reports end of input. Anything else
 * (other control keys, other escape sequences) is ignored.
 */
#ifndef CHALK_SHELL_EDITOR_H
#define CHALK_SHELL_EDITOR_H

#include <stddef.h>

#define EDITOR_LINE_MAX 256 /* bytes in a line, its terminating zero included */
#define EDITOR_HISTORY  16  /* lines remembered; the oldest goes first */
/* The most one key echoes: erasing a whole line and showing another. */
#define EDITOR_ECHO_MAX (4 * EDITOR_LINE_MAX)

struct editor {
    char line[EDITOR_LINE_MAX]; /* zero-terminated at all times */
    size_t length;

    /* History: a ring of the last lines entered; the newest is just before next. */
    char history[EDITOR_HISTORY][EDITOR_LINE_MAX];
    unsigned stored;             /* entries in use, at most EDITOR_HISTORY */
    unsigned next;               /* the slot the next line entered goes in */
    unsigned browse;             /* 0: the line being typed is shown; k: the k-th newest entry */
    char draft[EDITOR_LINE_MAX]; /* the line being typed, kept while browsing */

    int escape; /* progress through an escape sequence, see editor.c */

    char echo[EDITOR_ECHO_MAX]; /* what the last key wants written to the terminal */
    size_t echo_length;
};

enum editor_event {
    EDITOR_CONTINUE,  /* the line goes on */
    EDITOR_LINE,      /* Enter: line holds the finished line */
    EDITOR_INTERRUPT, /* Ctrl+C: the line was abandoned */
    EDITOR_END,       /* Ctrl+D on an empty line */
};

/* An editor with an empty history. */
void editor_init(struct editor *editor);

/* Starts a new, empty line (after the prompt is printed). */
void editor_begin(struct editor *editor);

/*
 * Takes one byte of input. Afterwards echo holds the bytes to write to the
 * terminal for it (possibly none). A line ended by Enter joins the history
 * unless it is blank or repeats the newest entry.
 */
enum editor_event editor_key(struct editor *editor, char key);

#endif
