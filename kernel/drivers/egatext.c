/*
 * EGA text mode: the screen_backend (screen_backend.h) for boot loaders that
 * leave the display in text mode (framebuffer type 2; BIOS only, UEFI
 * machines have no text mode). The video card draws the characters itself
 * from a buffer at physical 0xB8000: one 16-bit cell per character, the low
 * byte the character (code page 437, which agrees with ASCII), the high byte
 * its colours (bits 0-3 foreground, 4-6 background, 7 blink).
 *
 * The buffer is 4000 bytes, so there is no back buffer here: cells are
 * written straight to video memory and scrolling moves video memory.
 * screen.c draws the cursor as an inverted cell, so the card's blinking
 * hardware cursor is switched off.
 */
#include "arch/x86_64/cpu.h"
#include "drivers/screen_backend.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/mm.h"

#define CRTC_INDEX           0x3D4
#define CRTC_DATA            0x3D5
#define CRTC_CURSOR_START    0x0A
#define CRTC_CURSOR_DISABLED 0x20

/*
 * The card numbers its colours blue = 1, green = 2, red = 4 where ANSI has
 * red = 1, green = 2, blue = 4; the bright versions are 8 more in both.
 * With the card's default palette these are the colours fbcon.c uses.
 */
static const uint8_t ansi_to_ega[8] = {0, 4, 2, 6, 1, 5, 3, 7};

static struct {
    uint8_t *vram;  /* the text buffer, mapped */
    uint32_t pitch; /* bytes per text row */
    unsigned columns, rows;
} ega;

/* The card's own glyph for anything outside ASCII: CP437's diamond, like fbcon's fallback. */
#define EGA_FALLBACK 0x04

static uint16_t cell_value(char c, uint8_t fg, uint8_t bg)
{
    uint8_t ch = (unsigned char)c <= 0x7E ? (uint8_t)c : EGA_FALLBACK;
    uint8_t fg_ega = ansi_to_ega[fg & 7] | (fg & 8);
    /* Bright backgrounds show as normal ones: bit 7 would make the cell blink. */
    uint8_t bg_ega = ansi_to_ega[bg & 7];
    return (uint16_t)(ch | (fg_ega | bg_ega << 4) << 8);
}

static uint16_t *row_cells(unsigned row)
{
    return (uint16_t *)(ega.vram + (size_t)row * ega.pitch);
}

static void fill_row(unsigned row, uint16_t value)
{
    uint16_t *cells = row_cells(row);
    for (unsigned column = 0; column < ega.columns; column++) {
        cells[column] = value;
    }
}

static void egatext_draw_cell(unsigned column, unsigned row, char c, uint8_t fg, uint8_t bg)
{
    row_cells(row)[column] = cell_value(c, fg, bg);
}

static void egatext_scroll_up(uint8_t bg)
{
    memmove(ega.vram, ega.vram + ega.pitch, (size_t)(ega.rows - 1) * ega.pitch);
    fill_row(ega.rows - 1, cell_value(' ', bg, bg));
}

static void egatext_clear(uint8_t bg)
{
    for (unsigned row = 0; row < ega.rows; row++) {
        fill_row(row, cell_value(' ', bg, bg));
    }
}

/* Cells are drawn straight into video memory: nothing is pending. */
static void egatext_flush(void)
{
}

static struct screen_backend backend = {
    .draw_cell = egatext_draw_cell,
    .scroll_up = egatext_scroll_up,
    .clear = egatext_clear,
    .flush = egatext_flush,
};

struct screen_backend *egatext_init(const struct framebuffer_info *info)
{
    if (info->width == 0 || info->height == 0 || info->pitch < info->width * 2) {
        return NULL;
    }
    ega.pitch = info->pitch;
    ega.columns = info->width;
    ega.rows = info->height;
    ega.vram = mm_map_physical(info->address, (uint64_t)ega.pitch * ega.rows);

    outb(CRTC_INDEX, CRTC_CURSOR_START);
    outb(CRTC_DATA, CRTC_CURSOR_DISABLED);

    backend.columns = ega.columns;
    backend.rows = ega.rows;
    ksnprintf(backend.description, sizeof(backend.description), "EGA text %ux%u at 0x%llx",
              ega.columns, ega.rows, (unsigned long long)info->address);
    return &backend;
}
