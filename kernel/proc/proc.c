/*
 * The process table and the life of a process, from spawn to reaping.
 *
 * A process runs a function of the userland image (the course's model: all
 * processes share the image's code, globals and heap, each with its own
 * stack, registers, fds, priority and pid). Its kernel stack holds, while it
 * is switched out, what context.asm saved; its user stack sits at an address
 * fixed by its table slot, so stacks of live processes never overlap.
 *
 * Death: a process is torn down by release_resources + finish_death, from
 * its own context (proc_exit) or, when it is switched out at a point where
 * it holds nothing (not inside a system call), from the killer's. A process
 * killed inside a system call is only marked and woken; it unwinds the call
 * and dies on its way back to user mode, so no call is left half done.
 */
#include "proc/proc.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "drivers/timer.h"
#include "drivers/tty.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/memlayout.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/elf.h"
#include "proc/pid.h"
#include "proc/sched.h"

#define USERLAND_MODULE "userland.elf"
#define RFLAGS_RESERVED 0x2 /* bit 1 of rflags always reads as 1 */

static struct proc table[PROC_MAX];
static int last_pid;

static bool slot_in_use(unsigned slot, void *ctx)
{
    (void)ctx;
    return table[slot].state != STATE_UNUSED;
}

/* A process is in the slot: live or zombie (not free, not being torn down). */
static bool holds_process(const struct proc *p)
{
    return p->state != STATE_UNUSED && p->state != STATE_DEAD;
}

static bool is_live(const struct proc *p)
{
    return holds_process(p) && p->state != STATE_ZOMBIE;
}

/* The process (live or zombie) with this pid, or NULL. */
static struct proc *find_any(int pid)
{
    if (pid <= 0 || pid >= PID_LIMIT)
        return NULL;
    struct proc *p = &table[pid_slot(pid, PROC_MAX)];
    return p->pid == pid && holds_process(p) ? p : NULL;
}

struct proc *proc_find(int pid)
{
    struct proc *p = find_any(pid);
    return p && is_live(p) ? p : NULL;
}

static uint64_t user_stack_base(unsigned slot)
{
    return USER_STACKS_TOP - (uint64_t)(slot + 1) * USER_STACK_STRIDE;
}

/* --- creation -------------------------------------------------------------- */

/*
 * Copies argv onto the new process's user stack (its space is the active
 * one) with copy_to_user, like any write to user memory, and returns the
 * stack pointer it starts with; *uargv gets the user address of the argv
 * array. The layout, from the top down: the strings,
 * the NULL-terminated pointer array (16-byte aligned), a zero return
 * address, so rsp + 8 is 16-byte aligned at entry as the ABI requires.
 */
static int build_user_stack(struct proc *p, const struct spawn_request *req, uint64_t *rsp,
                            uint64_t *uargv)
{
    uint64_t top = p->user_stack + USER_STACK_SIZE;
    uint64_t need = (uint64_t)(req->argc + 2) * sizeof(uint64_t) + 32;
    for (int i = 0; i < req->argc; i++)
        need += strlen(req->argv[i]) + 1;
    if (need > USER_STACK_SIZE / 4)
        return -E2BIG;

    uint64_t sp = top;
    uint64_t pointers[SPAWN_MAX_ARGS + 1];
    for (int i = req->argc - 1; i >= 0; i--) {
        size_t len = strlen(req->argv[i]) + 1;
        sp -= len;
        int err = copy_to_user(sp, req->argv[i], len);
        if (err < 0)
            return err;
        pointers[i] = sp;
    }
    pointers[req->argc] = 0;
    sp = ALIGN_DOWN(sp - (uint64_t)(req->argc + 1) * sizeof(uint64_t), 16);
    int err = copy_to_user(sp, pointers, (uint64_t)(req->argc + 1) * sizeof(uint64_t));
    if (err < 0)
        return err;
    *uargv = sp;
    sp -= sizeof(uint64_t); /* the return address: 0 already, the stack came zeroed */
    *rsp = sp;
    return 0;
}

