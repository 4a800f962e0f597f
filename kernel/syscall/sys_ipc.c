/* Inter-process communication calls: pipe, and the pipes listing. */
#include "ipc/pipe.h"
#include "lib/errno.h"
#include "mm/uaccess.h"
#include "proc/sched.h"
#include "syscall/handlers.h"

/*
 * Both ends go into the caller's table, or neither does: on failure every
 * reference taken so far is dropped, which frees the pipe.
 */
int64_t sys_pipe(const struct syscall_args *args)
{
    uint64_t ufds = args->arg[0];
    uint64_t flags = args->arg[1];
    struct proc *self = proc_current();
    if (flags & ~(uint64_t)FD_CLOSE_ON_SPAWN)
        return -EINVAL;
    /* Checked before anything is made, so a bad pointer never leaves descriptors behind. */
    if (!vm_user_range_ok(self->space, ufds, 2 * sizeof(int), true))
        return -EFAULT;
    struct file *read_end, *write_end;
    int err = pipe_create(&read_end, &write_end);
    if (err < 0)
        return err;
    int rfd = fd_alloc(&self->fds, read_end, (unsigned)flags);
    if (rfd < 0) {
        file_put(read_end);
        file_put(write_end);
        return rfd;
    }
    int wfd = fd_alloc(&self->fds, write_end, (unsigned)flags);
    if (wfd < 0) {
        fd_close(&self->fds, rfd);
        file_put(write_end);
        return wfd;
    }
    int fds[2] = {rfd, wfd};
    if (copy_to_user(ufds, fds, sizeof(fds)) < 0) {
        fd_close(&self->fds, rfd);
        fd_close(&self->fds, wfd);
        return -EFAULT;
    }
    return 0;
}

static int fill_pipes(void *entries, int max)
{
    return pipe_list(entries, max);
}

int64_t sys_pipes(const struct syscall_args *args)
{
    return copy_listing_to_user(args, PIPE_MAX, sizeof(struct chalk_pipe_info), fill_pipes);
}
