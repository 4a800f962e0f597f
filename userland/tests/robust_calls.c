/*
 * test robust, the system-call cases: a child makes calls with hostile
 * arguments, each through both entries (checks.h: expect), and exits with
 * the number of wrong answers. test syscalls checks the calls one by one;
 * these cases sweep: every pointer argument against every kind of bad
 * address, numbers that only look right once cut to 32 bits, the calls
 * aimed at init, the idle task and the caller itself, flags a program may
 * set around a call.
 */
#include <chalk.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/robust.h"

#define PAGE_BYTES 4096
#define BIT32      (1ULL << 32)
/*
 * How far below the end of the stack the straddling pointer starts: every
 * object a call reads or writes is longer, so each runs off the stack, and
 * a string there has no terminator before the unmapped page.
 */
#define STRADDLE 2

/* ---- pointers ------------------------------------------------------------------- */

/* How a call uses a pointer: which bad addresses are bad for it. */
enum use {
    USE_READ = 1u << 0,    /* reads an object there */
    USE_WRITE = 1u << 1,   /* writes one there */
    USE_STRING = 1u << 2,  /* reads a string there */
    USE_NULL_OK = 1u << 3, /* NULL means "none": not a bad address for it */
    USE_ANY = USE_READ | USE_WRITE | USE_STRING,
};

/* A pipe with a byte in it, at these fds: no read of it can block. */
#define PIPE_READ_FD  10
#define PIPE_WRITE_FD 11

/* Where a pointer goes: an argument of the call (its index), or a field of spawn's request. */
enum place { ARG_0 = 0, ARG_1 = 1, SPAWN_NAME, SPAWN_ARGV, SPAWN_ARGUMENT };

struct pointer_arg {
    const char *what;
    unsigned use;
    uint64_t call;
    enum place place;
    uint64_t args[3]; /* the call's arguments, but for the pointer */
};

static const struct pointer_arg pointer_args[] = {
    {"read's buffer", USE_WRITE, SYS_READ, ARG_1, {PIPE_READ_FD, 0, 16}},
    {"write's buffer", USE_READ, SYS_WRITE, ARG_1, {PIPE_WRITE_FD, 0, 16}},
    {"spawn's request", USE_READ, SYS_SPAWN, ARG_0, {0}},
    {"spawn's name", USE_STRING, SYS_SPAWN, SPAWN_NAME, {0}},
    {"spawn's argv", USE_READ, SYS_SPAWN, SPAWN_ARGV, {0}},
    {"spawn's argument", USE_STRING, SYS_SPAWN, SPAWN_ARGUMENT, {0}},
    /* Checked before waiting, so no child is needed: the answer comes at once. */
    {"waitpid's status",
     USE_WRITE | USE_NULL_OK,
     SYS_WAITPID,
     ARG_1,
     {(uint64_t)-1, 0, WAIT_NOHANG}},
    {"ps's buffer", USE_WRITE, SYS_PS, ARG_0, {0, 1, 0}},
    {"memstats' buffer", USE_WRITE, SYS_MEMSTATS, ARG_0, {0}},
    {"pipe's fds", USE_WRITE, SYS_PIPE, ARG_0, {0}},
    {"pipes' buffer", USE_WRITE, SYS_PIPES, ARG_0, {0, 1, 0}},
    {"sems' buffer", USE_WRITE, SYS_SEMS, ARG_0, {0, 1, 0}},
    {"sem_open's name", USE_STRING, SYS_SEM_OPEN, ARG_0, {0}},
    {"sem_wait's name", USE_STRING, SYS_SEM_WAIT, ARG_0, {0}},
    {"sem_post's name", USE_STRING, SYS_SEM_POST, ARG_0, {0}},
    {"sem_close's name", USE_STRING, SYS_SEM_CLOSE, ARG_0, {0}},
};

static int64_t exit_at_once(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return 0;
}

/* A spawn request that would start exit_at_once with the one argument argv[0]. */
static struct chalk_spawn spawn_request_with(const char *name, char *const *argv)
{
    return (struct chalk_spawn){
        .entry = (uint64_t)process_start,
        .arg = (uint64_t)exit_at_once,
        .name = name,
        .argc = 1,
        .argv = argv,
        .priority = PRIORITY_DEFAULT,
        .stdin_fd = SPAWN_INHERIT_FD,
        .stdout_fd = SPAWN_INHERIT_FD,
    };
}

