/*
 * Processes: the process table, creation, exit, kill, wait and the rest of
 * the life cycle. docs/processes.md tells the whole story; the short version:
 *
 *   spawn --> READY <--> RUNNING --> (exit/kill) --> ZOMBIE --> (reaped) UNUSED
 *               ^  \        |
 *               |   \       +--> SLEEPING (in a call: input, child, time)
 *               |    \      +--> BLOCKED  (block(), until unblock())
 *               +-----+-----+
 *
 * Reaping rule (how a parent that never waits cannot fill the table): a
 * process that ends by its own doing (exit, a fault, killing itself)
 * becomes a zombie holding only its slot, pid and exit status, until its
 * parent collects them with waitpid; one that another kills (kill, Ctrl+C)
 * has no status worth keeping, so it is reaped at once unless its parent
 * is already waiting for it. Orphans go to init (pid 1), which waits for
 * anything.
 *
 * Locking: the table, every struct proc and the run queue are touched only
 * with interrupts off (system calls run that way; interrupt handlers are
 * that way). One CPU, so that is mutual exclusion.
 */
#ifndef CHALK_PROC_PROC_H
#define CHALK_PROC_PROC_H

#include "arch/x86_64/trap.h"
#include "arch/x86_64/usermode.h"
#include "boot/bootinfo.h"
#include "fs/file.h"
#include "lib/list.h"
#include "mm/memlayout.h"
#include "mm/uheap.h"
#include "mm/vm.h"
#include "proc/kstack.h"
#include "proc/runqueue.h"
#include "sync/semaphore.h"
#include "uapi/chalk/syscalls.h"

#include <stdbool.h>
#include <stdint.h>

#define PROC_MAX        512 /* table slots; a power of two (see pid.h) */
#define INIT_PID        1
#define USER_STACK_SIZE (64 * 1024)
/*
 * The guard below a user stack: the rest of its stride (memlayout.h), never
 * mapped, so a stack that overflows faults there (reported as "stack
 * overflow") before it can reach the stack of the slot below.
 */
#define USER_STACK_GUARD (USER_STACK_STRIDE - USER_STACK_SIZE)
#define PROC_CANARY      0xC4A1C0DE5AFE57ACULL

enum proc_state {
    STATE_UNUSED = -2, /* free slot */
    STATE_DEAD = -1,   /* exited, reaped, kernel stack not yet freed */
    STATE_READY = PROC_READY,
    STATE_RUNNING = PROC_RUNNING,
    STATE_BLOCKED = PROC_BLOCKED,
    STATE_SLEEPING = PROC_SLEEPING,
    STATE_ZOMBIE = PROC_ZOMBIE,
};

/* A queue of processes sleeping until some event; see sched.h. */
struct waitq {
    struct list_node sleepers;
};

struct proc {
    int pid;
    int ppid;
    int pgid; /* the job: Ctrl+C and the console's foreground act on whole jobs */
    enum proc_state state;
    char name[PROC_NAME_MAX];
    unsigned flags; /* SPAWN_IGNORE_INTERRUPT */

    /* Scheduling (sched.c). */
    struct sched_entity se;     /* on the run queue while READY */
    bool stopped;               /* by block(): not to run until unblock() */
    bool killed;                /* dies at its next return to user mode */
    bool in_syscall;            /* inside a system call (it may hold resources) */
    struct list_node wait_node; /* on a waitq while SLEEPING */
    struct waitq *waiting_on;
    uint64_t wake_tick; /* for the timer's waitq: when to wake */
    uint64_t cpu_ticks;

    /* Machine state. */
    uint64_t saved_rsp;   /* kernel rsp while switched out (context.asm) */
    void *kernel_stack;   /* its lowest address (kstack.h), NULL once freed */
    struct fpu_state fpu; /* user x87/SSE registers while switched out */
    struct vm_space *space;
    uint64_t user_stack; /* lowest address of the user stack */

    /* Resources. */
    struct fd_table fds;
    struct uheap_owner heap;
    struct sem_refs sems; /* semaphores it has open */

    /* Parent and children. */
    struct waitq child_exit; /* the process sleeps here in waitpid */
    int waiting_for;         /* pid waited for (-1: any child), 0: not waiting */
    int exit_status;

    uint64_t canary; /* PROC_CANARY; checked on every switch */
};

/* What spawn needs, already copied into the kernel and checked. */
struct spawn_request {
    uint64_t entry;
    uint64_t arg;
    const char *name;
    int argc;
    char *const *argv; /* kernel copies of the strings */
    int priority;
    unsigned flags;
    struct file *stdin_file; /* NULL: inherit */
    struct file *stdout_file;
    int job; /* with SPAWN_JOIN_JOB: the job to join */
};

/*
 * The process running now (the idle task when nothing else is). Only the
 * scheduler writes sched_current (sched.c); it is read on every system
 * call, several times, so the read is inline: under TCG each call and
 * return of a function costs a lookup of the next block of translated code.
 * (With SMP it becomes per-CPU, read through gs.)
 */
extern struct proc *sched_current;

static inline struct proc *proc_current(void)
{
    return sched_current;
}

/* The live (not unused, not dead) process with this pid, or NULL. */
struct proc *proc_find(int pid);

/*
 * Loads the userland image from the boot module named "userland.elf",
 * builds its address space and the user heap, and creates init (pid 1) at
 * the image's entry point; returns a line for the boot log. Panics when
 * there is no usable image. Needs sched_init and tty_init first.
 */
const char *proc_init(const struct boot_info *info);

/* Creates a child of the current process: its pid, or -errno. */
int proc_spawn(const struct spawn_request *req);

/* Ends the current process with status. */
__attribute__((noreturn)) void proc_exit(int status);

/*
 * Kills a process. The caller's own death is deferred to its return to
 * user mode. Safe from interrupt handlers. 0, -ESRCH or -EPERM (init).
 */
int proc_kill(int pid);

/* Kills every process of job pgid without SPAWN_IGNORE_INTERRUPT; how many. */
int proc_kill_job(int pgid);

int proc_nice(int pid, int priority);

/*
 * Stops a process until proc_unblock. 0, -ESRCH (also for a process already
 * killed, which must run to its death) or -EPERM (init).
 */
int proc_block(int pid);
int proc_unblock(int pid);

/*
 * Waits for a child (pid, or any when pid is -1) to end and reaps it:
 * its pid, 0 with WAIT_NOHANG when none has ended, -ECHILD or -EINTR.
 * *status gets the exit status when status is not NULL.
 */
int proc_waitpid(int pid, int *status, unsigned flags);

/* Frees a dead process's kernel stack; it must not be running on it. */
void proc_free_kernel_stack(struct proc *p);

/*
 * Checks every slot of the process table against the scheduler's rules
 * (sched.c): an intact canary, the pid in its own slot, a READY process on
 * the run queue and on no wait queue, a SLEEPING one on a wait queue and
 * not on the run queue, any other on neither, and only the current process
 * RUNNING. False at the first broken rule; debug builds assert it on every
 * switch. Interrupts off.
 */
bool proc_table_check(void);

/* Fills info with up to max processes: the count. */
int proc_list(struct chalk_proc_info *info, int max);

/*
 * A CPU exception in user mode: prints "name[pid]: killed: <what>" and ends
 * the current process with the status EXIT_FAULT(reason) (fault.c).
 */
__attribute__((noreturn)) void proc_user_fault(const struct trap_frame *frame);

#endif
