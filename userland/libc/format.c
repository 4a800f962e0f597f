/*
 * The printf family. The formatting itself is the kernel's engine,
 * kernel/lib/format.c, compiled into the userland image as well (see
 * userland/userland.mk): vformat reads the format once and hands each
 * character to a sink. Its string sink, ksnprintf and kvsnprintf, is built
 * there under the names snprintf and vsnprintf. What is left here is the
 * sink only a process has: a small buffer on the caller's stack that is
 * written to a file descriptor whenever it fills, and once at the end.
 */
#include <stdbool.h>
#include <stdio.h>
#include <unistd.h>

#include "lib/format.h"

#define FD_BUFFER_SIZE 128

struct fd_output {
    int fd;
    bool failed;   /* a write to fd failed */
    size_t length; /* characters waiting in buf */
    char buf[FD_BUFFER_SIZE];
};

static void flush(struct fd_output *out)
{
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

static void fd_sink(char c, void *ctx)
{
    struct fd_output *out = ctx;
    if (out->length == sizeof(out->buf))
        flush(out);
    out->buf[out->length++] = c;
}

int vdprintf(int fd, const char *fmt, va_list args)
{
    struct fd_output out = {.fd = fd};
    int n = vformat(fd_sink, &out, fmt, args);
    flush(&out);
    return out.failed ? -1 : n;
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
