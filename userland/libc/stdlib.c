/* Memory from the kernel, and numbers from text. */
#include <chalk.h>
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libc.h"

void *malloc(size_t size)
{
    int64_t address = libc_result(syscall(SYS_MALLOC, size));
    return address < 0 ? NULL : (void *)address;
}

void *calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    void *p = malloc(count * size);
    if (p)
        memset(p, 0, count * size); /* the kernel does not promise zeroed blocks */
    return p;
}

void free(void *ptr)
{
    if (ptr)
        libc_result(syscall(SYS_FREE, ptr));
}

/* The value of c as a digit in bases up to 36, or 36 for anything that is not a digit. */
static int digit_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z')
        return c - 'A' + 10;
    return 36;
}

long strtol(const char *s, char **end, int base)
{
    const char *p = s;
    if (base < 0 || base == 1 || base > 36) {
        errno = EINVAL;
        if (end)
            *end = (char *)s;
        return 0;
    }
    while (isspace(*p))
        p++;
    bool negative = *p == '-';
    if (*p == '-' || *p == '+')
        p++;
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
        digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }

    /* Accumulate the magnitude; the most negative long has one more than LONG_MAX. */
    unsigned long limit = negative ? (unsigned long)LONG_MAX + 1 : (unsigned long)LONG_MAX;
    unsigned long value = 0;
    bool overflow = false;
    const char *digits = p;
    for (int d; (d = digit_value(*p)) < base; p++) {
        if (value > (limit - (unsigned long)d) / (unsigned long)base)
            overflow = true;
        else
            value = value * (unsigned long)base + (unsigned long)d;
    }
    if (end)
        *end = (char *)(p == digits ? s : p);
    if (overflow) {
        errno = ERANGE;
        return negative ? LONG_MIN : LONG_MAX;
    }
    return negative ? (long)(0 - value) : (long)value;
}

int atoi(const char *s)
{
    return (int)strtol(s, NULL, 10);
}