/* Makes p's call with address in the pointer's place, through both entries: EFAULT. */
static void expect_refused(struct tally *t, const struct pointer_arg *p, const char *what,
                           uint64_t address)
{
    uint64_t args[3] = {p->args[0], p->args[1], p->args[2]};
    char *argv[] = {p->place == SPAWN_ARGUMENT ? (char *)address : "x"};
    struct chalk_spawn spec =
        spawn_request_with(p->place == SPAWN_NAME ? (const char *)address : "robust child",
                           p->place == SPAWN_ARGV ? (char *const *)address : argv);
    if (p->place == ARG_0 || p->place == ARG_1)
        args[p->place] = address;
    else
        args[0] = (uint64_t)&spec;
    expect(t, what, -EFAULT, p->call, args[0], args[1], args[2]);
}

/*
 * The first byte past the caller's stack: the end of its last argument's
 * string (robust.h says why), a page boundary. 0 when it is not one.
 */
static uint64_t stack_end(uint64_t argc, char *argv[])
{
    if (argc == 0)
        return 0;
    uint64_t end = (uint64_t)argv[argc - 1] + strlen(argv[argc - 1]) + 1;
    return end % PAGE_BYTES == 0 ? end : 0;
}

/* Every pointer argument of every call, at every kind of bad address: EFAULT. */
int64_t robust_pointers(uint64_t argc, char *argv[])
{
    struct tally t = {0};
    uint64_t end = stack_end(argc, argv);
    check(&t, end != 0, "the end of the stack, after the arguments", "syscall", (int64_t)end,
          "a page boundary");
    if (!end)
        return t.failed;
    /* Our argument's last bytes, its terminator included: from here on, no string ends. */
    memset((void *)(end - STRADDLE), 'x', STRADDLE);

    int fds[2];
    expect_result(&t, "pipe", pipe(fds), 0);
    expect_result(&t, "its read end at fd 10", dup2(fds[0], PIPE_READ_FD), PIPE_READ_FD);
    expect_result(&t, "its write end at fd 11", dup2(fds[1], PIPE_WRITE_FD), PIPE_WRITE_FD);
    close(fds[0]);
    close(fds[1]);
    expect_result(&t, "write a byte into the pipe", write(PIPE_WRITE_FD, "x", 1), 1);

    const struct {
        const char *what;
        uint64_t address;
        unsigned uses;
    } bad[] = {
        {"NULL", 0, USE_ANY},
        {"the first page", UNMAPPED_LOW, USE_ANY},
        {"unmapped memory", UNMAPPED_HIGH, USE_ANY},
        {"the kernel's image", KERNEL_IMAGE, USE_ANY},
        {"the start of the kernel's half", KERNEL_HALF, USE_ANY},
        {"the top of user space, running past it", USER_SPACE_END - STRADDLE, USE_ANY},
        {"a non-canonical address", USER_SPACE_END, USE_ANY},
        {"the top of the address space, wrapping to 0", 0 - (uint64_t)STRADDLE, USE_ANY},
        {"the end of the stack, running off it", end - STRADDLE, USE_ANY},
        {"read-only code", (uint64_t)robust_pointers, USE_WRITE},
    };
    for (size_t p = 0; p < sizeof(pointer_args) / sizeof(pointer_args[0]); p++) {
        for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
            unsigned use = pointer_args[p].use;
            if (!(bad[b].uses & use) || (bad[b].address == 0 && (use & USE_NULL_OK)))
                continue;
            char what[128];
            snprintf(what, sizeof(what), "%s at %s", pointer_args[p].what, bad[b].what);
            expect_refused(&t, &pointer_args[p], what, bad[b].address);
        }
    }
    close(PIPE_READ_FD);
    close(PIPE_WRITE_FD);
    return t.failed;
}

/* ---- numbers ------------------------------------------------------------------- */

/*
 * Numbers out of range, above all those that would name something real
 * once cut to 32 bits: 2^32 + 1 is not init, nor fd 1.
 */
