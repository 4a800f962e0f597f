/*
 * One wrapper per system call, in the C library's convention (-1 and errno
 * on failure). Each is a single line on purpose: the kernel does the work
 * and checks the arguments, so the library adds nothing a test could miss.
 * spawn and exit are in process.c, malloc and free in stdlib.c.
 */
#include <chalk.h>
#include <unistd.h>

#include "libc.h"

ssize_t read(int fd, void *buf, size_t len)
{
    return libc_result(syscall(SYS_READ, fd, buf, len));
}

ssize_t write(int fd, const void *buf, size_t len)
{
    return libc_result(syscall(SYS_WRITE, fd, buf, len));
}

int close(int fd)
{
    return (int)libc_result(syscall(SYS_CLOSE, fd));
}

int dup2(int oldfd, int newfd)
{
    return (int)libc_result(syscall(SYS_DUP2, oldfd, newfd));
}

int pipe(int fds[2])
{
    return pipe2(fds, 0);
}

int pipe2(int fds[2], unsigned flags)
{
    return (int)libc_result(syscall(SYS_PIPE, fds, flags));
}

int pipes(struct chalk_pipe_info *info, size_t max)
{
    return (int)libc_result(syscall(SYS_PIPES, info, max));
}

int sem_open(const char *name, uint64_t initial)
{
    return (int)libc_result(syscall(SYS_SEM_OPEN, name, initial));
}

int sem_wait(const char *name)
{
    return (int)libc_result(syscall(SYS_SEM_WAIT, name));
}

int sem_post(const char *name)
{
    return (int)libc_result(syscall(SYS_SEM_POST, name));
}

int sem_close(const char *name)
{
    return (int)libc_result(syscall(SYS_SEM_CLOSE, name));
}

int sems(struct chalk_sem_info *info, size_t max)
{
    return (int)libc_result(syscall(SYS_SEMS, info, max));
}

int getpid(void)
{
    return (int)libc_result(syscall(SYS_GETPID));
}

int getppid(void)
{
    return (int)libc_result(syscall(SYS_GETPPID));
}

int kill(int pid)
{
    return (int)libc_result(syscall(SYS_KILL, pid));
}

int nice(int pid, int priority)
{
    return (int)libc_result(syscall(SYS_NICE, pid, priority));
}

int block(int pid)
{
    return (int)libc_result(syscall(SYS_BLOCK, pid));
}

int unblock(int pid)
{
    return (int)libc_result(syscall(SYS_UNBLOCK, pid));
}

int yield(void)
{
    return (int)libc_result(syscall(SYS_YIELD));
}

int waitpid(int pid, int *status, unsigned flags)
{
    return (int)libc_result(syscall(SYS_WAITPID, pid, status, flags));
}

int ps(struct chalk_proc_info *procs, size_t max)
{
    return (int)libc_result(syscall(SYS_PS, procs, max));
}

int sleep_ms(uint64_t milliseconds)
{
    return (int)libc_result(syscall(SYS_SLEEP, milliseconds));
}

uint64_t uptime_ms(void)
{
    return (uint64_t)syscall(SYS_UPTIME); /* cannot fail */
}

uint64_t tsc_hz(void)
{
    return (uint64_t)syscall(SYS_TSC_HZ); /* cannot fail */
}

int memstats(struct chalk_mem_stats *stats)
{
    return (int)libc_result(syscall(SYS_MEMSTATS, stats));
}

int shutdown(void)
{
    return (int)libc_result(syscall(SYS_SHUTDOWN));
}

int reboot(void)
{
    return (int)libc_result(syscall(SYS_REBOOT));
}

int console_raw(bool raw)
{
    return (int)libc_result(syscall(SYS_CONSOLE_RAW, raw));
}
