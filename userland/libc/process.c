/*
 * A process's life in the C library: how it starts (process_start), how the
 * shell and tests start one (spawn), how it ends (exit), and what its end
 * says (exit_status_text).
 */
#include <chalk.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "libc.h"

/*
 * The kernel enters here with rdi = argc, rsi = argv, rdx = fn, on the new
 * process's stack. Clearing rbp ends the chain of frame pointers (a
 * debugger's backtrace stops here). The and gives rsp the 16-byte alignment
 * the x86-64 ABI requires before a call, whatever the kernel left (compiled
 * code keeps SSE values in aligned stack slots, and misaligned ones fault).
 */
__asm__(".text\n"
        ".global process_start\n"
        ".type process_start, @function\n"
        "process_start:\n"
        "    xor %ebp, %ebp\n"
        "    and $-16, %rsp\n"
        "    call process_main\n"
        "    ud2\n"
        ".size process_start, . - process_start\n");

/* The per-process block errno lives in (see <errno.h>) stays in this frame for good. */
__attribute__((used, noreturn)) static void process_main(uint64_t argc, char *argv[], process_fn fn)
{
    struct process_local local = {0};
    chalk_process_local = &local;
    exit((int)fn(argc, argv));
}

int spawn_request(struct chalk_spawn *spec, process_fn fn)
{
    spec->entry = (uint64_t)process_start;
    spec->arg = (uint64_t)fn;
    return (int)libc_result(syscall(SYS_SPAWN, spec));
}

int spawn(const char *name, process_fn fn, uint64_t argc, char *const argv[], int priority,
          unsigned flags, int stdin_fd, int stdout_fd)
{
    struct chalk_spawn spec = {
        .name = name,
        .argc = argc,
        .argv = argv,
        .priority = priority,
        .flags = flags,
        .stdin_fd = stdin_fd,
        .stdout_fd = stdout_fd,
    };
    return spawn_request(&spec, fn);
}

void exit(int status)
{
    syscall(SYS_EXIT, status);
    __builtin_trap(); /* exit does not return; if it ever did, fault rather than run on */
}

const char *exit_status_text(int status, char *buf, size_t size)
{
    if (EXIT_FAULTED(status))
        snprintf(buf, size, "killed: %s", chalk_fault_name(EXIT_FAULT_REASON(status)));
    else if (status == EXIT_KILLED)
        snprintf(buf, size, "status %d: killed", status);
    else
        snprintf(buf, size, "status %d", status);
    return buf;
}
