/*
 * test syscalls, continued: pipes and semaphores. Bad arguments go through
 * both entries (expect); the calls that change state are made once, and
 * their effects checked: bytes come out of a pipe as they went in, end of
 * file and EPIPE come exactly when the last end of the other side closes,
 * dup2 keeps an end open, sleepers on a semaphore wake in the order they
 * came, a killed sleeper leaves the queue, and a process cannot use a
 * semaphore it has not opened.
 */
#include <chalk.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/checks.h"

#define SEM_WAITERS 3

static int64_t raw_pipe(int fds[2])
{
    return syscall(SYS_PIPE, fds);
}

/* --- pipes ------------------------------------------------------------------ */

static void bad_pipe_calls(struct tally *t)
{
    expect(t, "pipe into NULL", -EFAULT, SYS_PIPE, 0, 0, 0);
    expect(t, "pipe into the kernel", -EFAULT, SYS_PIPE, KERNEL_IMAGE, 0, 0);
    expect(t, "pipe into unmapped memory", -EFAULT, SYS_PIPE, UNMAPPED_HIGH, 0, 0);
    expect(t, "pipe into code", -EFAULT, SYS_PIPE, (uint64_t)bad_pipe_calls, 0, 0);
    struct chalk_pipe_info info[2];
    expect(t, "pipes into the kernel", -EFAULT, SYS_PIPES, KERNEL_IMAGE, 2, 0);
    expect(t, "pipes of 0 entries", -EINVAL, SYS_PIPES, (uint64_t)info, 0, 0);
    expect(t, "pipes of -1 entries", -EINVAL, SYS_PIPES, (uint64_t)info, (uint64_t)-1, 0);
}

static void pipe_round_trip(struct tally *t)
{
    int fds[2];
    expect_result(t, "pipe", raw_pipe(fds), 0);
    check(t, fds[0] >= 3 && fds[1] >= 3 && fds[0] != fds[1], "pipe's two fds", "syscall", fds[0],
          "two new fds");
    expect_result(t, "write 5 bytes into a pipe", write(fds[1], "hello", 5), 5);
    struct chalk_pipe_info info = {0};
    check(t, newest_pipe(&info) && info.buffered == 5 && info.readers == 1 && info.writers == 1,
          "pipes lists 5 bytes, 1 reader, 1 writer", "syscall", info.buffered, "5");
    expect_result(t, "write into the read end", syscall(SYS_WRITE, fds[0], "x", 1), -EBADF);
    char buf[16];
    expect_result(t, "read from the write end", syscall(SYS_READ, fds[1], buf, 1), -EBADF);
    memset(buf, 0, sizeof(buf));
    expect_result(t, "read 16 from a pipe holding 5", read(fds[0], buf, sizeof(buf)), 5);
    check(t, memcmp(buf, "hello", 5) == 0, "bytes out of the pipe", "syscall", buf[0], "hello");

    /* dup2 keeps the write end open after the original fd is closed. */
    expect_result(t, "dup2 of the write end to fd 10", dup2(fds[1], 10), 10);
    expect_result(t, "close the write end", close(fds[1]), 0);
    expect_result(t, "write through the copy", write(10, "ab", 2), 2);
    expect_result(t, "close the copy", close(10), 0);
    expect_result(t, "read what the copy wrote", read(fds[0], buf, sizeof(buf)), 2);
    expect_result(t, "read with every write end closed (EOF)", read(fds[0], buf, 1), 0);
    expect_result(t, "close the read end", close(fds[0]), 0);
    expect_result(t, "close it again", syscall(SYS_CLOSE, fds[0]), -EBADF);

    expect_result(t, "pipe", raw_pipe(fds), 0);
    expect_result(t, "close the read end first", close(fds[0]), 0);
    expect_result(t, "write with no reader", syscall(SYS_WRITE, fds[1], "x", 1), -EPIPE);
    close(fds[1]);
}

/* A child that writes its argument into its stdout (a pipe) and ends. */
static int64_t pipe_writer(uint64_t argc, char *argv[])
{
    if (argc != 1)
        return 1;
    size_t len = strlen(argv[0]);
    return write(STDOUT_FILENO, argv[0], len) == (ssize_t)len ? 0 : 1;
}

