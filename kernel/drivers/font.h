/*
 * A bitmap font for the framebuffer console. The glyph table is generated at
 * build time by toolchain/mkfont.py from a PSF console font; nothing here is
 * typed by hand.
 */
#ifndef CHALK_DRIVERS_FONT_H
#define CHALK_DRIVERS_FONT_H

#include <stdint.h>

struct font {
    unsigned width;         /* pixels */
    unsigned height;        /* pixels, = rows of a glyph */
    unsigned bytes_per_row; /* (width + 7) / 8; the leftmost pixel is bit 7 of byte 0 */
    unsigned first, last;   /* characters first..last have glyphs, in that order */
    /*
     * last - first + 2 glyphs of height * bytes_per_row bytes each; the one
     * after last's is the fallback drawn for every other character.
     */
    const uint8_t *glyphs;
};

/* The font the build chose (build/.../font.c). */
extern const struct font font_default;

/* The bitmap of character c: its own glyph, or the fallback glyph. */
static inline const uint8_t *font_glyph(const struct font *font, unsigned char c)
{
    unsigned index =
        c >= font->first && c <= font->last ? c - font->first : font->last - font->first + 1;
    return font->glyphs + index * font->height * font->bytes_per_row;
}

#endif
