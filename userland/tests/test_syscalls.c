/*
 * test syscalls: the system-call boundary under bad input.
 *
 * A kernel must treat everything that comes from user space as hostile:
 * numbers it does not know, pointers into its own half or into nothing,
 * lengths that wrap around, descriptors and pids that do not exist. Each
 * such call must fail with the right error and leave the kernel and this
 * process running. Every call is made twice, through `syscall` and through
 * `int 0x80`, and both must give the expected result, so the two entry
 * paths are checked against each other too.
 *
 * Only failures print (FAIL: what [entry]: got X, expected Y); the last line
 * counts the checks. Around everything, the heap must end as it started:
 * no block may leak from a call that failed.
 */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/checks.h"
#include "tests/tests.h"

/* The child of the spawn checks: it ends at once. */
static int64_t exit_at_once(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return 0;
}

static void unknown_calls(struct tally *t)
{
    expect(t, "call 9999", -ENOSYS, 9999, 0, 0, 0);
    expect(t, "call -1", -ENOSYS, (uint64_t)-1, 0, 0, 0);
    expect(t, "call SYS_COUNT", -ENOSYS, SYS_COUNT, 0, 0, 0);
    /* A kernel that looked only at eax would run getpid. */
    expect(t, "call 1 << 32 | SYS_GETPID", -ENOSYS, (1ULL << 32) | SYS_GETPID, 0, 0, 0);
}

/* Buffers the kernel must refuse to read from or write to. */
static void bad_buffers(struct tally *t)
{
    char buf[16];
    memset(buf, '.', sizeof(buf)); /* what a kernel that wrote part of it anyway would show */
    const uint64_t user = (uint64_t)buf;
    const struct {
        const char *what;
        uint64_t address, length;
    } bad[] = {
        {"the kernel's image", KERNEL_IMAGE, sizeof(buf)},
        {"the start of the kernel's half", KERNEL_HALF, sizeof(buf)},
        {"the first page", UNMAPPED_LOW, sizeof(buf)},
        {"an unmapped address", UNMAPPED_HIGH, sizeof(buf)},
        {"a buffer running into the kernel's half", user, KERNEL_HALF - user + sizeof(buf)},
        {"a buffer wrapping around the address space", user, 0 - user + sizeof(buf)},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        char what[96];
        snprintf(what, sizeof(what), "write from %s", bad[i].what);
        expect(t, what, -EFAULT, SYS_WRITE, STDOUT_FILENO, bad[i].address, bad[i].length);
        snprintf(what, sizeof(what), "read into %s", bad[i].what);
        expect(t, what, -EFAULT, SYS_READ, STDIN_FILENO, bad[i].address, bad[i].length);
    }
}

static void bad_descriptors(struct tally *t)
{
    static const int bad[] = {-1, 64, 1000};
    char buf[1] = {'x'};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int fd = bad[i];
        char what[64];
        snprintf(what, sizeof(what), "write to fd %d", fd);
        expect(t, what, -EBADF, SYS_WRITE, fd, (uint64_t)buf, sizeof(buf));
        snprintf(what, sizeof(what), "read from fd %d", fd);
        expect(t, what, -EBADF, SYS_READ, fd, (uint64_t)buf, sizeof(buf));
        snprintf(what, sizeof(what), "close fd %d", fd);
        expect(t, what, -EBADF, SYS_CLOSE, fd, 0, 0);
        snprintf(what, sizeof(what), "dup2 from fd %d", fd);
        expect(t, what, -EBADF, SYS_DUP2, fd, STDOUT_FILENO, 0);
        snprintf(what, sizeof(what), "dup2 to fd %d", fd);
        expect(t, what, -EBADF, SYS_DUP2, STDOUT_FILENO, fd, 0);
    }
}

static void bad_pids(struct tally *t)
{
    static const int bad[] = {0, -5, NO_SUCH_PID};
    static const struct {
        const char *name;
        uint64_t n;
    } calls[] = {
        {"kill", SYS_KILL}, {"nice", SYS_NICE}, {"block", SYS_BLOCK}, {"unblock", SYS_UNBLOCK}};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
            char what[64];
            snprintf(what, sizeof(what), "%s pid %d", calls[c].name, bad[i]);
            /* The priority matters to nice only, and is a valid one. */
            expect(t, what, -ESRCH, calls[c].n, bad[i], PRIORITY_DEFAULT, 0);
        }
    }
    int self = getpid();
    expect(t, "nice to priority 7", -EINVAL, SYS_NICE, self, 7, 0);
    expect(t, "nice to priority -1", -EINVAL, SYS_NICE, self, -1, 0);
    expect(t, "nice to one below the lowest", -EINVAL, SYS_NICE, self, PRIORITY_LOWEST + 1, 0);
}

