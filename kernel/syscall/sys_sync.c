/* Semaphore calls: sem_open, sem_wait, sem_post, sem_close, sems. */
#include "lib/errno.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/sched.h"
#include "syscall/handlers.h"
#include "sync/semaphore.h"

/* Copies the name at uname into name: 0, -EFAULT or -ENAMETOOLONG. */
static int copy_name(uint64_t uname, char name[SEM_NAME_MAX])
{
    long len = copy_string_from_user(name, uname, SEM_NAME_MAX);
    return len < 0 ? (int)len : 0;
}

int64_t sys_sem_open(const struct syscall_args *args)
{
    char name[SEM_NAME_MAX];
    int err = copy_name(args->arg[0], name);
    return err < 0 ? err : sem_open(&proc_current()->sems, name, args->arg[1]);
}

/* The calls that take only a name, of a semaphore the caller has open. */
static int64_t by_name(const struct syscall_args *args,
                       int (*op)(struct sem_refs *refs, const char *name))
{
    char name[SEM_NAME_MAX];
    int err = copy_name(args->arg[0], name);
    return err < 0 ? err : op(&proc_current()->sems, name);
}

int64_t sys_sem_wait(const struct syscall_args *args)
{
    return by_name(args, sem_wait);
}

int64_t sys_sem_post(const struct syscall_args *args)
{
    return by_name(args, sem_post);
}

int64_t sys_sem_close(const struct syscall_args *args)
{
    return by_name(args, sem_close);
}

int64_t sys_sems(const struct syscall_args *args)
{
    uint64_t ubuf = args->arg[0];
    int64_t max = (int64_t)args->arg[1];
    if (max <= 0)
        return -EINVAL;
    if (max > SEM_MAX)
        max = SEM_MAX;
    size_t size = (size_t)max * sizeof(struct chalk_sem_info);
    if (!vm_user_range_ok(proc_current()->space, ubuf, size, true))
        return -EFAULT;
    /* Too big for the kernel stack at SEM_MAX entries (about 10 KiB). */
    struct chalk_sem_info *info = kmalloc(size);
    if (!info)
        return -ENOMEM;
    int n = sem_list(info, (int)max);
    int err = copy_to_user(ubuf, info, (size_t)n * sizeof(*info));
    kfree(info);
    return err < 0 ? err : n;
}
