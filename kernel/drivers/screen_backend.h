/*
 * What screen.c needs from a display: draw one text cell, scroll, clear,
 * and push what was drawn to the screen. screen.c owns everything else (the
 * text grid, the cursor, colours and the escape parser), so the two backends
 * (fbcon.c for a linear framebuffer, egatext.c for EGA text mode) stay small
 * and the terminal's behaviour is the same on both.
 *
 * Colours are indices into the 16-colour ANSI palette: 0-7 black, red,
 * green, yellow, blue, magenta, cyan, white (light grey); 8-15 the bright
 * versions in the same order.
 *
 * Only screen.c calls these, one call at a time (console.c serialises
 * screen_write), with columns and rows inside the geometry the backend set.
 */
#ifndef CHALK_DRIVERS_SCREEN_BACKEND_H
#define CHALK_DRIVERS_SCREEN_BACKEND_H

#include "boot/bootinfo.h"

#include <stdint.h>

#define SCREEN_COLOURS 16

struct screen_backend {
    unsigned columns, rows; /* text geometry, set by the backend's init */
    char description[96];   /* for screen_description(), set by init */

    /* Draws character c in colour fg on colour bg at cell (column, row). */
    void (*draw_cell)(unsigned column, unsigned row, char c, uint8_t fg, uint8_t bg);
    /* Moves every text row up by one; the bottom row becomes blank in bg. */
    void (*scroll_up)(uint8_t bg);
    /* Blanks the whole screen in colour bg. */
    void (*clear)(uint8_t bg);
    /* Makes everything drawn since the last flush visible. */
    void (*flush)(void);
};

/*
 * Each takes over the display fb describes and returns its backend, or
 * NULL when fb is not a display it can drive (or memory is short).
 */
struct screen_backend *fbcon_init(const struct framebuffer_info *fb);
struct screen_backend *egatext_init(const struct framebuffer_info *fb);

#endif