/* A request that would start exit_at_once; each check spoils one field. */
static struct chalk_spawn good_spawn(void)
{
    return (struct chalk_spawn){
        .entry = (uint64_t)process_start,
        .arg = (uint64_t)exit_at_once,
        .name = "test child",
        .priority = PRIORITY_DEFAULT,
        .stdin_fd = SPAWN_INHERIT_FD,
        .stdout_fd = SPAWN_INHERIT_FD,
    };
}

static void expect_spawn(struct tally *t, const char *what, int64_t want, int64_t or_want,
                         const struct chalk_spawn *spec)
{
    expect_either(t, what, want, or_want, SYS_SPAWN, (uint64_t)spec, 0, 0);
}

static void bad_spawns(struct tally *t)
{
    expect(t, "spawn with a NULL request", -EFAULT, SYS_SPAWN, 0, 0, 0);
    expect(t, "spawn with a request in the kernel", -EFAULT, SYS_SPAWN, KERNEL_IMAGE, 0, 0);
    expect(t, "spawn with an unmapped request", -EFAULT, SYS_SPAWN, UNMAPPED_HIGH, 0, 0);

    struct chalk_spawn spec = good_spawn();
    spec.entry = 0;
    expect_spawn(t, "spawn with entry 0", -EFAULT, -EFAULT, &spec);
    spec.entry = KERNEL_IMAGE;
    expect_spawn(t, "spawn with an entry in the kernel", -EFAULT, -EFAULT, &spec);

    char word[] = "x";
    char *many[SPAWN_MAX_ARGS + 1];
    for (size_t i = 0; i < SPAWN_MAX_ARGS + 1; i++)
        many[i] = word;
    spec = good_spawn();
    spec.argc = SPAWN_MAX_ARGS + 1;
    spec.argv = many;
    expect_spawn(t, "spawn with too many arguments", -E2BIG, -EINVAL, &spec);

    char long_word[SPAWN_MAX_ARGLEN + 1];
    memset(long_word, 'x', SPAWN_MAX_ARGLEN);
    long_word[SPAWN_MAX_ARGLEN] = '\0';
    char *long_argv[] = {long_word};
    spec.argc = 1;
    spec.argv = long_argv;
    expect_spawn(t, "spawn with an argument too long", -E2BIG, -EINVAL, &spec);

    spec.argv = (char *const *)KERNEL_HALF;
    expect_spawn(t, "spawn with argv in the kernel", -EFAULT, -EFAULT, &spec);
    char *kernel_word[] = {(char *)KERNEL_IMAGE};
    spec.argv = kernel_word;
    expect_spawn(t, "spawn with an argument in the kernel", -EFAULT, -EFAULT, &spec);

    spec = good_spawn();
    spec.name = (const char *)KERNEL_IMAGE;
    expect_spawn(t, "spawn with a name in the kernel", -EFAULT, -EFAULT, &spec);

    spec = good_spawn();
    spec.priority = 9;
    expect_spawn(t, "spawn at priority 9", -EINVAL, -EINVAL, &spec);
    spec.priority = -1;
    expect_spawn(t, "spawn at priority -1", -EINVAL, -EINVAL, &spec);

    spec = good_spawn();
    spec.flags = SPAWN_FOREGROUND;
    expect_spawn(t, "spawn in the foreground without a job", -EINVAL, -EINVAL, &spec);
    spec.flags = 1u << 31;
    expect_spawn(t, "spawn with an unknown flag", -EINVAL, -EINVAL, &spec);
    spec.flags = SPAWN_JOIN_JOB | SPAWN_NEW_JOB;
    expect_spawn(t, "spawn joining a job and starting one", -EINVAL, -EINVAL, &spec);
    spec.flags = SPAWN_JOIN_JOB;
    spec.job = NO_SUCH_PID;
    expect_spawn(t, "spawn joining a job that does not exist", -ESRCH, -ESRCH, &spec);
    spec.job = 1;
    expect_spawn(t, "spawn joining init's job (not led by a child)", -ESRCH, -ESRCH, &spec);

    spec = good_spawn();
    spec.stdin_fd = 1000;
    expect_spawn(t, "spawn with stdin from fd 1000", -EBADF, -EBADF, &spec);
    spec = good_spawn();
    spec.stdout_fd = 64;
    expect_spawn(t, "spawn with stdout to fd 64", -EBADF, -EBADF, &spec);
}

