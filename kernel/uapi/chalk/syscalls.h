/*
 * The system-call interface between Chalk's kernel and user space: call
 * numbers, and the structures that cross the boundary. This directory
 * (kernel/uapi/) is the only part of the kernel that user programs include;
 * it must not depend on anything else in the kernel.
 *
 * Calling convention (both `syscall` and `int 0x80`): number in rax,
 * arguments in rdi, rsi, rdx, r10, r8, r9, result in rax. A negative result
 * in [-4095, -1] is an error code, -EXXX (chalk/errno.h). Every call, its
 * arguments and its errors are listed in docs/syscalls.md.
 */
#ifndef CHALK_UAPI_SYSCALLS_H
#define CHALK_UAPI_SYSCALLS_H

#include <stdint.h>

#define SYS_READ        0  /* (fd, buf, len) -> bytes read, 0 at end of file */
#define SYS_WRITE       1  /* (fd, buf, len) -> bytes written */
#define SYS_CLOSE       2  /* (fd) */
#define SYS_DUP2        3  /* (oldfd, newfd) -> newfd */
#define SYS_SPAWN       4  /* (const struct chalk_spawn *) -> pid */
#define SYS_EXIT        5  /* (status), does not return */
#define SYS_GETPID      6  /* () -> pid */
#define SYS_GETPPID     7  /* () -> parent's pid */
#define SYS_KILL        8  /* (pid) */
#define SYS_NICE        9  /* (pid, priority) */
#define SYS_BLOCK       10 /* (pid) */
#define SYS_UNBLOCK     11 /* (pid) */
#define SYS_YIELD       12 /* () */
#define SYS_WAITPID     13 /* (pid or -1, int *status or NULL, flags) -> pid */
#define SYS_PS          14 /* (struct chalk_proc_info *, max entries) -> count */
#define SYS_SLEEP       15 /* (milliseconds) */
#define SYS_UPTIME      16 /* () -> milliseconds since boot */
#define SYS_MALLOC      17 /* (size) -> address in the user heap */
#define SYS_FREE        18 /* (address) */
#define SYS_MEMSTATS    19 /* (struct chalk_mem_stats *) */
#define SYS_SHUTDOWN    20 /* () powers off, does not return on success */
#define SYS_REBOOT      21 /* () */
#define SYS_CONSOLE_RAW 22 /* (bool raw): raw or line-edited console input */
#define SYS_PIPE        23 /* (int fds[2], flags): fds[0] reads what fds[1] writes */
#define SYS_PIPES       24 /* (struct chalk_pipe_info *, max entries) -> count */
#define SYS_SEM_OPEN    25 /* (name, initial value): creates or opens */
#define SYS_SEM_WAIT    26 /* (name) */
#define SYS_SEM_POST    27 /* (name) */
#define SYS_SEM_CLOSE   28 /* (name) */
#define SYS_SEMS        29 /* (struct chalk_sem_info *, max entries) -> count */
#define SYS_TSC_HZ      30 /* () -> the TSC's rate in Hz, measured at boot; 0: unknown */
#define SYS_COUNT       31

/* Priorities: 0 is the highest, 4 the lowest; new processes start at 2. */
#define PRIORITY_HIGHEST 0
#define PRIORITY_LOWEST  4
#define PRIORITY_DEFAULT 2

/* struct chalk_spawn flags. */
#define SPAWN_NEW_JOB          (1u << 0) /* start a job (process group) of its own */
#define SPAWN_FOREGROUND       (1u << 1) /* the new job gets the console; needs NEW_JOB */
#define SPAWN_IGNORE_INTERRUPT (1u << 2) /* Ctrl+C does not kill it (init, the shell) */
#define SPAWN_JOIN_JOB         (1u << 3) /* join job `job`, led by a child of the caller */

#define SPAWN_INHERIT_FD (-1)

/*
 * pipe flag: the new descriptors are not inherited by spawned children
 * (stdin_fd and stdout_fd still hand them over, as the child's 0 or 1).
 */
#define FD_CLOSE_ON_SPAWN (1u << 0)

/*
 * A new process runs entry(rdi = argc, rsi = argv, rdx = arg) in ring 3,
 * on a stack of its own that holds a copy of argv. entry must not return
 * (the C library's start routine calls exit with the function's result).
 * argv[0] is the first argument, not the program's name.
 */
struct chalk_spawn {
    uint64_t entry;
    uint64_t arg;
    const char *name; /* shown by ps; at most PROC_NAME_MAX - 1 bytes kept */
    uint64_t argc;
    char *const *argv;
    int32_t priority; /* PRIORITY_HIGHEST .. PRIORITY_LOWEST */
    uint32_t flags;
    int32_t stdin_fd;  /* the caller's fd to become the child's 0, or SPAWN_INHERIT_FD */
    int32_t stdout_fd; /* likewise for 1 */
    int32_t job;       /* with SPAWN_JOIN_JOB: the job (its leader's pid) to join */
};

#define SPAWN_MAX_ARGS   32
#define SPAWN_MAX_ARGLEN 256 /* per argument, including the terminating zero */

/* waitpid flags. */
#define WAIT_NOHANG 1u /* return 0 at once when no child has ended yet */

/*
 * Exit statuses, as waitpid reports them. A process that exits reports the
 * status it gave exit (or returned from its function); the kernel reports
 * two more kinds:
 *  - EXIT_KILLED: killed by kill or Ctrl+C (exit(-1) looks the same);
 *  - EXIT_FAULT(reason): killed for a CPU exception its own code raised
 *    (docs/processes.md, "User faults"). These are a band of their own,
 *    just above INT32_MIN, that exit cannot give: exit turns a status in
 *    the band into INT32_MIN, as it does a status that does not fit an int.
 *    So a fault status always means a fault.
 */