/* A pipe into a child's stdout: its bytes, then EOF once it has ended. */
static void pipe_from_child(struct tally *t)
{
    int fds[2];
    if (pipe(fds) < 0) {
        check(t, false, "pipe for a child", "syscall", -errno, "0");
        return;
    }
    char *args[] = {"through a pipe"};
    int child =
        spawn("pipe writer", pipe_writer, 1, args, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD, fds[1]);
    close(fds[1]); /* else our own copy keeps the pipe from ever ending */
    check(t, child > 0, "spawn a writer into a pipe", "syscall", child, "a pid");
    char buf[64];
    size_t got = 0;
    ssize_t n;
    while ((n = read(fds[0], buf + got, sizeof(buf) - 1 - got)) > 0)
        got += (size_t)n;
    buf[got] = '\0';
    check(t, strcmp(buf, "through a pipe") == 0, "what the child wrote, then EOF", "syscall",
          (int64_t)got, "14 bytes");
    close(fds[0]);
    if (child > 0)
        waitpid(child, NULL, 0);
}

/* A child that reads its stdin to the end: exits with the count. */
static int64_t pipe_reader(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    char buf[64];
    int64_t total = 0;
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
        total += n;
    return n < 0 ? -1 : total;
}

/*
 * FD_CLOSE_ON_SPAWN: the child gets the read end as its stdin and nothing
 * else of the pipe, so closing our write end is its end of file. (Had it
 * inherited the write end, it would wait for itself forever.)
 */
static void pipe_close_on_spawn(struct tally *t)
{
    expect(t, "pipe with an unknown flag", -EINVAL, SYS_PIPE, 0, 1u << 7, 0);
    int fds[2];
    if (pipe2(fds, FD_CLOSE_ON_SPAWN) < 0) {
        check(t, false, "pipe2 with FD_CLOSE_ON_SPAWN", "syscall", -errno, "0");
        return;
    }
    int child =
        spawn("pipe reader", pipe_reader, 0, NULL, PRIORITY_DEFAULT, 0, fds[0], SPAWN_INHERIT_FD);
    check(t, child > 0, "spawn a reader of a close-on-spawn pipe", "syscall", child, "a pid");
    struct chalk_pipe_info info = {0};
    check(t, newest_pipe(&info) && info.readers == 2 && info.writers == 1,
          "the child holds the read end only", "syscall", info.writers, "2 readers, 1 writer");
    close(fds[0]);
    expect_result(t, "write 3 bytes to the child", write(fds[1], "abc", 3), 3);
    close(fds[1]);
    int status = -1;
    if (child > 0)
        waitpid(child, &status, 0);
    expect_result(t, "bytes the child read before end of file", status, 3);
}

/* A table of 16 fds holds 3 + 6 pipes; the 7th must fail cleanly and leak nothing. */
static void pipe_fd_exhaustion(struct tally *t)
{
    int fds[8][2];
    int made = 0;
    int64_t result;
    while (made < 8 && (result = raw_pipe(fds[made])) == 0)
        made++;
    expect_result(t, "pipes until the fd table is full", made, 6);
    expect_result(t, "pipe with one free fd", result, -EMFILE);
    for (int i = 0; i < made; i++) {
        close(fds[i][0]);
        close(fds[i][1]);
    }
    struct chalk_pipe_info info[16];
    expect_result(t, "pipes left after closing them all", pipes(info, 16), 0);
}

void check_pipe_calls(struct tally *t)
{
    bad_pipe_calls(t);
    pipe_round_trip(t);
    pipe_from_child(t);
    pipe_close_on_spawn(t);
    pipe_fd_exhaustion(t);
}

/* --- semaphores ---------------------------------------------------------------- */

