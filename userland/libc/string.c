/*
 * The string functions the kernel does without. The rest of <string.h>
 * (strlen, strcmp, strncmp, memset, memcpy, memmove, memcmp) is the
 * kernel's own kernel/lib/string.c, compiled into the userland image as
 * well (see userland/userland.mk). Including the kernel's header beside
 * <string.h> makes the compiler check that both declare those alike.
 */
#include <string.h>

#include "lib/string.h"

char *strcpy(char *dst, const char *src)
{
    char *d = dst;
    while ((*d++ = *src++))
        ;
    return dst;
}

char *strncpy(char *dst, const char *src, size_t n)
{
    size_t i = 0;
    for (; i < n && src[i]; i++)
        dst[i] = src[i];
    for (; i < n; i++)
        dst[i] = '\0';
    return dst;
}

/* As in C, the terminating zero can be searched for too. */
char *strchr(const char *s, int c)
{
    for (;; s++) {
        if (*s == (char)c)
            return (char *)s;
        if (!*s)
            return NULL;
    }
}
