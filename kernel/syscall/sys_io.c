/*
 * File calls: read, write, close, dup2, and the terminal's mode.
 *
 * read and write hand the caller's buffer, as a user address, to the file's
 * op, which copies straight between its object and user memory (one copy
 * each way; fs/file.h). The range is checked here first all the same, so a
 * bad buffer gets -EFAULT before the op does anything, sleeping included.
 */
#include "drivers/tty.h"
#include "lib/errno.h"
#include "mm/vm.h"
#include "proc/sched.h"
#include "syscall/handlers.h"

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
    return len ? file->ops->read(file, ubuf, len) : 0;
}

int64_t sys_write(const struct syscall_args *args)
{
    struct file *file = caller_file(args->arg[0]);
    uint64_t ubuf = args->arg[1], len = args->arg[2];
    if (!file || !file->ops->write)
        return -EBADF;
    if (!vm_user_range_ok(proc_current()->space, ubuf, len, false))
        return -EFAULT;
    return len ? file->ops->write(file, ubuf, len) : 0;
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
