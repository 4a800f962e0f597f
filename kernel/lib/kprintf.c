/*
 * kprintf formats into a line buffer and hands whole chunks to the console,
 * so the screen console can draw (and scroll) once per call instead of once
 * per character.
 */
#include "lib/kprintf.h"

#include "drivers/console.h"
#include "lib/format.h"

#define CHUNK 128

struct chunk {
    char buf[CHUNK];
    unsigned len;
};

static void chunk_sink(char c, void *ctx)
{
    struct chunk *chunk = ctx;
    chunk->buf[chunk->len++] = c;
    if (chunk->len == CHUNK) {
        console_write(chunk->buf, chunk->len);
        chunk->len = 0;
    }
}

int kvprintf(const char *fmt, va_list args)
{
    struct chunk chunk = {.len = 0};
    int n = vformat(chunk_sink, &chunk, fmt, args);
    if (chunk.len)
        console_write(chunk.buf, chunk.len);
    return n;
}

int kprintf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = kvprintf(fmt, args);
    va_end(args);
    return n;
}