static void bad_semaphore_calls(struct tally *t)
{
    static const uint64_t name_calls[] = {SYS_SEM_WAIT, SYS_SEM_POST, SYS_SEM_CLOSE};
    char too_long[SEM_NAME_MAX + 1];
    memset(too_long, 'n', SEM_NAME_MAX);
    too_long[SEM_NAME_MAX] = '\0';

    expect(t, "sem_open with a NULL name", -EFAULT, SYS_SEM_OPEN, 0, 1, 0);
    expect(t, "sem_open with a name in the kernel", -EFAULT, SYS_SEM_OPEN, KERNEL_IMAGE, 1, 0);
    expect(t, "sem_open with an unmapped name", -EFAULT, SYS_SEM_OPEN, UNMAPPED_HIGH, 1, 0);
    expect(t, "sem_open with an empty name", -EINVAL, SYS_SEM_OPEN, (uint64_t) "", 1, 0);
    expect(t, "sem_open with a 32-byte name", -ENAMETOOLONG, SYS_SEM_OPEN, (uint64_t)too_long, 1,
           0);
    expect(t, "sem_open with a value above SEM_VALUE_MAX", -EINVAL, SYS_SEM_OPEN, (uint64_t) "tsys",
           (uint64_t)SEM_VALUE_MAX + 1, 0);
    expect(t, "sem_open with the value -1", -EINVAL, SYS_SEM_OPEN, (uint64_t) "tsys", (uint64_t)-1,
           0);
    expect(t, "sem_open at 2^32 (not cut to 0)", -EINVAL, SYS_SEM_OPEN, (uint64_t) "tsys",
           1ULL << 32, 0);
    expect(t, "sem_wait with a 32-byte name", -ENAMETOOLONG, SYS_SEM_WAIT, (uint64_t)too_long, 0,
           0);
    expect(t, "sem_post with an empty name", -EINVAL, SYS_SEM_POST, (uint64_t) "", 0, 0);
    for (size_t i = 0; i < sizeof(name_calls) / sizeof(name_calls[0]); i++) {
        char what[64];
        snprintf(what, sizeof(what), "semaphore call %lu on an unknown name",
                 (unsigned long)name_calls[i]);
        expect(t, what, -ENOENT, name_calls[i], (uint64_t) "tsys.none", 0, 0);
        snprintf(what, sizeof(what), "semaphore call %lu with a name in the kernel",
                 (unsigned long)name_calls[i]);
        expect(t, what, -EFAULT, name_calls[i], KERNEL_IMAGE, 0, 0);
    }
    struct chalk_sem_info info[2];
    expect(t, "sems into the kernel", -EFAULT, SYS_SEMS, KERNEL_IMAGE, 2, 0);
    expect(t, "sems of 0 entries", -EINVAL, SYS_SEMS, (uint64_t)info, 0, 0);
    expect(t, "sems of -1 entries", -EINVAL, SYS_SEMS, (uint64_t)info, (uint64_t)-1, 0);
    expect(t, "sems into NULL", -EFAULT, SYS_SEMS, 0, 2, 0);
}

/* The order sem_waiters woke in: every process shares these globals. */
static int woken_order[SEM_WAITERS];
static int woken_count;

/* A child: opens argv[0] and waits on it; records argv[1] once it gets the unit. */
static int64_t sem_waiter(uint64_t argc, char *argv[])
{
    if (argc != 2 || sem_open(argv[0], 0) < 0 || sem_wait(argv[0]) < 0)
        return 1;
    woken_order[woken_count++] = argv[1][0] - '0';
    return sem_close(argv[0]) < 0;
}

/* A child that posts argv[0] without opening it: exits with the raw result. */
static int64_t sem_post_unopened(uint64_t argc, char *argv[])
{
    return argc == 1 ? syscall(SYS_SEM_POST, argv[0]) : 1;
}

static int start_waiter(const char *name, int index)
{
    char digit[2] = {(char)('0' + index), '\0'};
    char *args[] = {(char *)name, digit};
    return spawn("sem waiter", sem_waiter, 2, args, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD,
                 SPAWN_INHERIT_FD);
}

