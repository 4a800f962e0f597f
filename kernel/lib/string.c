/*
 * The copy and fill loops use the string instructions (rep movs/stos):
 * written in C, the compiler would turn the loop back into a call to
 * memcpy itself. (memcpy's unrolled loop below, eight words a turn, is
 * not a pattern GCC turns into a call; were it ever, memcpy would recurse
 * and the first boot would say so.)
 *
 * They move 8 bytes per step (movsq, stosq), then the last 0-7 one at a
 * time. Under QEMU's TCG every step of a rep instruction is emulated on
 * its own, so fewer, wider steps matter: 4 KiB take 1.7 us with movsq and
 * 10.3 us with movsb (make profile found the pipes and spawn spending most
 * of their time here; docs/performance.md). On hardware with fast rep movsb
 * (ERMS) the two are about even, so nothing is lost there.
 *
 * memcpy goes further for long copies, which pipes make by the 4 KiB: 64
 * bytes a turn through eight registers, then rep movsq for the rest. Each
 * step of rep movsq is a trip through QEMU's translated code for one word;
 * a turn of the loop is one trip for eight. With it, memcpy's share of the
 * pipe benchmark's samples fell from 50-58 % to 43-46 % and the benchmark
 * went from about 965 to about 1095 MiB/s. On hardware a turn of eight
 * loads and eight stores keeps up with rep movsq.
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

/* A word of any alignment, which may alias anything (memcpy's arguments can). */
typedef uint64_t __attribute__((aligned(1), may_alias)) any_word;

void *memcpy(void *restrict dst, const void *restrict src, size_t n)
{
    any_word *d = dst;
    const any_word *s = src;
    for (; n >= 64; n -= 64, d += 8, s += 8) {
        uint64_t w0 = s[0], w1 = s[1], w2 = s[2], w3 = s[3];
        uint64_t w4 = s[4], w5 = s[5], w6 = s[6], w7 = s[7];
        d[0] = w0, d[1] = w1, d[2] = w2, d[3] = w3;
        d[4] = w4, d[5] = w5, d[6] = w6, d[7] = w7;
    }
    size_t words = n / 8;
    __asm__ volatile("rep movsq\n\t"
                     "mov %[bytes], %%rcx\n\t"
                     "rep movsb"
                     : "+D"(d), "+S"(s), "+c"(words)
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
