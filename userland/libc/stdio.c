/* Streams (each only a file descriptor) and character input and output. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static FILE standard_streams[] = {{STDIN_FILENO}, {STDOUT_FILENO}, {STDERR_FILENO}};

FILE *const stdin = &standard_streams[0];
FILE *const stdout = &standard_streams[1];
FILE *const stderr = &standard_streams[2];

int fputc(int c, FILE *stream)
{
    unsigned char byte = (unsigned char)c;
    return write(stream->fd, &byte, 1) == 1 ? byte : EOF;
}

int putchar(int c)
{
    return fputc(c, stdout);
}

int fputs(const char *s, FILE *stream)
{
    size_t length = strlen(s);
    return write(stream->fd, s, length) == (ssize_t)length ? 0 : EOF;
}

/* One write for the text and its newline, so lines from two processes do not mix. */
int puts(const char *s)
{
    return printf("%s\n", s) < 0 ? EOF : 0;
}

int fgetc(FILE *stream)
{
    unsigned char byte;
    return read(stream->fd, &byte, 1) == 1 ? byte : EOF;
}

int getchar(void)
{
    return fgetc(stdin);
}

char *fgets(char *buf, int size, FILE *stream)
{
    if (size <= 0)
        return NULL;
    int n = 0;
    int c = 0;
    while (n < size - 1 && c != '\n') {
        c = fgetc(stream);
        if (c == EOF)
            break;
        buf[n++] = (char)c;
    }
    if (n == 0 && c == EOF)
        return NULL;
    buf[n] = '\0';
    return buf;
}