static void bad_waits(struct tally *t)
{
    expect(t, "waitpid for init, not a child", -ECHILD, SYS_WAITPID, 1, 0, WAIT_NOHANG);
    expect(t, "waitpid for a pid that does not exist", -ECHILD, SYS_WAITPID, NO_SUCH_PID, 0,
           WAIT_NOHANG);
    expect(t, "waitpid for any child, with none", -ECHILD, SYS_WAITPID, (uint64_t)-1, 0,
           WAIT_NOHANG);

    int child = spawn("test child", exit_at_once, 0, NULL, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD,
                      SPAWN_INHERIT_FD);
    check(t, child > 0, "spawn of a child that exits at once", "syscall", child, "a pid");
    if (child <= 0)
        return;
    /* A refused status pointer must leave the child to be waited for again. */
    expect(t, "waitpid with status in the kernel", -EFAULT, SYS_WAITPID, child, KERNEL_IMAGE, 0);
    expect(t, "waitpid with status unmapped", -EFAULT, SYS_WAITPID, child, UNMAPPED_LOW, 0);
    int status = -1;
    int reaped = waitpid(child, &status, 0);
    check(t, reaped == child, "waitpid after the refused ones", "syscall", reaped, "the child");
    check(t, status == 0, "the child's exit status", "syscall", status, "0");
}

/* The child of the kill-and-block check: asleep inside a call until it is killed. */
static int64_t sleep_long(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    sleep_ms(60000);
    return 0;
}

/*
 * A process killed inside a call dies on its way out of the call. A block
 * before it gets there must not stop it for good: fuzz once left such a
 * process blocked forever, and its parent waiting for it with it.
 */
static void killed_then_blocked(struct tally *t)
{
    int child = spawn("test child", sleep_long, 0, NULL, PRIORITY_LOWEST, 0, SPAWN_INHERIT_FD,
                      SPAWN_INHERIT_FD);
    check(t, child > 0, "spawn of a child that sleeps", "syscall", child, "a pid");
    if (child <= 0)
        return;
    sleep_ms(20); /* it runs, and falls asleep in its call */
    expect_result(t, "kill of a sleeping child", syscall(SYS_KILL, child), 0);
    expect(t, "block of a killed child, not dead yet", -ESRCH, SYS_BLOCK, child, 0, 0);
    /* Killed while we were not waiting: the kernel reaps it at once, so it is gone (ECHILD). */
    int64_t ended = 0;
    for (int tries = 0; tries < 100 && ended == 0; tries++) {
        sleep_ms(10);
        ended = syscall(SYS_WAITPID, child, 0, WAIT_NOHANG);
    }
    check(t, ended == -ECHILD, "the killed child's end", "syscall", ended, "-ECHILD: gone");
    if (ended == 0) { /* still there: let it go, so the test leaves nothing behind */
        unblock(child);
        waitpid(child, NULL, 0);
    }
}

static void bad_memory_calls(struct tally *t)
{
    expect(t, "ps into the kernel", -EFAULT, SYS_PS, KERNEL_IMAGE, 4, 0);
    expect(t, "ps into the first page", -EFAULT, SYS_PS, UNMAPPED_LOW, 4, 0);
    expect(t, "memstats into NULL", -EFAULT, SYS_MEMSTATS, 0, 0, 0);
    expect(t, "memstats into the kernel", -EFAULT, SYS_MEMSTATS, KERNEL_IMAGE, 0, 0);
    expect(t, "memstats unmapped", -EFAULT, SYS_MEMSTATS, UNMAPPED_HIGH, 0, 0);

    expect(t, "malloc(1 << 40)", -ENOMEM, SYS_MALLOC, HUGE_ALLOCATION, 0, 0);
    for (size_t i = 0; i < 2; i++) {
        int64_t got = syscall_ways[i].call(SYS_MALLOC, 0, 0, 0, 0, 0, 0);
        check(t, got == 0 || syscall_failed(got), "malloc(0)", syscall_ways[i].name, got,
              "0 or an error");
        if (got > 0)
            syscall(SYS_FREE, got);
    }

    expect(t, "free of code", -EINVAL, SYS_FREE, (uint64_t)test_syscalls, 0, 0);
    expect(t, "free of an unmapped address", -EINVAL, SYS_FREE, UNMAPPED_HIGH, 0, 0);
    int64_t block = syscall(SYS_MALLOC, 64);
    check(t, !syscall_failed(block) && block != 0, "malloc(64)", "syscall", block, "an address");
    if (syscall_failed(block) || block == 0)
        return;
    expect(t, "free of the middle of a block", -EINVAL, SYS_FREE, (uint64_t)block + 8, 0, 0);
    int64_t freed = syscall(SYS_FREE, block);
    check(t, freed == 0, "free of a block", "syscall", freed, "0");
    expect(t, "a second free of the block", -EINVAL, SYS_FREE, (uint64_t)block, 0, 0);
}

