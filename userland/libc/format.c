/*
 * The printf family. One engine, vformat, reads the format once and sends
 * each character to an output: either a string (snprintf) or a small buffer
 * that is written to a file descriptor whenever it fills (printf, dprintf).
 * Numbers become digit strings in a local buffer, and one function pads any
 * field to its width, so every conversion pads the same way.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct output {
    char *buf;
    size_t size;   /* capacity of buf */
    size_t length; /* characters waiting in buf */
    int fd;        /* >= 0: buf is written there when full; < 0: a string, cut at size */
    bool failed;   /* a write to fd failed */
    size_t total;  /* characters produced, kept or not */
};

/* One conversion: %[flags][width][length]conversion. */
struct spec {
    bool left; /* '-': pad on the right */
    bool zero; /* '0': pad numbers with zeros after the sign or 0x */
    int width;
    int longs; /* 0 for int, 1 for l, 2 for ll or z */
};

#define FD_BUFFER_SIZE 128

static void flush(struct output *out)
{
    if (out->fd < 0)
        return;
    for (size_t done = 0; done < out->length;) {
        ssize_t n = write(out->fd, out->buf + done, out->length - done);
        if (n <= 0) {
            out->failed = true;
            break;
        }
        done += (size_t)n;
    }
    out->length = 0;
}

static void put(struct output *out, char c)
{
    if (out->length == out->size)
        flush(out);
    if (out->length < out->size)
        out->buf[out->length++] = c;
    out->total++;
}

static void put_repeated(struct output *out, char c, int count)
{
    for (int i = 0; i < count; i++)
        put(out, c);
}

/* prefix ("-", "0x" or "") then text, padded to the field's width. */
static void put_field(struct output *out, const struct spec *spec, const char *prefix,
                      const char *text, size_t text_length, bool numeric)
{
    int pad = spec->width - (int)(strlen(prefix) + text_length);
    if (pad < 0)
        pad = 0;
    bool zeros = numeric && spec->zero && !spec->left;
    if (!spec->left && !zeros)
        put_repeated(out, ' ', pad);
    while (*prefix)
        put(out, *prefix++);
    if (zeros)
        put_repeated(out, '0', pad);
    for (size_t i = 0; i < text_length; i++)
        put(out, text[i]);
    if (spec->left)
        put_repeated(out, ' ', pad);
}

static void put_number(struct output *out, const struct spec *spec, const char *prefix,
                       uint64_t value, unsigned base, bool upper)
{
    const char *digit = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char digits[64]; /* enough for 64 bits in any base from 2 */
    size_t n = sizeof(digits);
    do {
        digits[--n] = digit[value % base];
        value /= base;
    } while (value);
    put_field(out, spec, prefix, digits + n, sizeof(digits) - n, true);
}

static int64_t signed_argument(const struct spec *spec, va_list *args)
{
    if (spec->longs == 2)
        return va_arg(*args, long long);
    if (spec->longs == 1)
        return va_arg(*args, long);
    return va_arg(*args, int);
}

static uint64_t unsigned_argument(const struct spec *spec, va_list *args)
{
    if (spec->longs == 2)
        return va_arg(*args, unsigned long long);
    if (spec->longs == 1)
        return va_arg(*args, unsigned long);
    return va_arg(*args, unsigned int);
}

/* Reads flags, width and length after a '%'; returns where the conversion letter is. */
static const char *read_spec(const char *fmt, struct spec *spec)
{
    *spec = (struct spec){0};
    for (;; fmt++) {
        if (*fmt == '-')
            spec->left = true;
        else if (*fmt == '0')
            spec->zero = true;
        else
            break;
    }
    for (; *fmt >= '0' && *fmt <= '9'; fmt++)
        spec->width = spec->width * 10 + (*fmt - '0');
    if (*fmt == 'z') {
        spec->longs = 2;
        fmt++;
    }
    for (; *fmt == 'l' && spec->longs < 2; fmt++)
        spec->longs++;
    return fmt;
}

static void convert(struct output *out, const struct spec *spec, char conversion, va_list *args)
{
    switch (conversion) {
    case 'd':
    case 'i': {
        int64_t value = signed_argument(spec, args);
        /* The magnitude as unsigned, so the most negative value works too. */
        uint64_t magnitude = value < 0 ? 0 - (uint64_t)value : (uint64_t)value;
        put_number(out, spec, value < 0 ? "-" : "", magnitude, 10, false);
        break;
    }
    case 'u':
        put_number(out, spec, "", unsigned_argument(spec, args), 10, false);
        break;
    case 'x':
    case 'X':
        put_number(out, spec, "", unsigned_argument(spec, args), 16, conversion == 'X');
        break;
    case 'p':
        put_number(out, spec, "0x", (uintptr_t)va_arg(*args, void *), 16, false);
        break;
    case 'c': {
        char c = (char)va_arg(*args, int);
        put_field(out, spec, "", &c, 1, false);
        break;
    }
    case 's': {
        const char *s = va_arg(*args, const char *);
        if (!s)
            s = "(null)";
        put_field(out, spec, "", s, strlen(s), false);
        break;
    }
    case '%':
        put(out, '%');
        break;
    default: /* unknown: shown as written, so the mistake is visible */
        put(out, '%');
        if (conversion)
            put(out, conversion);
        break;
    }
}

static void vformat(struct output *out, const char *fmt, va_list args)
{
    va_list copy;
    va_copy(copy, args); /* a va_list passed by value cannot be handed on by address */
    while (*fmt) {
        if (*fmt != '%') {
            put(out, *fmt++);
            continue;
        }
        struct spec spec;
        fmt = read_spec(fmt + 1, &spec);
        convert(out, &spec, *fmt, &copy);
        if (*fmt)
            fmt++;
    }
    va_end(copy);
}

int vdprintf(int fd, const char *fmt, va_list args)
{
    char buf[FD_BUFFER_SIZE];
    struct output out = {.buf = buf, .size = sizeof(buf), .fd = fd};
    vformat(&out, fmt, args);
    flush(&out);
    return out.failed ? -1 : (int)out.total;
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    /* Keep one byte for the terminating zero. */
    struct output out = {.buf = buf, .size = size ? size - 1 : 0, .fd = -1};
    vformat(&out, fmt, args);
    if (size)
        buf[out.length] = '\0';
    return (int)out.total;
}

int vfprintf(FILE *stream, const char *fmt, va_list args)
{
    return vdprintf(stream->fd, fmt, args);
}

int vprintf(const char *fmt, va_list args)
{
    return vdprintf(STDOUT_FILENO, fmt, args);
}

int dprintf(int fd, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vdprintf(fd, fmt, args);
    va_end(args);
    return n;
}

int fprintf(FILE *stream, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vdprintf(stream->fd, fmt, args);
    va_end(args);
    return n;
}

int printf(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vdprintf(STDOUT_FILENO, fmt, args);
    va_end(args);
    return n;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = vsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}
