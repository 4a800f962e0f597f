/* Shared by the C library's own files; not for programs. */
#ifndef CHALK_LIBC_LIBC_H
#define CHALK_LIBC_LIBC_H

#include <chalk.h>
#include <errno.h>

/* A direct call's result in the C library's convention: -1 with errno set on failure. */
static inline int64_t libc_result(int64_t result)
{
    if (syscall_failed(result)) {
        errno = (int)-result;
        return -1;
    }
    return result;
}

#endif
