/*
 * Text on a linear framebuffer: the screen_backend (screen_backend.h) for
 * the graphics modes GRUB sets up under UEFI, and under BIOS when the kernel
 * asks for a framebuffer.
 *
 * The framebuffer is an array of pixels in video memory, `pitch` bytes per
 * line (the pitch may exceed width * bytes per pixel), each pixel 3 or 4
 * bytes whose red, green and blue fields sit where the boot loader's shifts
 * say. A text cell is a font->width x font->height block of pixels; a glyph
 * from the bitmap font (font.h, generated at build time from a PSF console
 * font) decides which pixels take the foreground colour.
 *
 * Scrolling is the hard part. Moving the text up one line means moving
 * almost the whole frame: megabytes. Redrawing every cell from the text grid
 * would cost a glyph lookup per pixel; moving the pixels inside video memory
 * reads video memory, which real hardware makes slow (it is mapped
 * uncached, and reads cross the bus). So the console draws into a back
 * buffer in RAM with the framebuffer's exact layout:
 *   - draw_cell writes a glyph into the back buffer;
 *   - scroll_up is one memmove inside the back buffer, plus a blank row;
 *   - both only widen a range of dirty pixel lines, and flush, called once at
 *     the end of each screen_write, copies that range to video memory with
 *     one memcpy, a stream of writes and never a read.
 * A boot log that scrolls forty times in one screen_write therefore costs
 * forty RAM memmoves and a single copy to video memory.
 *
 * The price is RAM the size of the frame (3 MiB at 1024x768x32). When it
 * cannot be had, drawing goes straight to video memory and scrolling moves
 * video memory: slower, still correct.
 *
 * The 16 colours are converted to pixel values once, at init, from the
 * field positions the boot loader reported.
 */
#include "drivers/font.h"
#include "drivers/screen_backend.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/mm.h"

/*
 * The ANSI colours as 0xRRGGBB: the VGA defaults, which are also what EGA
 * text mode shows, so both backends look alike.
 */
static const uint32_t palette_rgb[SCREEN_COLOURS] = {
    0x000000, 0xAA0000, 0x00AA00, 0xAA5500, 0x0000AA, 0xAA00AA, 0x00AAAA, 0xAAAAAA,
    0x555555, 0xFF5555, 0x55FF55, 0xFFFF55, 0x5555FF, 0xFF55FF, 0x55FFFF, 0xFFFFFF,
};

static struct {
    uint8_t *vram;   /* the framebuffer, mapped */
    uint8_t *target; /* where drawing goes: the back buffer, or vram without one */
    uint32_t pitch;  /* bytes per pixel line, in both */
    uint32_t width, height;
    uint32_t text_height;     /* pixel lines the text rows cover; the rest is margin */
    unsigned bytes_per_pixel; /* 3 or 4 */
    const struct font *font;
    uint32_t pixel[SCREEN_COLOURS]; /* palette_rgb in the framebuffer's format */
    /* Pixel lines [dirty_first, dirty_end) of target differ from vram. */
    uint32_t dirty_first, dirty_end;
} fb;

static void mark_dirty(uint32_t first, uint32_t end)
{
    if (fb.target == fb.vram) {
        return;
    }
    if (fb.dirty_first >= fb.dirty_end) {
        fb.dirty_first = first;
        fb.dirty_end = end;
        return;
    }
    if (first < fb.dirty_first) {
        fb.dirty_first = first;
    }
    if (end > fb.dirty_end) {
        fb.dirty_end = end;
    }
}

/* One 8-bit colour component scaled to a field of bits bits at shift. */
static uint32_t field(uint32_t component, uint8_t shift, uint8_t bits)
{
    uint32_t value = bits >= 8 ? component << (bits - 8) : component >> (8 - bits);
    return value << shift;
}

static void put_pixel(uint8_t *p, uint32_t value)
{
    if (fb.bytes_per_pixel == 4) {
        *(uint32_t *)p = value;
    } else {
        p[0] = (uint8_t)value;
        p[1] = (uint8_t)(value >> 8);
        p[2] = (uint8_t)(value >> 16);
    }
}

/* Pixel lines [first, first + count) of target become colour. */
static void fill_lines(uint32_t first, uint32_t count, uint8_t colour)
{
    uint8_t *line = fb.target + (size_t)first * fb.pitch;
    for (uint32_t x = 0; x < fb.width; x++) {
        put_pixel(line + x * fb.bytes_per_pixel, fb.pixel[colour]);
    }
    /* The other lines are copies of the first: a memcpy beats per-pixel stores. */
    for (uint32_t y = 1; y < count; y++) {
        memcpy(line + (size_t)y * fb.pitch, line, (size_t)fb.width * fb.bytes_per_pixel);
    }
    mark_dirty(first, first + count);
}