/*
 * Lays out a new kernel stack so that the first switch to p "returns" into
 * process_first_entry, which leaves through trap_return with this frame:
 * ring 3, at entry, with argc, argv and arg in the first three argument
 * registers.
 */
static void build_kernel_stack(struct proc *p, const struct spawn_request *req, uint64_t rsp,
                               uint64_t uargv)
{
    uint64_t top = (uint64_t)p->kernel_stack + KERNEL_STACK_SIZE;
    struct trap_frame *frame = (struct trap_frame *)(top - sizeof(struct trap_frame));
    *frame = (struct trap_frame){
        .rdi = (uint64_t)req->argc,
        .rsi = uargv,
        .rdx = req->arg,
        .rip = req->entry,
        .cs = SEL_USER_CODE,
        .rflags = RFLAGS_IF | RFLAGS_RESERVED,
        .rsp = rsp,
        .ss = SEL_USER_DATA,
    };
    /* What context_switch pops: r15, r14, r13, r12, rbx, rbp, return address. */
    uint64_t *context = (uint64_t *)frame - 7;
    memset(context, 0, 6 * sizeof(uint64_t));
    context[6] = (uint64_t)process_first_entry;
    p->saved_rsp = (uint64_t)context;
}

void proc_free_kernel_stack(struct proc *p)
{
    if (p->kernel_stack)
        kstack_free(p->kernel_stack);
    p->kernel_stack = NULL;
}

/*
 * Whether job is one the parent may put a new process in: its leader is
 * alive and is the parent's child (the shell building a pipeline).
 */
static bool may_join(const struct proc *parent, int job)
{
    const struct proc *leader = proc_find(job);
    return leader && leader->pgid == job && leader->ppid == parent->pid;
}

/*
 * Which job the new process joins, and whether it takes the terminal
 * (SPAWN_FOREGROUND comes with SPAWN_NEW_JOB, SPAWN_JOIN_JOB with neither:
 * sys_spawn checks).
 */
static int assign_job(struct proc *p, const struct proc *parent, const struct spawn_request *req)
{
    unsigned flags = req->flags;
    if (flags & SPAWN_JOIN_JOB) {
        if (!may_join(parent, req->job))
            return -ESRCH;
        p->pgid = req->job;
        return 0;
    }
    if (!(flags & SPAWN_NEW_JOB)) {
        p->pgid = parent->pgid;
        return 0;
    }
    p->pgid = p->pid;
    if (!(flags & SPAWN_FOREGROUND))
        return 0;
    if (tty_foreground() != parent->pgid)
        return -EPERM; /* only the foreground may hand the terminal on */
    return tty_push_foreground(p->pgid);
}

static void give_fds(struct proc *p, const struct proc *parent, const struct spawn_request *req)
{
    fd_table_clone(&p->fds, &parent->fds);
    if (req->stdin_file)
        fd_install(&p->fds, 0, file_get(req->stdin_file));
    if (req->stdout_file)
        fd_install(&p->fds, 1, file_get(req->stdout_file));
}