int64_t robust_numbers(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    const uint64_t self = (uint64_t)getpid();
    char buf[16];
    const uint64_t ubuf = (uint64_t)buf;

    expect(&t, "close of fd -1", -EBADF, SYS_CLOSE, (uint64_t)-1, 0, 0);
    expect(&t, "read from fd INT_MIN", -EBADF, SYS_READ, (uint64_t)(int64_t)INT32_MIN, ubuf, 1);
    expect(&t, "close of 2^32 + 1", -EBADF, SYS_CLOSE, BIT32 | 1, 0, 0);
    expect(&t, "write of nothing to fd 1, still open", 0, SYS_WRITE, 1, ubuf, 0);
    expect(&t, "dup2 onto 2^32 + 5", -EBADF, SYS_DUP2, 1, BIT32 | 5, 0);
    expect(&t, "dup2 from 2^32 + 1", -EBADF, SYS_DUP2, BIT32 | 1, 5, 0);
    expect(&t, "kill of 2^32 + 1", -ESRCH, SYS_KILL, BIT32 | 1, 0, 0);
    expect(&t, "kill of -1 (no one, not everyone)", -ESRCH, SYS_KILL, (uint64_t)-1, 0, 0);
    expect(&t, "kill of INT_MIN", -ESRCH, SYS_KILL, (uint64_t)(int64_t)INT32_MIN, 0, 0);
    expect(&t, "block of 2^32 + 1", -ESRCH, SYS_BLOCK, BIT32 | 1, 0, 0);
    expect(&t, "nice of 2^32 + itself", -ESRCH, SYS_NICE, BIT32 | self, PRIORITY_DEFAULT, 0);
    expect(&t, "nice to priority 2^32 + 2", -EINVAL, SYS_NICE, self, BIT32 | PRIORITY_DEFAULT, 0);
    expect(&t, "nice to priority -1", -EINVAL, SYS_NICE, self, (uint64_t)-1, 0);
    expect(&t, "waitpid for 2^32 - 1 (not -1, any child)", -ECHILD, SYS_WAITPID, BIT32 - 1, 0,
           WAIT_NOHANG);
    expect(&t, "waitpid with flags 2^32 + WAIT_NOHANG", -EINVAL, SYS_WAITPID, (uint64_t)-1, 0,
           BIT32 | WAIT_NOHANG);
    expect(&t, "malloc of 2^63 bytes", -ENOMEM, SYS_MALLOC, 1ULL << 63, 0, 0);
    expect(&t, "malloc of -1 bytes", -ENOMEM, SYS_MALLOC, (uint64_t)-1, 0, 0);
    expect(&t, "free of -1", -EINVAL, SYS_FREE, (uint64_t)-1, 0, 0);
    expect(&t, "read of 2^63 bytes", -EFAULT, SYS_READ, STDIN_FILENO, ubuf, 1ULL << 63);
    expect(&t, "write of -1 bytes", -EFAULT, SYS_WRITE, STDOUT_FILENO, ubuf, (uint64_t)-1);
    expect(&t, "ps of 2^63 entries (negative)", -EINVAL, SYS_PS, ubuf, 1ULL << 63, 0);
    expect(&t, "sems of -1 entries", -EINVAL, SYS_SEMS, ubuf, (uint64_t)-1, 0);
    expect(&t, "sem_open with the value 2^63", -EINVAL, SYS_SEM_OPEN, (uint64_t) "robust.num",
           1ULL << 63, 0);

    char *args[] = {"x"};
    struct chalk_spawn spec = spawn_request_with("robust child", args);
    spec.argc = BIT32 | 1;
    expect(&t, "spawn with 2^32 + 1 arguments", -E2BIG, SYS_SPAWN, (uint64_t)&spec, 0, 0);
    spec.argc = (uint64_t)-1;
    expect(&t, "spawn with -1 arguments", -E2BIG, SYS_SPAWN, (uint64_t)&spec, 0, 0);
    spec = spawn_request_with("robust child", args);
    spec.priority = -1;
    expect(&t, "spawn at priority -1", -EINVAL, SYS_SPAWN, (uint64_t)&spec, 0, 0);
    spec = spawn_request_with("robust child", args);
    spec.stdin_fd = -2;
    expect(&t, "spawn with stdin from fd -2", -EBADF, SYS_SPAWN, (uint64_t)&spec, 0, 0);
    spec = spawn_request_with("robust child", args);
    spec.flags = SPAWN_JOIN_JOB;
    spec.job = -1;
    expect(&t, "spawn joining job -1", -ESRCH, SYS_SPAWN, (uint64_t)&spec, 0, 0);
    spec.job = 0;
    expect(&t, "spawn joining job 0 (the kernel's)", -ESRCH, SYS_SPAWN, (uint64_t)&spec, 0, 0);
    return t.failed;
}