static void semaphore_basics(struct tally *t)
{
    const char *name = "tsys.basic";
    struct chalk_sem_info info = {0};
    expect_result(t, "sem_open with 2", sem_open(name, 2), 0);
    expect_result(t, "sem_open again (already open)", sem_open(name, 7), 0);
    expect_result(t, "sem_wait with 2", sem_wait(name), 0);
    expect_result(t, "sem_wait with 1", sem_wait(name), 0);
    expect_result(t, "sem_post", sem_post(name), 0);
    check(t, find_semaphore(name, &info) && info.value == 1 && info.users == 1 && info.waiting == 0,
          "sems shows value 1, 1 user, none waiting", "syscall", info.value, "1");

    char *args[] = {(char *)name};
    int child = spawn("sem poster", sem_post_unopened, 1, args, PRIORITY_DEFAULT, 0,
                      SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    int status = 0;
    if (child > 0)
        waitpid(child, &status, 0);
    expect_result(t, "sem_post by a process that did not open it", status, -ENOENT);

    expect_result(t, "sem_close", sem_close(name), 0);
    check(t, !find_semaphore(name, &info), "semaphore gone after its last close", "syscall", 0,
          "no entry");
    expect_result(t, "sem_close again", syscall(SYS_SEM_CLOSE, name), -ENOENT);
    expect_result(t, "sem_post after close", syscall(SYS_SEM_POST, name), -ENOENT);

    expect_result(t, "sem_open at SEM_VALUE_MAX", sem_open(name, SEM_VALUE_MAX), 0);
    expect_result(t, "sem_post past SEM_VALUE_MAX", syscall(SYS_SEM_POST, name), -EOVERFLOW);
    sem_close(name);
}

/* Sleepers wake in the order they fell asleep, one per post. */
static void semaphore_fifo(struct tally *t)
{
    const char *name = "tsys.fifo";
    expect_result(t, "sem_open with 0", sem_open(name, 0), 0);
    woken_count = 0;
    int pids[SEM_WAITERS];
    for (int i = 0; i < SEM_WAITERS; i++) {
        pids[i] = start_waiter(name, i);
        check(t, pids[i] > 0 && wait_for_state(pids[i], PROC_SLEEPING), "a waiter falls asleep",
              "syscall", pids[i], "a sleeping child");
    }
    struct chalk_sem_info info = {0};
    check(t,
          find_semaphore(name, &info) && info.waiting == SEM_WAITERS &&
              info.waiters[0] == pids[0] && info.waiters[2] == pids[2],
          "sems lists the waiters in order", "syscall", info.waiting, "3, oldest first");
    for (int i = 0; i < SEM_WAITERS; i++) {
        sem_post(name);
        if (pids[i] > 0)
            waitpid(pids[i], NULL, 0);
    }
    check(t,
          woken_count == SEM_WAITERS && woken_order[0] == 0 && woken_order[1] == 1 &&
              woken_order[2] == 2,
          "waiters woke first come, first served", "syscall", woken_count, "0, 1, 2");
    check(t, find_semaphore(name, &info) && info.value == 0 && info.users == 1,
          "value 0 and one user after the hand-offs", "syscall", info.value, "0");
    sem_close(name);
}

/* A waiter that is killed leaves the queue and the users. */
static void semaphore_killed_waiter(struct tally *t)
{
    const char *name = "tsys.kill";
    expect_result(t, "sem_open with 0", sem_open(name, 0), 0);
    int pid = start_waiter(name, 0);
    check(t, pid > 0 && wait_for_state(pid, PROC_SLEEPING), "a waiter falls asleep", "syscall", pid,
          "a sleeping child");
    expect_result(t, "kill the waiter", kill(pid), 0);
    int status = 0;
    if (pid > 0) /* it unwinds its sem_wait and dies when it next runs: wait for that */
        waitpid(pid, &status, 0);
    expect_result(t, "the killed waiter's status", status, EXIT_KILLED);
    struct chalk_sem_info info = {0};
    check(t, find_semaphore(name, &info) && info.waiting == 0 && info.users == 1,
          "killed waiter gone from the semaphore", "syscall", info.waiting, "0 waiting, 1 user");
    expect_result(t, "sem_post after the kill", sem_post(name), 0);
    check(t, find_semaphore(name, &info) && info.value == 1, "the unit is not lost", "syscall",
          info.value, "1");
    sem_close(name);
}

void check_semaphore_calls(struct tally *t)
{
    bad_semaphore_calls(t);
    semaphore_basics(t);
    semaphore_fifo(t);
    semaphore_killed_waiter(t);
}
