/*
 * The formatting engine behind kprintf and ksnprintf. One pass over the
 * format string; each conversion becomes a digit string in a small local
 * buffer, which emit_field then pads to the requested width.
 */
#include "lib/format.h"

#include <stdbool.h>
#include <stdint.h>

struct spec {
    bool left; /* '-' flag */
    bool zero; /* '0' flag */
    bool alt;  /* '#' flag: 0x before non-zero hex */
    int width;
    int length; /* number of 'l' (or 'z', counted as 2) */
};

struct output {
    format_sink_t sink;
    void *ctx;
    int count;
};

static void put(struct output *out, char c)
{
    out->sink(c, out->ctx);
    out->count++;
}

/* Writes prefix (sign or 0x) and body padded to spec->width. */
static void emit_field(struct output *out, const struct spec *spec, const char *prefix,
                       const char *body, int body_len)
{
    int prefix_len = 0;
    while (prefix[prefix_len])
        prefix_len++;
    int pad = spec->width - prefix_len - body_len;

    if (!spec->left && !spec->zero)
        for (; pad > 0; pad--)
            put(out, ' ');
    for (int i = 0; i < prefix_len; i++)
        put(out, prefix[i]);
    if (!spec->left && spec->zero)
        for (; pad > 0; pad--)
            put(out, '0');
    for (int i = 0; i < body_len; i++)
        put(out, body[i]);
    for (; pad > 0; pad--)
        put(out, ' ');
}

/* Writes value in base into the end of buf; returns where the digits start. */
static char *digits(uint64_t value, unsigned base, bool upper, char *end)
{
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char *p = end;
    do {
        *--p = set[value % base];
        value /= base;
    } while (value);
    return p;
}

static void emit_number(struct output *out, const struct spec *spec, uint64_t value, unsigned base,
                        bool upper, const char *prefix)
{
    char buf[24];
    char *start = digits(value, base, upper, buf + sizeof(buf));
    emit_field(out, spec, prefix, start, (int)(buf + sizeof(buf) - start));
}

static int64_t signed_arg(int length, va_list *args)
{
    if (length >= 2)
        return va_arg(*args, long long);
    if (length == 1)
        return va_arg(*args, long);
    return va_arg(*args, int);
}

static uint64_t unsigned_arg(int length, va_list *args)
{
    if (length >= 2)
        return va_arg(*args, unsigned long long);
    if (length == 1)
        return va_arg(*args, unsigned long);
    return va_arg(*args, unsigned int);
}

/* Parses flags, width and length after a '%'; returns the conversion char. */
static const char *parse_spec(const char *p, struct spec *spec)
{
    *spec = (struct spec){0};
    for (;; p++) {
        if (*p == '-')
            spec->left = true;
        else if (*p == '#')
            spec->alt = true;
        else if (*p == '0')
            spec->zero = true;
        else
            break;
    }
    while (*p >= '0' && *p <= '9')
        spec->width = spec->width * 10 + (*p++ - '0');
    if (*p == 'z') {
        spec->length = 2;
        p++;
    }
    while (*p == 'l') {
        spec->length++;
        p++;
    }
    return p;
}

int vformat(format_sink_t sink, void *ctx, const char *fmt, va_list args)
{
    struct output out = {sink, ctx, 0};
    va_list ap;
    va_copy(ap, args);

    for (const char *p = fmt; *p; p++) {
        if (*p != '%') {
            put(&out, *p);
            continue;
        }
        const char *conv_start = p;
        struct spec spec;
        p = parse_spec(p + 1, &spec);

        switch (*p) {
        case 'd':
        case 'i': {
            int64_t v = signed_arg(spec.length, &ap);
            /* Negate in unsigned arithmetic: -INT64_MIN overflows int64_t. */
            uint64_t magnitude = v < 0 ? -(uint64_t)v : (uint64_t)v;
            emit_number(&out, &spec, magnitude, 10, false, v < 0 ? "-" : "");
            break;
        }
        case 'u':
            emit_number(&out, &spec, unsigned_arg(spec.length, &ap), 10, false, "");
            break;
        case 'x':
        case 'X': {
            uint64_t v = unsigned_arg(spec.length, &ap);
            const char *prefix = spec.alt && v ? (*p == 'X' ? "0X" : "0x") : "";
            emit_number(&out, &spec, v, 16, *p == 'X', prefix);
            break;
        }
        case 'p': {
            struct spec pspec = {.zero = true, .width = 18};
            emit_number(&out, &pspec, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, false, "0x");
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = 0;
            while (s[len])
                len++;
            spec.zero = false;
            emit_field(&out, &spec, "", s, len);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            spec.zero = false;
            emit_field(&out, &spec, "", &c, 1);
            break;
        }
        case '%':
            put(&out, '%');
            break;
        default:
            /* Unknown conversion: show it verbatim (and stop at a final %). */
            for (const char *q = conv_start; q <= p && *q; q++)
                put(&out, *q);
            if (!*p)
                p--;
            break;
        }
    }
    va_end(ap);
    return out.count;
}

struct buffer {
    char *buf;
    size_t size;
    size_t len;
};

static void buffer_sink(char c, void *ctx)
{
    struct buffer *b = ctx;
    if (b->len + 1 < b->size)
        b->buf[b->len] = c;
    b->len++;
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list args)
{
    struct buffer b = {buf, size, 0};
    int n = vformat(buffer_sink, &b, fmt, args);
    if (size > 0)
        buf[b.len < size ? b.len : size - 1] = '\0';
    return n;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    int n = kvsnprintf(buf, size, fmt, args);
    va_end(args);
    return n;
}