static void fbcon_draw_cell(unsigned column, unsigned row, char c, uint8_t fg, uint8_t bg)
{
    const struct font *font = fb.font;
    const uint8_t *glyph = font_glyph(font, (unsigned char)c);
    uint32_t top = row * font->height;
    uint8_t *line =
        fb.target + (size_t)top * fb.pitch + (size_t)column * font->width * fb.bytes_per_pixel;
    for (unsigned y = 0; y < font->height; y++, line += fb.pitch, glyph += font->bytes_per_row) {
        for (unsigned x = 0; x < font->width; x++) {
            bool ink = glyph[x / 8] & (0x80 >> (x % 8));
            put_pixel(line + x * fb.bytes_per_pixel, fb.pixel[ink ? fg : bg]);
        }
    }
    mark_dirty(top, top + font->height);
}

static void fbcon_scroll_up(uint8_t bg)
{
    uint32_t moved = fb.text_height - fb.font->height;
    memmove(fb.target, fb.target + (size_t)fb.font->height * fb.pitch, (size_t)moved * fb.pitch);
    fill_lines(moved, fb.font->height, bg);
    mark_dirty(0, fb.text_height);
}

/* The whole frame, the margins right of and below the text included. */
static void fbcon_clear(uint8_t bg)
{
    fill_lines(0, fb.height, bg);
}

static void fbcon_flush(void)
{
    if (fb.dirty_first < fb.dirty_end) {
        size_t offset = (size_t)fb.dirty_first * fb.pitch;
        memcpy(fb.vram + offset, fb.target + offset,
               (size_t)(fb.dirty_end - fb.dirty_first) * fb.pitch);
        fb.dirty_first = fb.dirty_end = 0;
    }
}

static struct screen_backend backend = {
    .draw_cell = fbcon_draw_cell,
    .scroll_up = fbcon_scroll_up,
    .clear = fbcon_clear,
    .flush = fbcon_flush,
};

static bool field_fits(uint8_t shift, uint8_t bits, uint8_t bpp)
{
    return bits > 0 && shift + bits <= bpp;
}

struct screen_backend *fbcon_init(const struct framebuffer_info *info)
{
    const struct font *font = &font_default;
    if ((info->bpp != 24 && info->bpp != 32) || info->width < font->width ||
        info->height < font->height || info->pitch < (uint64_t)info->width * (info->bpp / 8) ||
        !field_fits(info->red_shift, info->red_bits, info->bpp) ||
        !field_fits(info->green_shift, info->green_bits, info->bpp) ||
        !field_fits(info->blue_shift, info->blue_bits, info->bpp)) {
        return NULL; /* 8 and 16 bpp modes, and nonsense, are left to the serial console */
    }
    fb.font = font;
    fb.pitch = info->pitch;
    fb.width = info->width;
    fb.height = info->height;
    fb.bytes_per_pixel = info->bpp / 8;
    for (unsigned i = 0; i < SCREEN_COLOURS; i++) {
        uint32_t rgb = palette_rgb[i];
        fb.pixel[i] = field(rgb >> 16 & 0xFF, info->red_shift, info->red_bits) |
                      field(rgb >> 8 & 0xFF, info->green_shift, info->green_bits) |
                      field(rgb & 0xFF, info->blue_shift, info->blue_bits);
    }

    size_t frame_size = (size_t)fb.pitch * fb.height;
    fb.vram = mm_map_physical(info->address, frame_size);
    uint64_t back = mm_alloc_frames(ALIGN_UP(frame_size, PAGE_SIZE) / PAGE_SIZE);
    fb.target = back ? phys_to_virt(back) : fb.vram;
    fb.dirty_first = fb.dirty_end = 0;

    backend.columns = fb.width / font->width;
    backend.rows = fb.height / font->height;
    fb.text_height = backend.rows * font->height;
    ksnprintf(backend.description, sizeof(backend.description),
              "framebuffer %ux%ux%u at 0x%llx, %ux%u text, font %ux%u%s", fb.width, fb.height,
              info->bpp, (unsigned long long)info->address, backend.columns, backend.rows,
              font->width, font->height, back ? "" : ", no back buffer");
    return &backend;
}
