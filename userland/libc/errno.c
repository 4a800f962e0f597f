/* Error messages: strerror and perror. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Indexed by error code; codes without a message are NULL. */
static const char *const messages[] = {
    [EPERM] = "operation not permitted",
    [ENOENT] = "no such entry",
    [ESRCH] = "no such process",
    [EINTR] = "interrupted",
    [EIO] = "input/output error",
    [E2BIG] = "argument list too long",
    [EBADF] = "bad file descriptor",
    [ECHILD] = "no child process",
    [EAGAIN] = "resource temporarily unavailable",
    [ENOMEM] = "out of memory",
    [EFAULT] = "bad address",
    [EBUSY] = "resource busy",
    [EEXIST] = "already exists",
    [ENODEV] = "no such device",
    [EINVAL] = "invalid argument",
    [ENFILE] = "system table full",
    [EMFILE] = "too many open files",
    [ENOSPC] = "no space left",
    [EPIPE] = "broken pipe",
    [ERANGE] = "result out of range",
    [ENAMETOOLONG] = "name too long",
    [ENOSYS] = "function not implemented",
    [EOVERFLOW] = "value too large",
};

const char *strerror(int error)
{
    if (error > 0 && (size_t)error < sizeof(messages) / sizeof(messages[0]) && messages[error])
        return messages[error];
    return "unknown error";
}

void perror(const char *s)
{
    const char *message = strerror(errno);
    if (s && *s)
        fprintf(stderr, "%s: %s\n", s, message);
    else
        fprintf(stderr, "%s\n", message);
}