/* Calls that must work, with the same results through both entries. */
static void good_calls(struct tally *t)
{
    int self = getpid();
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    check(t, procs != NULL, "ps", "syscall", procs ? count : -1, "the process table");
    const struct chalk_proc_info *me = NULL;
    for (int i = 0; procs && i < count; i++) {
        if (procs[i].pid == self)
            me = &procs[i];
    }
    check(t, me != NULL, "getpid is in ps", "syscall", self, "a pid ps lists");
    if (me) {
        expect(t, "getpid", me->pid, SYS_GETPID, 0, 0, 0);
        expect(t, "getppid", me->ppid, SYS_GETPPID, 0, 0, 0);
        check(t, me->state == PROC_RUNNING, "own state in ps", "syscall", me->state,
              "PROC_RUNNING");
    }
    free(procs);

    char buf[1] = {'x'};
    expect(t, "write of 0 bytes", 0, SYS_WRITE, STDOUT_FILENO, (uint64_t)buf, 0);
    expect(t, "sleep 0 ms", 0, SYS_SLEEP, 0, 0, 0);
    expect(t, "yield", 0, SYS_YIELD, 0, 0, 0);
    struct chalk_mem_stats stats;
    expect(t, "memstats", 0, SYS_MEMSTATS, (uint64_t)&stats, 0, 0);

    int64_t before = syscall(SYS_UPTIME);
    int64_t during = syscall_int80(SYS_UPTIME);
    int64_t after = syscall(SYS_UPTIME);
    check(t, before <= during && during <= after, "uptime never goes back", "int 0x80", during,
          "between the two syscall readings");

    enum { SIZE = 4096, PATTERN = 0x5A };
    unsigned char *p = malloc(SIZE);
    check(t, p != NULL, "malloc(4096)", "syscall", (int64_t)(uintptr_t)p, "an address");
    if (p) {
        memset(p, PATTERN, SIZE);
        size_t intact = 0;
        while (intact < SIZE && p[intact] == PATTERN)
            intact++;
        check(t, intact == SIZE, "bytes of a malloc'd block that keep what was written", "syscall",
              (int64_t)intact, "4096");
        free(p);
    }
}

/* Nothing this test allocated, or asked the kernel to, may remain in the heap. */
static void check_no_leak(struct tally *t, const struct chalk_mem_stats *before)
{
    struct chalk_mem_stats after;
    int got = memstats(&after);
    check(t, got == 0, "memstats after the test", "syscall", got, "0");
    if (got < 0)
        return;
    check(t, after.mine_bytes == before->mine_bytes, "heap bytes held after the test", "syscall",
          (int64_t)after.mine_bytes, "as many as before");
    check(t, after.mine_blocks == before->mine_blocks, "heap blocks held after the test", "syscall",
          (int64_t)after.mine_blocks, "as many as before");
}

int64_t test_syscalls(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0) {
        fprintf(stderr, "usage: test syscalls\n");
        return 2;
    }
    struct tally t = {0};
    struct chalk_mem_stats before;
    int got = memstats(&before);
    check(&t, got == 0, "memstats before the test", "syscall", got, "0");

    unknown_calls(&t);
    bad_buffers(&t);
    bad_descriptors(&t);
    bad_pids(&t);
    bad_spawns(&t);
    bad_waits(&t);
    killed_then_blocked(&t);
    bad_memory_calls(&t);
    check_pipe_calls(&t);
    check_semaphore_calls(&t);
    good_calls(&t);
    if (got == 0)
        check_no_leak(&t, &before);

    printf("test syscalls: %d passed, %d failed\n", t.passed, t.failed);
    return t.failed;
}
