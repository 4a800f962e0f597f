/* Process calls: spawn, exit, kill, nice, block, wait, ps, ... */
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/sched.h"
#include "syscall/handlers.h"

#define SPAWN_FLAGS (SPAWN_NEW_JOB | SPAWN_FOREGROUND | SPAWN_IGNORE_INTERRUPT | SPAWN_JOIN_JOB)
#define NAME_COPY   64 /* longer names are cut to PROC_NAME_MAX - 1 */

/* The file behind one of the caller's fds for a child's stdin/stdout, or NULL (inherit). */
static int spawn_fd(int fd, struct file **file)
{
    *file = NULL;
    if (fd == SPAWN_INHERIT_FD)
        return 0;
    *file = fd_lookup(&proc_current()->fds, fd);
    return *file ? 0 : -EBADF;
}

/*
 * Copies the argument strings into one kernel buffer, laid out as
 * SPAWN_MAX_ARGLEN-byte slots, and points argv at them.
 */
static int copy_args(uint64_t uargv, int argc, char *strings, char **argv)
{
    uint64_t pointers[SPAWN_MAX_ARGS];
    if (argc > 0 && copy_from_user(pointers, uargv, (size_t)argc * sizeof(uint64_t)) < 0)
        return -EFAULT;
    for (int i = 0; i < argc; i++) {
        argv[i] = strings + (size_t)i * SPAWN_MAX_ARGLEN;
        long len = copy_string_from_user(argv[i], pointers[i], SPAWN_MAX_ARGLEN);
        if (len < 0)
            return len == -ENAMETOOLONG ? -E2BIG : (int)len;
    }
    return 0;
}

int64_t sys_spawn(const struct syscall_args *args)
{
    struct chalk_spawn spec;
    if (copy_from_user(&spec, args->arg[0], sizeof(spec)) < 0)
        return -EFAULT;
    if (spec.priority < PRIORITY_HIGHEST || spec.priority > PRIORITY_LOWEST ||
        (spec.flags & ~SPAWN_FLAGS) ||
        ((spec.flags & SPAWN_FOREGROUND) && !(spec.flags & SPAWN_NEW_JOB)) ||
        ((spec.flags & SPAWN_JOIN_JOB) && (spec.flags & SPAWN_NEW_JOB)))
        return -EINVAL;
    if (spec.argc > SPAWN_MAX_ARGS)
        return -E2BIG;
    if (!vm_user_code_ok(proc_current()->space, spec.entry))
        return -EFAULT;

    char name[NAME_COPY];
    long len = copy_string_from_user(name, (uint64_t)spec.name, sizeof(name));
    if (len == -ENAMETOOLONG)
        name[sizeof(name) - 1] = '\0';
    else if (len < 0)
        return len;

    struct spawn_request req = {
        .entry = spec.entry,
        .arg = spec.arg,
        .name = name,
        .argc = (int)spec.argc,
        .priority = spec.priority,
        .flags = spec.flags,
        .job = spec.job,
    };
    int err = spawn_fd(spec.stdin_fd, &req.stdin_file);
    if (err == 0)
        err = spawn_fd(spec.stdout_fd, &req.stdout_file);
    if (err < 0)
        return err;

    char *argv[SPAWN_MAX_ARGS];
    char *strings = kmalloc((size_t)SPAWN_MAX_ARGS * SPAWN_MAX_ARGLEN);
    if (!strings)
        return -ENOMEM;
    err = copy_args((uint64_t)spec.argv, req.argc, strings, argv);
    if (err == 0) {
        req.argv = argv;
        err = proc_spawn(&req);
    }
    kfree(strings);
    return err;
}

int64_t sys_exit(const struct syscall_args *args)
{
    int status = arg_int(args->arg[0]);
    /* The fault band is the kernel's: a fault status in a parent's hands means a fault. */
    proc_exit(EXIT_FAULTED(status) ? ARG_OUT_OF_RANGE : status);
}

int64_t sys_getpid(const struct syscall_args *args)
{
    (void)args;
    return proc_current()->pid;
}

int64_t sys_getppid(const struct syscall_args *args)
{
    (void)args;
    return proc_current()->ppid;
}

int64_t sys_kill(const struct syscall_args *args)
{
    int pid = arg_int(args->arg[0]);
    /*
     * Killing oneself is ending by one's own act: exit(EXIT_KILLED), whose
     * zombie waits for the parent like any exit's (the reaping rule in
     * proc.h). init may not, as it may not be killed.
     */
    if (pid == proc_current()->pid && pid != INIT_PID)
        proc_exit(EXIT_KILLED);
    return proc_kill(pid);
}

int64_t sys_nice(const struct syscall_args *args)
{
    int priority = arg_int(args->arg[1]);
    if (priority < PRIORITY_HIGHEST || priority > PRIORITY_LOWEST)
        return -EINVAL;
    return proc_nice(arg_int(args->arg[0]), priority);
}

int64_t sys_block(const struct syscall_args *args)
{
    return proc_block(arg_int(args->arg[0]));
}

int64_t sys_unblock(const struct syscall_args *args)
{
    return proc_unblock(arg_int(args->arg[0]));
}

int64_t sys_yield(const struct syscall_args *args)
{
    (void)args;
    sched_yield();
    return 0;
}

int64_t sys_waitpid(const struct syscall_args *args)
{
    uint64_t ustatus = args->arg[1];
    if (args->arg[2] & ~(uint64_t)WAIT_NOHANG)
        return -EINVAL;
    /* Checked first, so that a bad pointer never costs a child's status. */
    if (ustatus && !vm_user_range_ok(proc_current()->space, ustatus, sizeof(int), true))
        return -EFAULT;
    int status;
    int pid = proc_waitpid(arg_int(args->arg[0]), &status, (unsigned)args->arg[2]);
    if (pid > 0 && ustatus && copy_to_user(ustatus, &status, sizeof(status)) < 0)
        return -EFAULT;
    return pid;
}

static int fill_procs(void *entries, int max)
{
    return proc_list(entries, max);
}

int64_t sys_ps(const struct syscall_args *args)
{
    return copy_listing_to_user(args, PROC_MAX, sizeof(struct chalk_proc_info), fill_procs);
}
