/*
 * The screen console's terminal: a grid of text cells, a cursor, the current
 * colours and an ANSI escape parser. It decides what each cell shows and
 * asks a backend (screen_backend.h) to draw it: fbcon.c on a linear
 * framebuffer, egatext.c in EGA text mode. Being the only place that knows
 * the terminal rules, it makes both displays behave the same.
 *
 * The grid is the truth; the display is a picture of it. The grid answers
 * screen_char_at(), lets the cursor be drawn and undrawn without reading the
 * display back, and is what a later full redraw will repaint from.
 *
 * Invariants between two screen_write() calls: every cell is drawn as the
 * grid says, except the cursor's cell, which is drawn with its colours
 * swapped (the visible cursor), and the backend has been flushed.
 */
#include "drivers/screen.h"
#include "drivers/screen_backend.h"
#include "lib/string.h"
#include "mm/mm.h"

#define DEFAULT_FG 7 /* light grey */
#define DEFAULT_BG 0 /* black */
#define BRIGHT     8 /* added to colours 0-7 to get their bright versions */
#define TAB_WIDTH  8
#define MAX_PARAMS 8    /* parameters kept of one CSI sequence; later ones are dropped */
#define MAX_PARAM  9999 /* parameter values saturate here instead of overflowing */

struct cell {
    char c;
    uint8_t fg, bg;
};

/*
 * Where the parser is. Escape sequences may be split across screen_write
 * calls, so this state lives between them.
 *   TEXT    ordinary characters
 *   ESCAPE  after ESC; '[' starts a CSI sequence, bytes 0x20-0x2F are
 *           intermediates (ESC ( B), any other byte ends the sequence
 *   CSI     after ESC [: parameters, then one final byte 0x40-0x7E
 */
enum parse_state { TEXT, ESCAPE, CSI };

static struct {
    struct screen_backend *backend; /* NULL until screen_init succeeds */
    struct cell *grid;              /* backend->rows rows of backend->columns cells */
    unsigned columns, rows;
    /*
     * The cursor. column == columns means the last cell of the row was just
     * written: the line wraps before the next printable character, not at
     * once, so a full-width line followed by '\n' does not leave an empty line.
     */
    unsigned column, row;
    uint8_t fg, bg; /* colour indices 0-15 set by ESC[...m */
    bool bright;    /* ESC[1m: colours 0-7 of fg are shown as 8-15 */
    enum parse_state state;
    unsigned params[MAX_PARAMS]; /* of the CSI sequence being read */
    unsigned param;              /* index of the parameter being read; may pass MAX_PARAMS */
    bool csi_ignored;            /* private (ESC[?...) or intermediate bytes: not ours */
} screen;

static uint8_t current_fg(void)
{
    return screen.bright && screen.fg < BRIGHT ? screen.fg + BRIGHT : screen.fg;
}

static struct cell *cell_at(unsigned column, unsigned row)
{
    return &screen.grid[row * screen.columns + column];
}

static void draw(unsigned column, unsigned row)
{
    struct cell *cell = cell_at(column, row);
    screen.backend->draw_cell(column, row, cell->c, cell->fg, cell->bg);
}

/* Shows or hides the cursor: its cell drawn with swapped colours, or as usual. */
static void draw_cursor(bool visible)
{
    unsigned column = screen.column < screen.columns ? screen.column : screen.columns - 1;
    struct cell *cell = cell_at(column, screen.row);
    if (visible) {
        screen.backend->draw_cell(column, screen.row, cell->c, cell->bg, cell->fg);
    } else {
        draw(column, screen.row);
    }
}

/* Blank cells take the current colours, as on a VT100 or Linux console. */
static void blank_cells(struct cell *first, size_t count)
{
    for (size_t i = 0; i < count; i++) {
        first[i] = (struct cell){' ', current_fg(), screen.bg};
    }
}

static void clear(void)
{
    blank_cells(screen.grid, (size_t)screen.columns * screen.rows);
    screen.backend->clear(screen.bg);
}

static void newline(void)
{
    screen.column = 0;
    if (screen.row + 1 < screen.rows) {
        screen.row++;
        return;
    }
    memmove(screen.grid, cell_at(0, 1),
            (size_t)(screen.rows - 1) * screen.columns * sizeof(struct cell));
    blank_cells(cell_at(0, screen.rows - 1), screen.columns);
    screen.backend->scroll_up(screen.bg);
}

static void put_char(unsigned char c)
{
    if (c == 0x7F || (c & 0xC0) == 0x80) {
        return; /* DEL, and UTF-8 continuation bytes: one fallback glyph per character */
    }
    if (screen.column == screen.columns) {
        newline();
    }
    *cell_at(screen.column, screen.row) = (struct cell){(char)c, current_fg(), screen.bg};
    draw(screen.column, screen.row);
    screen.column++;
}

/* Control characters act even inside an escape sequence, as on a VT100. */
static void control(unsigned char c)
{
    switch (c) {
    case '\n':
        newline();
        break;
    case '\r':
        screen.column = 0;
        break;
    case '\b':
        if (screen.column > 0) {
            screen.column--;
        }
        break;
    case '\t': {
        /* To the next tab stop, at most the last column; never backwards. */
        unsigned stop = (screen.column / TAB_WIDTH + 1) * TAB_WIDTH;
        if (stop > screen.columns - 1) {
            stop = screen.columns - 1;
        }
        if (stop > screen.column) {
            screen.column = stop;
        }
        break;
    }
    default:
        break; /* bell and the rest: nothing to show */
    }
}

