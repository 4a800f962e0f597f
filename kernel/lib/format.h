/*
 * printf-style formatting, independent of where the characters go.
 *
 * Supported: %d %i %u %x %X %p %s %c %%, the length modifiers l and ll (and
 * z for size_t), a field width, the flags 0 (zero padding), - (left
 * justify) and # (0x before non-zero %x). %p prints 0x and 16 hex digits. A NULL %s prints
 * "(null)". Anything else is printed as written, so a typo shows instead of crashing.
 */
#ifndef CHALK_LIB_FORMAT_H
#define CHALK_LIB_FORMAT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives each output character; ctx is the caller's. */
typedef void (*format_sink_t)(char c, void *ctx);

/* Formats into sink and returns the number of characters produced. */
int vformat(format_sink_t sink, void *ctx, const char *fmt, va_list args);

/*
 * Formats into buf (always NUL-terminated when size > 0) and returns the
 * length the full output would have had, like C99 snprintf.
 */
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list args);

#endif