/*
 * exit with a status from the fault band: the parent must not see a fault.
 * The kernel turns it into INT32_MIN (EXIT_FAULT_BASE), the status the
 * runner expects.
 */
int64_t robust_exit_band(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    syscall(SYS_EXIT, EXIT_FAULT(FAULT_NULL_POINTER));
    return 1;
}

/* ---- descriptors ------------------------------------------------------------------- */

/* Closing twice, dup2 onto what is no fd, and a table of one's own. */
int64_t robust_descriptors(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int fds[2];
    expect_result(&t, "pipe", pipe(fds), 0);
    expect_result(&t, "close of the read end", close(fds[0]), 0);
    expect(&t, "close of it again", -EBADF, SYS_CLOSE, fds[0], 0, 0);
    expect(&t, "dup2 from the closed fd", -EBADF, SYS_DUP2, fds[0], fds[1], 0);
    expect(&t, "dup2 onto fd -1", -EBADF, SYS_DUP2, fds[1], (uint64_t)-1, 0);
    expect(&t, "dup2 onto fd 16, past the table", -EBADF, SYS_DUP2, fds[1], 16, 0);
    expect(&t, "dup2 onto INT_MAX", -EBADF, SYS_DUP2, fds[1], INT32_MAX, 0);
    expect(&t, "dup2 of an fd onto itself", fds[1], SYS_DUP2, fds[1], fds[1], 0);
    expect_result(&t, "close of the write end", close(fds[1]), 0);
    expect(&t, "close of it again", -EBADF, SYS_CLOSE, fds[1], 0, 0);

    /*
     * Our own 0, 1 and 2 closed: our writes fail, our parent's still work
     * (its next line says so). Stdout comes back before anything prints.
     */
    int saved = dup2(STDOUT_FILENO, 10);
    expect_result(&t, "dup2 of stdout to fd 10", saved, 10);
    int closed = close(STDIN_FILENO) | close(STDOUT_FILENO) | close(STDERR_FILENO);
    int64_t written = syscall(SYS_WRITE, STDOUT_FILENO, "x", 1);
    dup2(saved, STDOUT_FILENO);
    close(saved);
    expect_result(&t, "close of stdin, stdout and stderr", closed, 0);
    expect_result(&t, "write to the closed stdout", written, -EBADF);
    return t.failed;
}

/* ---- init, the idle task and oneself ------------------------------------------------ */

/*
 * Calls aimed at init (pid 1), the idle task (pid 0), the parent and the
 * caller itself; then kill of itself, which must end it with EXIT_KILLED.
 */
int64_t robust_family(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    const uint64_t self = (uint64_t)getpid(), parent = (uint64_t)getppid();
    /* Without WAIT_NOHANG: a wait that can never end must not begin. */
    expect(&t, "waitpid for itself", -ECHILD, SYS_WAITPID, self, 0, 0);
    expect(&t, "waitpid for its parent", -ECHILD, SYS_WAITPID, parent, 0, 0);
    expect(&t, "waitpid for init", -ECHILD, SYS_WAITPID, 1, 0, 0);
    expect(&t, "waitpid for any child, having none", -ECHILD, SYS_WAITPID, (uint64_t)-1, 0, 0);
    expect(&t, "kill of init", -EPERM, SYS_KILL, 1, 0, 0);
    expect(&t, "block of init", -EPERM, SYS_BLOCK, 1, 0, 0);
    expect(&t, "kill of the idle task", -ESRCH, SYS_KILL, 0, 0, 0);
    expect(&t, "block of the idle task", -ESRCH, SYS_BLOCK, 0, 0, 0);
    expect(&t, "unblock of the idle task", -ESRCH, SYS_UNBLOCK, 0, 0, 0);
    expect(&t, "nice of the idle task", -ESRCH, SYS_NICE, 0, PRIORITY_LOWEST, 0);
    expect(&t, "unblock of itself, not blocked", 0, SYS_UNBLOCK, self, 0, 0);
    expect(&t, "nice of itself", 0, SYS_NICE, self, PRIORITY_DEFAULT, 0);
    if (t.failed)
        return t.failed;
    int64_t result = syscall(SYS_KILL, self);
    check(&t, false, "kill of itself returned", "syscall", result, "no return");
    return t.failed;
}

