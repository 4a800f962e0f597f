/*
 * Memory, numbers and ending the process.
 *
 * malloc and free are system calls: the kernel's memory manager (buddy or
 * first-fit, chosen when the kernel is built) serves the user heap directly,
 * and frees what a process still holds when it ends.
 */
#ifndef CHALK_USER_STDLIB_H
#define CHALK_USER_STDLIB_H

#include <stddef.h>

#define EXIT_SUCCESS 0
#define EXIT_FAILURE 1

/* NULL with errno set on failure; malloc(0) returns what the kernel gives. */
void *malloc(size_t size);
void *calloc(size_t count, size_t size);
/* free(NULL) does nothing; freeing anything malloc did not return sets errno. */
void free(void *ptr);

/* Ends the calling process with this status; returning from a process's function does the same. */
void exit(int status) __attribute__((noreturn));

/*
 * C's strtol: optional spaces and sign, then digits in base 2..36, or base 0
 * for 0x (hex), 0 (octal) or decimal. Out of range: LONG_MIN or LONG_MAX and
 * errno ERANGE. *end (when end is not NULL) is where the number stopped.
 */
long strtol(const char *s, char **end, int base);
int atoi(const char *s);

#endif