/* ESC[...m: each parameter changes the colours in turn; unknown ones are skipped. */
static void select_graphic_rendition(unsigned count)
{
    for (unsigned i = 0; i < count; i++) {
        unsigned p = screen.params[i];
        if (p == 0) {
            screen.fg = DEFAULT_FG;
            screen.bg = DEFAULT_BG;
            screen.bright = false;
        } else if (p == 1) {
            screen.bright = true;
        } else if (p == 22) {
            screen.bright = false;
        } else if (p >= 30 && p <= 37) {
            screen.fg = p - 30;
        } else if (p == 39) {
            screen.fg = DEFAULT_FG;
        } else if (p >= 40 && p <= 47) {
            screen.bg = p - 40;
        } else if (p == 49) {
            screen.bg = DEFAULT_BG;
        } else if (p >= 90 && p <= 97) {
            screen.fg = p - 90 + BRIGHT;
        } else if (p >= 100 && p <= 107) {
            screen.bg = p - 100 + BRIGHT;
        }
    }
}

/* A complete CSI sequence ending in final. Sequences not listed do nothing. */
static void csi_dispatch(char final)
{
    unsigned count = screen.param < MAX_PARAMS ? screen.param + 1 : MAX_PARAMS;
    switch (final) {
    case 'm':
        select_graphic_rendition(count);
        break;
    case 'J': /* 2: the whole screen, 3: and scrollback (there is none) */
        if (screen.params[0] == 2 || screen.params[0] == 3) {
            clear();
        }
        break;
    case 'H': /* ESC[row;columnH, 1-based; missing or 0 means 1 */
    case 'f': {
        unsigned row = screen.params[0] ? screen.params[0] - 1 : 0;
        unsigned column = count > 1 && screen.params[1] ? screen.params[1] - 1 : 0;
        screen.row = row < screen.rows ? row : screen.rows - 1;
        screen.column = column < screen.columns ? column : screen.columns - 1;
        break;
    }
    default:
        break;
    }
}

static void csi_byte(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        if (screen.param < MAX_PARAMS) {
            unsigned *p = &screen.params[screen.param];
            *p = *p * 10 + (c - '0');
            if (*p > MAX_PARAM) {
                *p = MAX_PARAM;
            }
        }
    } else if (c == ';') {
        screen.param++;
    } else if (c >= 0x20 && c <= 0x3F) {
        screen.csi_ignored = true; /* '?' and friends, ':' and intermediates */
    } else {
        if (c >= 0x40 && c <= 0x7E && !screen.csi_ignored) {
            csi_dispatch((char)c);
        }
        screen.state = TEXT; /* a final byte, or a malformed sequence dropped whole */
    }
}

static void feed(unsigned char c)
{
    if (c == '\033') {
        screen.state = ESCAPE; /* also abandons a sequence in progress */
        return;
    }
    if (c < 0x20) {
        control(c);
        return;
    }
    switch (screen.state) {
    case TEXT:
        put_char(c);
        break;
    case ESCAPE:
        if (c == '[') {
            memset(screen.params, 0, sizeof(screen.params));
            screen.param = 0;
            screen.csi_ignored = false;
            screen.state = CSI;
        } else if (c > 0x2F) {
            screen.state = TEXT; /* ESC 7, ESC c...: a final byte, ignored */
        }
        break;
    case CSI:
        csi_byte(c);
        break;
    }
}

bool screen_init(const struct framebuffer_info *fb)
{
    struct screen_backend *backend = NULL;
    if (fb->kind == FRAMEBUFFER_RGB) {
        backend = fbcon_init(fb);
    } else if (fb->kind == FRAMEBUFFER_EGA_TEXT) {
        backend = egatext_init(fb);
    }
    if (!backend) {
        return false;
    }
    /*
     * If this fails the backend's buffers are not given back: the heap is
     * nearly empty this early only on a machine that cannot boot anyway.
     */
    screen.grid = kmalloc((size_t)backend->columns * backend->rows * sizeof(struct cell));
    if (!screen.grid) {
        return false;
    }
    screen.columns = backend->columns;
    screen.rows = backend->rows;
    screen.column = screen.row = 0;
    screen.fg = DEFAULT_FG;
    screen.bg = DEFAULT_BG;
    screen.bright = false;
    screen.state = TEXT;
    screen.backend = backend;
    clear();
    draw_cursor(true);
    backend->flush();
    return true;
}

void screen_write(const char *s, size_t n)
{
    if (!screen.backend) {
        return;
    }
    draw_cursor(false);
    for (size_t i = 0; i < n; i++) {
        feed((unsigned char)s[i]);
    }
    draw_cursor(true);
    screen.backend->flush();
}

const char *screen_description(void)
{
    return screen.backend ? screen.backend->description : "no screen";
}

unsigned screen_columns(void)
{
    return screen.backend ? screen.columns : 0;
}

unsigned screen_rows(void)
{
    return screen.backend ? screen.rows : 0;
}

char screen_char_at(unsigned column, unsigned row)
{
    if (!screen.backend || column >= screen.columns || row >= screen.rows) {
        return '\0';
    }
    return cell_at(column, row)->c;
}