static int64_t blocks_itself(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return block(getpid()) == 0 ? 0 : 1;
}

/* block of oneself returns once someone unblocks it; killed instead, it dies. */
int64_t robust_block_self(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int pid = robust_start_until(&t, "blocks itself", blocks_itself, SPAWN_INHERIT_FD,
                                 SPAWN_INHERIT_FD, PROC_BLOCKED);
    expect_result(&t, "unblock of it", unblock(pid), 0);
    expect_exit(&t, "its status once unblocked", pid, 0);

    pid = robust_start_until(&t, "blocks itself", blocks_itself, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD,
                             PROC_BLOCKED);
    expect_result(&t, "kill of it", kill(pid), 0);
    expect_killed(&t, "its end", pid);
    return t.failed;
}

/* ---- the terminal ------------------------------------------------------------------- */

/*
 * Starts a job of its own in the foreground, which does the same, and so
 * on until the kernel refuses: exits with the refusal, -errno, passed up
 * the chain.
 */
static int64_t hands_over(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int pid = spawn("hands over", hands_over, 0, NULL, PRIORITY_DEFAULT,
                    SPAWN_NEW_JOB | SPAWN_FOREGROUND, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    int status = -errno;
    if (pid > 0)
        waitpid(pid, &status, 0);
    return status;
}

/*
 * Hand-overs of the terminal nest only so deep: EBUSY past the kernel's
 * bound, and the terminal comes back down the chain. In the background
 * there is nothing to hand over: EPERM at once.
 */
int64_t robust_hand_overs(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    bool foreground = console_raw(false) == 0; /* only the terminal's owner may set its mode */
    expect_result(&t, "the refusal at the end of the chain", hands_over(0, NULL),
                  foreground ? -EBUSY : -EPERM);
    expect_result(&t, "the terminal back with its owner", console_raw(false) == 0, foreground);
    return t.failed;
}

/* ---- semaphores ------------------------------------------------------------------- */

static const char names_sem[] = "robust.names";

static int64_t names_waiter(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return sem_open(names_sem, 0) == 0 && sem_wait(names_sem) == 0 && sem_close(names_sem) == 0 ? 0
                                                                                                : 1;
}

/* Names never opened, closed, or opened by another process only: ENOENT, and no sleep. */
int64_t robust_semaphore_names(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    static const struct {
        const char *what;
        uint64_t call;
    } calls[] = {
        {"sem_wait", SYS_SEM_WAIT}, {"sem_post", SYS_SEM_POST}, {"sem_close", SYS_SEM_CLOSE}};
    char what[96];

    expect_result(&t, "sem_open", sem_open(names_sem, 0), 0);
    expect_result(&t, "sem_close", sem_close(names_sem), 0);
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        snprintf(what, sizeof(what), "%s on a closed name", calls[i].what);
        expect(&t, what, -ENOENT, calls[i].call, (uint64_t)names_sem, 0, 0);
    }

    int pid = robust_start_until(&t, "sem waiter", names_waiter, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD,
                                 PROC_SLEEPING);
    for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
        snprintf(what, sizeof(what), "%s on a name only another process opened", calls[i].what);
        expect(&t, what, -ENOENT, calls[i].call, (uint64_t)names_sem, 0, 0);
    }
    expect_result(&t, "sem_open of it", sem_open(names_sem, 0), 0);
    expect_result(&t, "sem_post of it", sem_post(names_sem), 0);
    expect_exit(&t, "the child's status", pid, 0);
    expect_result(&t, "sem_close", sem_close(names_sem), 0);
    struct chalk_sem_info info = {0};
    check(&t, !find_semaphore(names_sem, &info), "the semaphore after its last close", "syscall",
          info.users, "gone");
    return t.failed;
}

/* ---- flags ------------------------------------------------------------------------- */

#define RFLAGS_DF 0x400   /* string instructions go down */
#define RFLAGS_NT 0x4000  /* nested task: iretq faults while it is set */
#define RFLAGS_AC 0x40000 /* alignment checks; with SMAP, user pages open to the kernel */

