/*
 * Formatted output and simple input over file descriptors.
 *
 * There is no buffering between calls: each printf formats into a small
 * buffer on the stack and writes it before returning, so nothing is lost
 * when a process is killed, and a line printed by one call reaches the
 * console in one write (unless it is longer than the buffer).
 *
 * The formatting is the kernel's own (kernel/lib/format.h). Conversions:
 * %d %i %u %x %X %p %s %c %%, with the length modifiers l, ll and z, a field
 * width, and the flags - (left-justify), 0 (zero padding) and # (0x before
 * a non-zero %x). %p prints 0x and 16 hex digits; a NULL %s prints "(null)";
 * anything else is printed as written.
 */
#ifndef CHALK_USER_STDIO_H
#define CHALK_USER_STDIO_H

#include <stdarg.h>
#include <stddef.h>

#define EOF (-1)

/* A stream is only a file descriptor: there is no buffer behind it. */
typedef struct chalk_file {
    int fd;
} FILE;

extern FILE *const stdin;
extern FILE *const stdout;
extern FILE *const stderr;

#define CHALK_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/* Each returns the number of characters produced, or -1 if a write failed. */
int printf(const char *fmt, ...) CHALK_PRINTF(1, 2);
int fprintf(FILE *stream, const char *fmt, ...) CHALK_PRINTF(2, 3);
int dprintf(int fd, const char *fmt, ...) CHALK_PRINTF(2, 3);
int vprintf(const char *fmt, va_list args);
int vfprintf(FILE *stream, const char *fmt, va_list args);
int vdprintf(int fd, const char *fmt, va_list args);

/* Formats into buf, always zero-terminated when size > 0; returns the full length. */
int snprintf(char *buf, size_t size, const char *fmt, ...) CHALK_PRINTF(3, 4);
int vsnprintf(char *buf, size_t size, const char *fmt, va_list args);

/* s and a newline on stdout. */
int puts(const char *s);
int fputs(const char *s, FILE *stream);
int putchar(int c);
int fputc(int c, FILE *stream);

/* The next byte as an unsigned char, or EOF at end of file or on error. */
int getchar(void);
int fgetc(FILE *stream);

/*
 * Reads up to and including a newline, at most size - 1 bytes, and
 * zero-terminates them. NULL when end of file comes before any byte.
 */
char *fgets(char *buf, int size, FILE *stream);

/* "s: message for errno" on stderr (just the message when s is NULL or empty). */
void perror(const char *s);

#endif
