/* Semaphore calls: sem_open, sem_wait, sem_post, sem_close, sems. */
#include "lib/errno.h"
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

static int fill_sems(void *entries, int max)
{
    return sem_list(entries, max);
}

int64_t sys_sems(const struct syscall_args *args)
{
    return copy_listing_to_user(args, SEM_MAX, sizeof(struct chalk_sem_info), fill_sems);
}