#define EXIT_KILLED (-1)

/*
 * Why a fault killed a process: the reason in EXIT_FAULT(reason), and the
 * words the kernel prints in its kill line (chalk_fault_name). Numbers are
 * ABI: new reasons go at the end, and the band has room for up to
 * FAULT_REASON_MAX.
 */
enum chalk_fault {
    FAULT_NULL_POINTER = 1,   /* a page fault in page 0 */
    FAULT_KERNEL_MEMORY,      /* a page fault in the kernel's half */
    FAULT_STACK_OVERFLOW,     /* a page fault in the guard below its own stack */
    FAULT_UNMAPPED_PAGE,      /* a page fault on any other page not mapped */
    FAULT_NOT_EXECUTABLE,     /* an instruction fetch from a no-execute page */
    FAULT_READ_ONLY,          /* a write to a read-only page */
    FAULT_PAGE_PROTECTION,    /* any other page fault on a mapped page */
    FAULT_DIVIDE,             /* #DE: division by zero, or a quotient too big */
    FAULT_INVALID_OPCODE,     /* #UD: an undefined instruction */
    FAULT_BREAKPOINT,         /* #BP: int3 with no debugger */
    FAULT_GENERAL_PROTECTION, /* #GP, #SS: a privileged instruction, a non-canonical address */
    FAULT_FLOATING_POINT,     /* #MF, #XM: an x87 or SSE exception the program unmasked */
    FAULT_OTHER,              /* any other exception; the kill line names it */
    FAULT_COUNT,
};

#define FAULT_REASON_MAX   255
#define EXIT_FAULT_BASE    (-2147483647 - 1) /* INT32_MIN: no reason, not in the band */
#define EXIT_FAULT(reason) (EXIT_FAULT_BASE + (int)(reason))
#define EXIT_FAULT_LAST    EXIT_FAULT(FAULT_REASON_MAX)
/* Whether status is in the fault band; only then is EXIT_FAULT_REASON meaningful. */
#define EXIT_FAULTED(status)      ((status) >= EXIT_FAULT(1) && (status) <= EXIT_FAULT_LAST)
#define EXIT_FAULT_REASON(status) ((int)((status)-EXIT_FAULT_BASE))

/* The words for a reason: "NULL pointer", "divide error", ... */
static inline const char *chalk_fault_name(int reason)
{
    static const char *const names[FAULT_COUNT] = {
        [FAULT_NULL_POINTER] = "NULL pointer",
        [FAULT_KERNEL_MEMORY] = "kernel memory",
        [FAULT_STACK_OVERFLOW] = "stack overflow",
        [FAULT_UNMAPPED_PAGE] = "unmapped page",
        [FAULT_NOT_EXECUTABLE] = "non-executable page",
        [FAULT_READ_ONLY] = "write to read-only page",
        [FAULT_PAGE_PROTECTION] = "protection violation",
        [FAULT_DIVIDE] = "divide error",
        [FAULT_INVALID_OPCODE] = "invalid opcode",
        [FAULT_BREAKPOINT] = "breakpoint",
        [FAULT_GENERAL_PROTECTION] = "general protection fault",
        [FAULT_FLOATING_POINT] = "floating-point exception",
        [FAULT_OTHER] = "other exception",
    };
    return reason > 0 && reason < FAULT_COUNT ? names[reason] : "unknown fault";
}

#define PROC_NAME_MAX 32

enum chalk_proc_state {
    PROC_READY,
    PROC_RUNNING,
    PROC_BLOCKED,  /* stopped by block() until unblock() */
    PROC_SLEEPING, /* waiting for an event inside a call: input, a child, time */
    PROC_ZOMBIE,
};

struct chalk_proc_info {
    int32_t pid;
    int32_t ppid;
    int32_t pgid; /* its job */
    int32_t priority;
    int32_t state; /* enum chalk_proc_state */
    int32_t foreground;
    uint64_t cpu_ms;     /* CPU time used */
    uint64_t stack_base; /* lowest address of its user stack */
    char name[PROC_NAME_MAX];
};

struct chalk_mem_stats {
    char manager[16];    /* "buddy" or "firstfit" */
    uint64_t heap_total; /* the user heap, bytes */
    uint64_t heap_used;
    uint64_t heap_free;
    uint64_t heap_largest_free;
    uint64_t heap_blocks;   /* live allocations, all processes */
    uint64_t heap_poisoned; /* 1: a program wrote over the bookkeeping (heap.h) */
    uint64_t mine_bytes;    /* allocated by the caller */
    uint64_t mine_blocks;
    uint64_t frames_total; /* physical memory, 4 KiB frames */
    uint64_t frames_free;
    uint64_t kernel_heap_used;
    uint64_t kernel_heap_total;
};

/* Semaphores (SYS_SEM_*): a name has 1 to SEM_NAME_MAX - 1 bytes. */
#define SEM_NAME_MAX     32
#define SEM_VALUE_MAX    0x7FFFFFFF
#define SEM_INFO_WAITERS 8 /* waiting pids a chalk_sem_info lists */

struct chalk_sem_info {
    char name[SEM_NAME_MAX];
    int32_t value;
    int32_t users;                     /* processes that have it open */
    int32_t waiting;                   /* processes asleep in sem_wait */
    int32_t waiters[SEM_INFO_WAITERS]; /* the first of them, longest waiting first */
};

struct chalk_pipe_info {
    int32_t id;        /* numbered in order of creation */
    uint32_t capacity; /* bytes it can buffer */
    uint32_t buffered; /* bytes written, not yet read */
    int32_t readers;   /* open read ends, across all processes */
    int32_t writers;   /* open write ends */
};

#endif
