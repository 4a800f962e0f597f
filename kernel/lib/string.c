/*
 * The copy and fill loops use the string instructions (rep movs/stos):
 * written in C, the compiler would turn the loop back into a call to
 * memcpy itself.
 *
 * They move 8 bytes per step (movsq, stosq), then the last 0-7 one at a
 * time. Under QEMU's TCG every step of a rep instruction is emulated on
 * its own, so fewer, wider steps matter: 4 KiB take 1.7 us with movsq and
 * 10.3 us with movsb (make profile found the pipes and spawn spending most
 * of their time here; docs/performance.md). On hardware with fast rep movsb
 * (ERMS) the two are about even, so nothing is lost there.
 */
#include "lib/string.h"

#include <stdint.h>

void *memset(void *dst, int value, size_t n)
{
    void *d = dst;
    size_t words = n / 8;
    uint64_t pattern = (uint8_t)value * 0x0101010101010101ULL;
    __asm__ volatile("rep stosq\n\t"
                     "mov %[bytes], %%rcx\n\t"
                     "rep stosb"
                     : "+D"(d), "+c"(words)
                     : "a"(pattern), [bytes] "r"(n % 8)
                     : "memory");
    return dst;
}

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    void *d = dst;
    size_t words = n / 8;
    __asm__ volatile("rep movsq\n\t"
                     "mov %[bytes], %%rcx\n\t"
                     "rep movsb"
                     : "+D"(d), "+S"(src), "+c"(words)
                     : [bytes] "r"(n % 8)
                     : "memory");
    return dst;
}

void *memmove(void *dst, const void *src, size_t n)
{
    if (dst <= src || (const char *)src + n <= (char *)dst)
        return memcpy(dst, src, n);
    /*
     * Overlapping with dst above src: copy backwards, from the last byte,
     * one at a time (rare: nothing hot moves memory upwards).
     */
    void *d = (char *)dst + n - 1;
    const void *s = (const char *)src + n - 1;
    __asm__ volatile("std; rep movsb; cld" : "+D"(d), "+S"(s), "+c"(n) : : "memory");
    return dst;
}

int memcmp(const void *a, const void *b, size_t n)
{
    const unsigned char *x = a, *y = b;
    for (size_t i = 0; i < n; i++)
        if (x[i] != y[i])
            return x[i] - y[i];
    return 0;
}

size_t strlen(const char *s)
{
    size_t n = 0;
    while (s[n])
        n++;
    return n;
}

size_t strnlen(const char *s, size_t max)
{
    size_t n = 0;
    while (n < max && s[n])
        n++;
    return n;
}

int strcmp(const char *a, const char *b)
{
    while (*a && *a == *b) {
        a++;
        b++;
    }
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (a[i] != b[i] || !a[i])
            return (unsigned char)a[i] - (unsigned char)b[i];
    }
    return 0;
}

size_t strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);
    if (size > 0) {
        size_t n = len < size - 1 ? len : size - 1;
        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}