int proc_spawn(const struct spawn_request *req)
{
    struct proc *parent = proc_current();
    KASSERT(parent->space || parent == sched_idle());
    struct vm_space *space = parent->space ? parent->space : vm_active();
    KASSERT(space && space == vm_active());

    int pid = pid_next(last_pid, PROC_MAX, slot_in_use, NULL);
    if (pid < 0)
        return pid;
    unsigned slot = pid_slot(pid, PROC_MAX);
    struct proc *p = &table[slot];
    *p = (struct proc){.pid = pid,
                       .ppid = parent->pid,
                       .state = STATE_DEAD,
                       .canary = PROC_CANARY,
                       .flags = req->flags & SPAWN_IGNORE_INTERRUPT};
    list_node_init(&p->wait_node);
    waitq_init(&p->child_exit);
    strlcpy(p->name, req->name, sizeof(p->name));
    sched_entity_init(&p->se, req->priority);
    fpu_state_init(&p->fpu);

    int err = -ENOMEM;
    p->kernel_stack = kstack_alloc(slot);
    if (!p->kernel_stack)
        goto fail;
    p->user_stack = user_stack_base(slot);
    err = vm_map_zeroed(space, p->user_stack, USER_STACK_SIZE, VM_WRITE);
    if (err < 0)
        goto fail;
    p->space = space;
    vm_space_get(space);

    uint64_t rsp, uargv;
    err = build_user_stack(p, req, &rsp, &uargv);
    if (err < 0)
        goto fail_stack;
    err = assign_job(p, parent, req);
    if (err < 0)
        goto fail_stack;

    build_kernel_stack(p, req, rsp, uargv);
    give_fds(p, parent, req);
    last_pid = pid;
    sched_make_ready(p);
    return pid;

fail_stack:
    vm_unmap_free(space, p->user_stack, USER_STACK_SIZE);
    vm_space_put(space);
fail:
    proc_free_kernel_stack(p);
    p->state = STATE_UNUSED;
    return err;
}

/* --- death ------------------------------------------------------------------- */

/* Gives back everything p holds but its slot and kernel stack. */
static void release_resources(struct proc *p)
{
    fd_close_all(&p->fds);
    sem_release_all(&p->sems);
    uheap_release_all(&p->heap);
    vm_unmap_free(p->space, p->user_stack, USER_STACK_SIZE);
    vm_space_put(p->space);
    p->space = NULL;
}

bool proc_table_check(void)
{
    for (unsigned slot = 0; slot < PROC_MAX; slot++) {
        const struct proc *p = &table[slot];
        if (p->state == STATE_UNUSED)
            continue;
        bool queued = list_linked(&p->se.node), asleep = list_linked(&p->wait_node);
        if (p->canary != PROC_CANARY || pid_slot(p->pid, PROC_MAX) != slot)
            return false;
        if ((p->state == STATE_RUNNING) != (p == proc_current()))
            return false;
        if (queued != (p->state == STATE_READY))
            return false;
        if (asleep != (p->state == STATE_SLEEPING) || asleep != (p->waiting_on != NULL))
            return false;
    }
    return true;
}

/* Whether parent is inside waitpid for child (asleep, or woken and not yet run). */
static bool waiting_for(const struct proc *parent, const struct proc *child)
{
    return parent && (parent->waiting_for == -1 || parent->waiting_for == child->pid);
}

/* p's children become init's; init hears of those that already ended. */
static void reparent_children(const struct proc *p)
{
    struct proc *init = find_any(INIT_PID);
    for (unsigned i = 0; i < PROC_MAX; i++) {
        struct proc *child = &table[i];
        if (child->ppid != p->pid || !holds_process(child))
            continue;
        child->ppid = INIT_PID;
        if (child->state == STATE_ZOMBIE && init)
            waitq_wake_all(&init->child_exit);
    }
}

/* Whether some live process belongs to job pgid. */
static bool job_alive(int pgid)
{
    for (unsigned i = 0; i < PROC_MAX; i++)
        if (is_live(&table[i]) && table[i].pgid == pgid)
            return true;
    return false;
}

/*
 * The end of a process whose resources are released: zombie or reaped at
 * once (the rule in proc.h), parent told, the terminal given back when its
 * job's leader or last process is gone. p is off every queue.
 */
static void finish_death(struct proc *p, int status, bool killed)
{
    if (p->pid == INIT_PID)
        panic("init (pid 1) ended with status %d", status);
    reparent_children(p);
    struct proc *parent = proc_find(p->ppid);
    p->exit_status = status;
    if (!killed || waiting_for(parent, p)) {
        p->state = STATE_ZOMBIE;
        if (parent)
            waitq_wake_all(&parent->child_exit);
    } else {
        p->state = STATE_DEAD;
    }
    /* The leader is what the shell waits for: what it leaves behind goes on in the background. */
    if (p->pid == p->pgid || !job_alive(p->pgid))
        tty_job_gone(p->pgid);
}