/* The asm of call_with_flags; only the instruction that enters the kernel differs. */
#define WITH_FLAGS(enter)                                                                          \
    "sub $128, %%rsp\n"                                                                            \
    "pushfq\n"                                                                                     \
    "or %[flags], (%%rsp)\n"                                                                       \
    "popfq\n" enter "\n"                                                                           \
    "pushfq\n"                                                                                     \
    "pop %[after]\n"                                                                               \
    "pushfq\n"                                                                                     \
    "and %[keep], (%%rsp)\n"                                                                       \
    "popfq\n"                                                                                      \
    "add $128, %%rsp"

/*
 * Makes call n(a1, a2) with flags set in rflags, through `syscall` or
 * int 0x80, as any program may; *after gets the flags as the call left
 * them. The asm steps over the red zone: its pushes must not land on the
 * caller's locals there.
 */
static int64_t call_with_flags(bool int80, uint64_t flags, uint64_t n, uint64_t a1, uint64_t a2,
                               uint64_t *after)
{
    int64_t result;
    if (int80)
        __asm__ volatile(WITH_FLAGS("int $0x80")
                         : "=a"(result), [after] "=&r"(*after)
                         : "a"(n), "D"(a1), "S"(a2), "d"(0), [flags] "r"(flags), [keep] "r"(~flags)
                         : "cc", "memory");
    else
        __asm__ volatile(WITH_FLAGS("syscall")
                         : "=a"(result), [after] "=&r"(*after)
                         : "a"(n), "D"(a1), "S"(a2), "d"(0), [flags] "r"(flags), [keep] "r"(~flags)
                         : "rcx", "r11", "cc", "memory");
    return result;
}

static const char flags_sem[] = "robust.flags";

/* Waits on flags_sem through int 0x80: it leaves the kernel by iretq. */
static int64_t int80_waiter(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    if (sem_open(flags_sem, 0) < 0)
        return 1;
    int64_t result = syscall_int80(SYS_SEM_WAIT, flags_sem);
    sem_close(flags_sem);
    return result;
}

/*
 * Direction, nested-task and alignment-check flags set around calls that
 * copy to the caller and that switch away: each call must work, and the
 * flags come back as the program set them (they are its own). Then a
 * switch made with NT set, to a process that leaves the kernel by iretq.
 */
int64_t robust_flags(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    static const uint64_t flag_sets[] = {RFLAGS_DF, RFLAGS_NT, RFLAGS_AC,
                                         RFLAGS_DF | RFLAGS_NT | RFLAGS_AC};
    for (size_t w = 0; w < 2; w++) {
        bool int80 = syscall_ways[w].call == chalk_syscall_int80;
        for (size_t i = 0; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
            uint64_t flags = flag_sets[i], after;
            struct chalk_mem_stats mem = {0};
            char what[96];
            snprintf(what, sizeof(what), "memstats with flags %#lx", (unsigned long)flags);
            check(&t, call_with_flags(int80, flags, SYS_MEMSTATS, (uint64_t)&mem, 0, &after) == 0,
                  what, syscall_ways[w].name, (int64_t)mem.frames_total, "0, and the figures");
            check(&t, (after & flags) == flags && mem.frames_total > 0, what, syscall_ways[w].name,
                  (int64_t)after, "its flags back");
            snprintf(what, sizeof(what), "sleep 1 ms with flags %#lx", (unsigned long)flags);
            check(&t,
                  call_with_flags(int80, flags, SYS_SLEEP, 1, 0, &after) == 0 &&
                      (after & flags) == flags,
                  what, syscall_ways[w].name, (int64_t)after, "0, and its flags back");
        }
    }

    expect_result(&t, "sem_open", sem_open(flags_sem, 0), 0);
    int pid = robust_start_until(&t, "int 0x80 waiter", int80_waiter, SPAWN_INHERIT_FD,
                                 SPAWN_INHERIT_FD, PROC_SLEEPING);
    expect_result(&t, "sem_post", sem_post(flags_sem), 0);
    /* Our wait switches to the child, woken and ready, with NT set in the kernel's flags. */
    uint64_t after;
    int status = -1;
    expect_result(&t, "waitpid with NT set",
                  call_with_flags(false, RFLAGS_NT, SYS_WAITPID, pid, (uint64_t)&status, &after),
                  pid);
    expect_result(&t, "the child's status", status, 0);
    expect_result(&t, "sem_close", sem_close(flags_sem), 0);
    return t.failed;
}
