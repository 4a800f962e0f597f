/* The system-call handlers, one per call, private to kernel/syscall/. */
#ifndef CHALK_SYSCALL_HANDLERS_H
#define CHALK_SYSCALL_HANDLERS_H

#include <stddef.h>
#include <stdint.h>

struct syscall_args {
    uint64_t arg[6]; /* rdi, rsi, rdx, r10, r8, r9 */
};

typedef int64_t (*syscall_handler)(const struct syscall_args *args);

#define ARG_OUT_OF_RANGE (-2147483647 - 1)

/*
 * A pid or other small number from a register: the value when it fits an
 * int, else ARG_OUT_OF_RANGE, which no pid, fd or priority matches (and
 * which is not -1, "any child" to waitpid).
 */
static inline int arg_int(uint64_t value)
{
    int64_t v = (int64_t)value;
    return v > ARG_OUT_OF_RANGE && v <= 2147483647LL ? (int)v : ARG_OUT_OF_RANGE;
}

/*
 * What a listing call (ps, pipes, sems) does with its (buffer, max)
 * arguments: max ≤ 0 is -EINVAL, more than limit is cut to limit, the
 * buffer must be writable for that many entries (-EFAULT); fill writes up
 * to max entries into a kernel buffer (-ENOMEM without one), which is
 * copied out. The count, or -errno.
 */
typedef int (*listing_fill)(void *entries, int max);
int64_t copy_listing_to_user(const struct syscall_args *args, int limit, size_t entry_size,
                             listing_fill fill);

/* sys_proc.c */
int64_t sys_spawn(const struct syscall_args *args);
int64_t sys_exit(const struct syscall_args *args);
int64_t sys_getpid(const struct syscall_args *args);
int64_t sys_getppid(const struct syscall_args *args);
int64_t sys_kill(const struct syscall_args *args);
int64_t sys_nice(const struct syscall_args *args);
int64_t sys_block(const struct syscall_args *args);
int64_t sys_unblock(const struct syscall_args *args);
int64_t sys_yield(const struct syscall_args *args);
int64_t sys_waitpid(const struct syscall_args *args);
int64_t sys_ps(const struct syscall_args *args);

/* sys_io.c */
int64_t sys_read(const struct syscall_args *args);
int64_t sys_write(const struct syscall_args *args);
int64_t sys_close(const struct syscall_args *args);
int64_t sys_dup2(const struct syscall_args *args);
int64_t sys_console_raw(const struct syscall_args *args);

/* sys_mem.c */
int64_t sys_malloc(const struct syscall_args *args);
int64_t sys_free(const struct syscall_args *args);
int64_t sys_memstats(const struct syscall_args *args);

/* sys_system.c */
int64_t sys_sleep(const struct syscall_args *args);
int64_t sys_uptime(const struct syscall_args *args);
int64_t sys_shutdown(const struct syscall_args *args);
int64_t sys_reboot(const struct syscall_args *args);
int64_t sys_tsc_hz(const struct syscall_args *args);

/* sys_ipc.c */
int64_t sys_pipe(const struct syscall_args *args);
int64_t sys_pipes(const struct syscall_args *args);

/* sys_sync.c */
int64_t sys_sem_open(const struct syscall_args *args);
int64_t sys_sem_wait(const struct syscall_args *args);
int64_t sys_sem_post(const struct syscall_args *args);
int64_t sys_sem_close(const struct syscall_args *args);
int64_t sys_sems(const struct syscall_args *args);

#endif
