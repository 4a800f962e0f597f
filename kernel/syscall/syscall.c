#include "syscall/syscall.h"

#include "lib/errno.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/sched.h"
#include "syscall/handlers.h"
#include "uapi/chalk/syscalls.h"

static const struct {
    const char *name; /* for traces and docs */
    syscall_handler handler;
} table[SYS_COUNT] = {
    [SYS_READ] = {"read", sys_read},
    [SYS_WRITE] = {"write", sys_write},
    [SYS_CLOSE] = {"close", sys_close},
    [SYS_DUP2] = {"dup2", sys_dup2},
    [SYS_SPAWN] = {"spawn", sys_spawn},
    [SYS_EXIT] = {"exit", sys_exit},
    [SYS_GETPID] = {"getpid", sys_getpid},
    [SYS_GETPPID] = {"getppid", sys_getppid},
    [SYS_KILL] = {"kill", sys_kill},
    [SYS_NICE] = {"nice", sys_nice},
    [SYS_BLOCK] = {"block", sys_block},
    [SYS_UNBLOCK] = {"unblock", sys_unblock},
    [SYS_YIELD] = {"yield", sys_yield},
    [SYS_WAITPID] = {"waitpid", sys_waitpid},
    [SYS_PS] = {"ps", sys_ps},
    [SYS_SLEEP] = {"sleep", sys_sleep},
    [SYS_UPTIME] = {"uptime", sys_uptime},
    [SYS_MALLOC] = {"malloc", sys_malloc},
    [SYS_FREE] = {"free", sys_free},
    [SYS_MEMSTATS] = {"memstats", sys_memstats},
    [SYS_SHUTDOWN] = {"shutdown", sys_shutdown},
    [SYS_REBOOT] = {"reboot", sys_reboot},
    [SYS_CONSOLE_RAW] = {"console_raw", sys_console_raw},
    [SYS_PIPE] = {"pipe", sys_pipe},
    [SYS_PIPES] = {"pipes", sys_pipes},
    [SYS_SEM_OPEN] = {"sem_open", sys_sem_open},
    [SYS_SEM_WAIT] = {"sem_wait", sys_sem_wait},
    [SYS_SEM_POST] = {"sem_post", sys_sem_post},
    [SYS_SEM_CLOSE] = {"sem_close", sys_sem_close},
    [SYS_SEMS] = {"sems", sys_sems},
    [SYS_TSC_HZ] = {"tsc_hz", sys_tsc_hz},
};

void syscall_handle(struct trap_frame *frame)
{
    struct proc *self = proc_current();
    uint64_t number = frame->rax;
    struct syscall_args args = {
        {frame->rdi, frame->rsi, frame->rdx, frame->r10, frame->r8, frame->r9}};
    self->in_syscall = true;
    if (number < SYS_COUNT && table[number].handler)
        frame->rax = (uint64_t)table[number].handler(&args);
    else
        frame->rax = (uint64_t)-ENOSYS;
    self->in_syscall = false;
}

void syscall_fast(struct trap_frame *frame)
{
    syscall_handle(frame);
    sched_return_to_user();
}

static void syscall_trap(struct trap_frame *frame)
{
    syscall_handle(frame);
}

void syscall_init(void)
{
    trap_set_handler(VEC_SYSCALL, syscall_trap);
}

int64_t copy_listing_to_user(const struct syscall_args *args, int limit, size_t entry_size,
                             listing_fill fill)
{
    uint64_t ubuf = args->arg[0];
    int64_t max = (int64_t)args->arg[1];
    if (max <= 0)
        return -EINVAL;
    if (max > limit)
        max = limit;
    size_t size = (size_t)max * entry_size;
    if (!vm_user_range_ok(proc_current()->space, ubuf, size, true))
        return -EFAULT;
    /* On the heap: a full listing is kilobytes, too much for a 16 KiB kernel stack. */
    void *entries = kmalloc(size);
    if (!entries)
        return -ENOMEM;
    int n = fill(entries, (int)max);
    int err = copy_to_user(ubuf, entries, (size_t)n * entry_size);
    kfree(entries);
    return err < 0 ? err : n;
}
