/*
 * The screen console: a text console drawn on the framebuffer GRUB set up
 * (any resolution, 24 or 32 bits per pixel, any pitch), or EGA text mode
 * when that is what the boot loader reports. console.c is its only user.
 */
#ifndef CHALK_DRIVERS_SCREEN_H
#define CHALK_DRIVERS_SCREEN_H

#include "boot/bootinfo.h"

#include <stdbool.h>
#include <stddef.h>

/*
 * Takes over the display described by fb. Needs the memory subsystem (it
 * maps the framebuffer and allocates its back buffer). Returns false, and
 * leaves the screen unused, when there is no display it can drive.
 */
bool screen_init(const struct framebuffer_info *fb);

/*
 * Draws text: printable characters, '\n', '\r', '\b', '\t', and the ANSI
 * escapes ESC[<n>m (0 reset, 1 bright, 30-37/90-97 foreground, 39 default)
 * and ESC[2J (clear) / ESC[H (home). Scrolls when the bottom is reached.
 * Does nothing before a successful screen_init.
 */
void screen_write(const char *s, size_t n);

/* One line describing the display, for the boot log. */
const char *screen_description(void);

/* Text cell geometry (columns, rows); 0 when there is no screen. */
unsigned screen_columns(void);
unsigned screen_rows(void);

/* The character drawn at (column, row) of the text grid, for self-tests. */
char screen_char_at(unsigned column, unsigned row);

#endif