void proc_exit(int status)
{
    struct proc *p = proc_current();
    KASSERT(p != sched_idle() && !interrupts_enabled());
    release_resources(p);
    finish_death(p, status, p->killed);
    schedule(); /* the next process frees our kernel stack (sched_finish_switch) */
    panic("a dead process was scheduled");
}

/* Tears down p, which is switched out outside any system call. */
static void terminate_now(struct proc *p)
{
    sched_dequeue(p);
    release_resources(p);
    finish_death(p, EXIT_KILLED, true);
    proc_free_kernel_stack(p);
    if (p->state == STATE_DEAD)
        p->state = STATE_UNUSED;
}

int proc_kill(int pid)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return -ESRCH;
    if (pid == INIT_PID)
        return -EPERM;
    p->killed = true;
    if (p == proc_current())
        return 0; /* dies on its way back to user mode */
    if (!p->in_syscall) {
        terminate_now(p);
        return 0;
    }
    /* Inside a call: wake it so it unwinds and dies at the call's exit. */
    p->stopped = false;
    if (p->state == STATE_SLEEPING)
        sched_wake(p);
    else if (p->state == STATE_BLOCKED)
        sched_make_ready(p);
    return 0;
}

int proc_kill_job(int pgid)
{
    int killed = 0;
    for (unsigned i = 0; i < PROC_MAX; i++) {
        struct proc *p = &table[i];
        if (is_live(p) && p->pgid == pgid && !(p->flags & SPAWN_IGNORE_INTERRUPT) &&
            p->pid != INIT_PID && proc_kill(p->pid) == 0)
            killed++;
    }
    return killed;
}

/* --- control ------------------------------------------------------------------ */

int proc_nice(int pid, int priority)
{
    if (priority < PRIORITY_HIGHEST || priority > PRIORITY_LOWEST)
        return -EINVAL;
    struct proc *p = proc_find(pid);
    if (!p)
        return -ESRCH;
    sched_set_priority(p, priority);
    return 0;
}

int proc_block(int pid)
{
    struct proc *p = proc_find(pid);
    /* A killed process is on its way out: stopped, it would never run to its death. */
    if (!p || p->killed)
        return -ESRCH;
    if (pid == INIT_PID)
        return -EPERM;
    if (p->stopped)
        return 0;
    p->stopped = true;
    if (p->state == STATE_READY) {
        sched_dequeue(p);
        p->state = STATE_BLOCKED;
    } else if (p == proc_current()) {
        p->state = STATE_BLOCKED;
        schedule(); /* back here once unblocked (or killed) */
    }
    return 0; /* a sleeping process stays asleep and wakes up blocked */
}

int proc_unblock(int pid)
{
    struct proc *p = proc_find(pid);
    if (!p)
        return -ESRCH;
    p->stopped = false;
    if (p->state == STATE_BLOCKED)
        sched_make_ready(p);
    return 0;
}

/* A zombie child of parent matching pid (-1: any); *any_child tells if one exists. */
static struct proc *find_ended_child(const struct proc *parent, int pid, bool *any_child)
{
    *any_child = false;
    for (unsigned i = 0; i < PROC_MAX; i++) {
        struct proc *c = &table[i];
        if (!holds_process(c) || c->ppid != parent->pid || (pid != -1 && c->pid != pid))
            continue;
        *any_child = true;
        if (c->state == STATE_ZOMBIE)
            return c;
    }
    return NULL;
}

