/*
 * Error codes, shared by the kernel and user space. Kernel functions that can
 * fail return one of these negated (-EINVAL); system calls hand the same
 * value to user space. The numbers follow the traditional Unix values so that
 * students can recognise them.
 */
#ifndef CHALK_UAPI_ERRNO_H
#define CHALK_UAPI_ERRNO_H

#define EPERM        1  /* operation not permitted */
#define ENOENT       2  /* no such entry */
#define ESRCH        3  /* no such process */
#define EINTR        4  /* interrupted */
#define EIO          5  /* input/output error */
#define E2BIG        7  /* argument list too long */
#define EBADF        9  /* bad file descriptor */
#define ECHILD       10 /* no child process */
#define EAGAIN       11 /* resource temporarily unavailable */
#define ENOMEM       12 /* out of memory */
#define EFAULT       14 /* bad address */
#define EBUSY        16 /* resource busy */
#define EEXIST       17 /* already exists */
#define ENODEV       19 /* no such device */
#define EINVAL       22 /* invalid argument */
#define ENFILE       23 /* system table full */
#define EMFILE       24 /* too many open files */
#define ENOSPC       28 /* no space left */
#define EPIPE        32 /* broken pipe */
#define ERANGE       34 /* result out of range */
#define ENAMETOOLONG 36 /* name too long */
#define ENOSYS       38 /* function not implemented */
#define EOVERFLOW    75 /* value too large */

#define ERRNO_MAX 4095 /* results in [-ERRNO_MAX, -1] are errors */

#endif
