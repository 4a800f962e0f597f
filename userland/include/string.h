/* Strings and memory blocks. */
#ifndef CHALK_USER_STRING_H
#define CHALK_USER_STRING_H

#include <stddef.h>

size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);
/* Copies at most n bytes and pads with zeros; like C's, no zero when src is n or longer. */
char *strncpy(char *dst, const char *src, size_t n);
char *strchr(const char *s, int c);

void *memset(void *dst, int c, size_t n);
void *memcpy(void *restrict dst, const void *restrict src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);

/* The message for an error code (ENOMEM, not -ENOMEM); never NULL. */
const char *strerror(int error);

#endif