int proc_waitpid(int pid, int *status, unsigned flags)
{
    struct proc *self = proc_current();
    if (pid == 0 || pid < -1)
        return -ECHILD;
    for (;;) {
        bool any_child;
        struct proc *child = find_ended_child(self, pid, &any_child);
        if (child) {
            if (status)
                *status = child->exit_status;
            int child_pid = child->pid;
            child->state = STATE_UNUSED; /* its stack went when it switched out */
            return child_pid;
        }
        if (!any_child)
            return -ECHILD;
        if (flags & WAIT_NOHANG)
            return 0;
        self->waiting_for = pid;
        int err = waitq_sleep(&self->child_exit);
        self->waiting_for = 0;
        if (err < 0)
            return err;
    }
}

int proc_list(struct chalk_proc_info *info, int max)
{
    int n = 0;
    int foreground = tty_foreground();
    for (unsigned i = 0; i < PROC_MAX && n < max; i++) {
        const struct proc *p = &table[i];
        if (!holds_process(p))
            continue;
        struct chalk_proc_info *out = &info[n++];
        *out = (struct chalk_proc_info){
            .pid = p->pid,
            .ppid = p->ppid,
            .pgid = p->pgid,
            .priority = p->se.priority,
            .state = p->stopped && p->state != STATE_ZOMBIE ? PROC_BLOCKED : (int)p->state,
            .foreground = p->pgid == foreground,
            .cpu_ms = p->cpu_ticks * 1000 / TIMER_HZ,
            .stack_base = p->user_stack,
        };
        strlcpy(out->name, p->name, sizeof(out->name));
    }
    return n;
}

/* --- boot ---------------------------------------------------------------------- */

static const struct boot_module *find_module(const struct boot_info *info, const char *name)
{
    for (unsigned i = 0; i < info->module_count; i++)
        if (strcmp(info->modules[i].name, name) == 0)
            return &info->modules[i];
    return NULL;
}

/* The user heap: a quarter of RAM, between 4 MiB and 256 MiB. */
static uint64_t user_heap_size(void)
{
    struct frame_stats frames;
    mm_frame_stats(&frames);
    uint64_t size = ALIGN_DOWN(frames.total * PAGE_SIZE / 4, PAGE_SIZE);
    if (size < (4ULL << 20))
        size = 4ULL << 20;
    if (size > (256ULL << 20))
        size = 256ULL << 20;
    return size;
}

const char *proc_init(const struct boot_info *info)
{
    static char description[96];
    for (unsigned i = 0; i < PROC_MAX; i++)
        table[i].state = STATE_UNUSED;

    const struct boot_module *module = find_module(info, USERLAND_MODULE);
    if (!module)
        panic("no '%s' boot module: the ISO's grub.cfg must load it", USERLAND_MODULE);
    struct vm_space *space = vm_space_create();
    if (!space)
        panic("proc: out of memory for the user address space");
    struct elf_image image;
    int err = elf_load(space, phys_to_virt(module->start), module->end - module->start, &image);
    if (err < 0)
        panic("proc: cannot load %s (error %d)", USERLAND_MODULE, err);
    err = uheap_init(space, USER_HEAP_BASE, user_heap_size());
    if (err < 0)
        panic("proc: no memory for the user heap (error %d)", err);

    /* The idle task holds the terminal's fds so that init inherits them. */
    struct proc *idle = sched_idle();
    for (int fd = 0; fd < 3; fd++)
        fd_install(&idle->fds, fd, tty_file());

    vm_activate(space);
    struct spawn_request init = {
        .entry = image.entry,
        .name = "init",
        .priority = PRIORITY_DEFAULT,
        .flags = SPAWN_NEW_JOB | SPAWN_FOREGROUND | SPAWN_IGNORE_INTERRUPT,
    };
    err = proc_spawn(&init);
    if (err != INIT_PID)
        panic("proc: cannot create init (error %d)", err);
    ksnprintf(description, sizeof(description),
              "%s: %lu KiB at %p; user heap %lu MiB; init started", USERLAND_MODULE,
              (image.end - image.start) >> 10, (void *)image.start, user_heap_size() >> 20);
    return description;
}
