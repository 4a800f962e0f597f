/* File calls: read, write, close, dup2, and the terminal's mode. */
#include "drivers/tty.h"
#include "lib/errno.h"
#include "mm/uaccess.h"
#include "proc/sched.h"
#include "syscall/handlers.h"

/* Data moves through a kernel buffer of this size, on the kernel stack. */
#define CHUNK 512

static struct file *caller_file(uint64_t fd)
{
    return fd_lookup(&proc_current()->fds, arg_int(fd));
}

int64_t sys_read(const struct syscall_args *args)
{
    struct file *file = caller_file(args->arg[0]);
    uint64_t ubuf = args->arg[1], len = args->arg[2];
    if (!file || !file->ops->read)
        return -EBADF;
    if (!vm_user_range_ok(proc_current()->space, ubuf, len, true))
        return -EFAULT;
    if (len == 0)
        return 0;
    char buf[CHUNK];
    long n = file->ops->read(file, buf, len < CHUNK ? len : CHUNK);
    if (n > 0 && copy_to_user(ubuf, buf, (size_t)n) < 0)
        return -EFAULT;
    return n;
}

int64_t sys_write(const struct syscall_args *args)
{
    struct file *file = caller_file(args->arg[0]);
    uint64_t ubuf = args->arg[1], len = args->arg[2];
    if (!file || !file->ops->write)
        return -EBADF;
    if (!vm_user_range_ok(proc_current()->space, ubuf, len, false))
        return -EFAULT;
    uint64_t done = 0;
    while (done < len) {
        char buf[CHUNK];
        size_t chunk = len - done < CHUNK ? len - done : CHUNK;
        if (copy_from_user(buf, ubuf + done, chunk) < 0)
            return done ? (int64_t)done : -EFAULT;
        long n = file->ops->write(file, buf, chunk);
        if (n <= 0)
            return done ? (int64_t)done : n;
        done += (uint64_t)n;
    }
    return (int64_t)done;
}

int64_t sys_close(const struct syscall_args *args)
{
    return fd_close(&proc_current()->fds, arg_int(args->arg[0]));
}

int64_t sys_dup2(const struct syscall_args *args)
{
    return fd_dup2(&proc_current()->fds, arg_int(args->arg[0]), arg_int(args->arg[1]));
}

int64_t sys_console_raw(const struct syscall_args *args)
{
    if (proc_current()->pgid != tty_foreground())
        return -EPERM; /* only the terminal's owner sets its mode */
    tty_set_raw(args->arg[0] != 0);
    return 0;
}
