/*
 * test semaphores: the kernel's named semaphores against their contract
 * (kernel/sync/semaphore.h, docs/sync.md).
 *
 * The parent drives child processes that open, wait and post, and watches
 * the kernel's side through the sems listing: who waits, in which order,
 * with what value. The orderings are made certain rather than likely: the
 * parent waits until the listing shows a child queued before it goes on,
 * and a child that must not run yet is blocked, so no check depends on the
 * timer. Each semaphore's name carries the parent's pid, so two runs at once
 * do not meet (except at "table full", which fills the table for everyone).
 *
 * Failures print one line each; the last line is "test semaphores: OK" or
 * "test semaphores: FAILED (...)", and the exit status counts the failures.
 */
#include <chalk.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/checks.h"
#include "tests/tests.h"

#define TIMEOUT_MS     2000 /* for anything the test waits for */
#define SEMS_IN_KERNEL 128  /* the table's size (docs/syscalls.md, sem_open's ENOSPC) */

/* "t<pid>-<what>": a name no other run uses. */
static void sem_name(char *name, const char *what)
{
    snprintf(name, SEM_NAME_MAX, "t%d-%s", getpid(), what);
}

/* Waits until count processes are queued on name; false after the timeout. */
static bool wait_queued(const char *name, int count)
{
    uint64_t deadline = uptime_ms() + TIMEOUT_MS;
    struct chalk_sem_info info = {0};
    while (!find_semaphore(name, &info) || info.waiting != count) {
        if (uptime_ms() > deadline)
            return false;
        sleep_ms(1);
    }
    return true;
}

/* A child: opens argv[0] at 0 and waits on it once; the status is the error, if any. */
static int64_t waiter(uint64_t argc, char *argv[])
{
    (void)argc;
    int64_t err = syscall(SYS_SEM_OPEN, argv[0], 0);
    if (err == 0)
        err = syscall(SYS_SEM_WAIT, argv[0]);
    return -err;
}

/* A child: posts argv[0] without opening it; the status is the error. */
static int64_t stranger(uint64_t argc, char *argv[])
{
    (void)argc;
    return -syscall(SYS_SEM_POST, argv[0]);
}

/* A child: opens argv[0] and ends without closing it. */
static int64_t leaver(uint64_t argc, char *argv[])
{
    (void)argc;
    return -syscall(SYS_SEM_OPEN, argv[0], 1);
}

/*
 * A child: opens argv[0], posts it to say so, then computes in user mode
 * until it is killed there (not inside a call, where the kernel would let
 * it finish the call first).
 */
static int64_t spinner(uint64_t argc, char *argv[])
{
    (void)argc;
    if (syscall(SYS_SEM_OPEN, argv[0], 0) < 0 || syscall(SYS_SEM_POST, argv[0]) < 0)
        return 1;
    for (volatile uint64_t i = 0;; i++)
        ;
}

static int start(struct tally *t, process_fn fn, const char *name)
{
    char *argv[] = {(char *)name};
    int pid =
        spawn("semchild", fn, 1, argv, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    check(t, pid > 0, "spawn a child", "syscall", pid, NULL);
    return pid;
}

/* Starts a waiter on name and waits until it is queued, the queued-th in line. */
static int start_queued(struct tally *t, const char *name, int queued)
{
    int pid = start(t, waiter, name);
    check(t, wait_queued(name, queued), "a waiter shows as queued", "syscall", queued, NULL);
    return pid;
}

/*
 * Waits for the child pid (-1: any) to end: its pid, or 0 when none ended in
 * time, so that a kernel that loses a wake-up fails the test instead of
 * hanging it.
 */
static int wait_child(int pid, int *status)
{
    uint64_t deadline = uptime_ms() + TIMEOUT_MS;
    int got;
    while ((got = waitpid(pid, status, WAIT_NOHANG)) == 0 && uptime_ms() < deadline)
        sleep_ms(1);
    return got;
}

/* Waits for pid, which must end with status 0. */
static void reap(struct tally *t, int pid, const char *what)
{
    int status = -1;
    int got = wait_child(pid, &status);
    check(t, got == pid, what, "syscall", got, NULL);
    check(t, status == 0, what, "syscall", status, NULL);
}

static void values_and_names(struct tally *t)
{
    char name[SEM_NAME_MAX];
    struct chalk_sem_info info = {0};
    sem_name(name, "value");
    expect_result(t, "open at 2", syscall(SYS_SEM_OPEN, name, 2), 0);
    expect_result(t, "open again at 9", syscall(SYS_SEM_OPEN, name, 9), 0);
    check(t, find_semaphore(name, &info) && info.value == 2 && info.users == 1,
          "reopening keeps the value and counts the user once", "syscall", info.value, NULL);
    expect_result(t, "wait with 2 units", syscall(SYS_SEM_WAIT, name), 0);
    expect_result(t, "wait with 1 unit", syscall(SYS_SEM_WAIT, name), 0);
    expect_result(t, "post", syscall(SYS_SEM_POST, name), 0);
    check(t, find_semaphore(name, &info) && info.value == 1 && info.waiting == 0,
          "value after 2 waits, 1 post", "syscall", info.value, NULL);
    expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);
    check(t, !find_semaphore(name, &info), "the last close destroys it", "syscall", 0, NULL);
    expect_result(t, "a second close", syscall(SYS_SEM_CLOSE, name), -ENOENT);

    expect_result(t, "open at SEM_VALUE_MAX", syscall(SYS_SEM_OPEN, name, SEM_VALUE_MAX), 0);
    expect_result(t, "post at SEM_VALUE_MAX", syscall(SYS_SEM_POST, name), -EOVERFLOW);
    check(t, find_semaphore(name, &info) && info.value == SEM_VALUE_MAX,
          "the value after EOVERFLOW", "syscall", info.value, NULL);
    expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);

    char longest[SEM_NAME_MAX];
    memset(longest, 'L', sizeof(longest));
    longest[SEM_NAME_MAX - 1] = '\0';
    expect_result(t, "open with a name of 31 bytes", syscall(SYS_SEM_OPEN, longest, 0), 0);
    check(t, find_semaphore(longest, &info), "the listing shows the full name", "syscall", 0, NULL);
    expect_result(t, "close it", syscall(SYS_SEM_CLOSE, longest), 0);
}

static void only_users_may_use_it(struct tally *t)
{
    char name[SEM_NAME_MAX];
    sem_name(name, "mine");
    expect_result(t, "open", syscall(SYS_SEM_OPEN, name, 0), 0);
    int pid = start(t, stranger, name);
    int status = 0;
    check(t, wait_child(pid, &status) == pid && status == ENOENT,
          "a process that did not open it cannot post it", "syscall", status, NULL);
    struct chalk_sem_info info = {0};
    check(t, find_semaphore(name, &info) && info.value == 0, "the stranger's post did nothing",
          "syscall", info.value, NULL);
    expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);
}

static void posts_wake_in_arrival_order(struct tally *t)
{
    char name[SEM_NAME_MAX];
    sem_name(name, "fifo");
    expect_result(t, "open", syscall(SYS_SEM_OPEN, name, 0), 0);
    int pids[3];
    for (int i = 0; i < 3; i++)
        pids[i] = start_queued(t, name, i + 1);
    struct chalk_sem_info info = {0};
    check(t, find_semaphore(name, &info) && info.users == 4, "three waiters and the parent use it",
          "syscall", info.users, NULL);
    for (int i = 0; i < 3; i++)
        check(t, info.waiters[i] == pids[i], "the listing shows the waiters in order", "syscall",
              info.waiters[i], NULL);
    for (int i = 0; i < 3; i++) {
        expect_result(t, "post", syscall(SYS_SEM_POST, name), 0);
        /* Only the waiter given the unit can end now. */
        int status = -1;
        int got = wait_child(-1, &status);
        check(t, got == pids[i], "the longest waiter gets the unit", "syscall", got, NULL);
        check(t, status == 0, "its wait succeeded", "syscall", status, NULL);
    }
    check(t, find_semaphore(name, &info) && info.value == 0 && info.users == 1,
          "every unit went to a waiter, none to the value", "syscall", info.value, NULL);
    expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);
}

/* A waiter blocked by block() keeps its turn: the unit waits for it. */
static void blocked_waiter_keeps_its_turn(struct tally *t)
{
    char name[SEM_NAME_MAX];
    sem_name(name, "turn");
    expect_result(t, "open", syscall(SYS_SEM_OPEN, name, 0), 0);
    int first = start_queued(t, name, 1);
    int second = start_queued(t, name, 2);
    check(t, block(first) == 0, "block the first waiter", "syscall", first, NULL);
    expect_result(t, "post", syscall(SYS_SEM_POST, name), 0);
    struct chalk_sem_info info = {0};
    check(t,
          find_semaphore(name, &info) && info.waiting == 1 && info.waiters[0] == second &&
              info.value == 0,
          "the blocked first waiter was handed the unit", "syscall", info.waiting, NULL);
    expect_result(t, "post", syscall(SYS_SEM_POST, name), 0);
    reap(t, second, "the second waiter ends with its unit");
    check(t, unblock(first) == 0, "unblock the first", "syscall", first, NULL);
    reap(t, first, "the first waiter ends once unblocked");
    expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);
}

static void killed_waiters_take_nothing(struct tally *t)
{
    char name[SEM_NAME_MAX];
    struct chalk_sem_info info = {0};
    sem_name(name, "kill");
    expect_result(t, "open", syscall(SYS_SEM_OPEN, name, 0), 0);

    /*
     * wait_child(victim) returns once the victim is gone: it collects it if
     * it is still unwinding, or fails at once when the kernel reaped it.
     * Killed while queued, it leaves the queue and the users.
     */
    int victim = start_queued(t, name, 1);
    check(t, kill(victim) == 0, "kill a waiter", "syscall", victim, NULL);
    wait_child(victim, NULL);
    check(t, find_semaphore(name, &info) && info.waiting == 0 && info.users == 1 && info.value == 0,
          "a killed waiter leaves the queue", "syscall", info.waiting, NULL);

    /* Killed after a post handed it the unit, before it ran: the unit goes on. */
    victim = start_queued(t, name, 1);
    int heir = start_queued(t, name, 2);
    check(t, block(victim) == 0, "block the first waiter", "syscall", victim, NULL);
    expect_result(t, "post", syscall(SYS_SEM_POST, name), 0);
    check(t, kill(victim) == 0, "kill it holding a handed unit", "syscall", victim, NULL);
    reap(t, heir, "the next waiter gets the killed one's unit");
    wait_child(victim, NULL);

    /* The same with nobody behind: the unit goes back to the value. */
    victim = start_queued(t, name, 1);
    check(t, block(victim) == 0, "block the waiter", "syscall", victim, NULL);
    expect_result(t, "post", syscall(SYS_SEM_POST, name), 0);
    check(t, kill(victim) == 0, "kill it", "syscall", victim, NULL);
    wait_child(victim, NULL);
    check(t, find_semaphore(name, &info) && info.value == 1 && info.users == 1,
          "a killed waiter's unit returns to the value", "syscall", info.value, NULL);
    expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);
}

static void death_closes(struct tally *t)
{
    char name[SEM_NAME_MAX];
    struct chalk_sem_info info = {0};
    sem_name(name, "leave");
    reap(t, start(t, leaver, name), "a child opens and ends");
    check(t, !find_semaphore(name, &info), "its end closed the semaphore", "syscall", 0, NULL);

    sem_name(name, "spin");
    expect_result(t, "open", syscall(SYS_SEM_OPEN, name, 0), 0);
    int spinning = start(t, spinner, name);
    expect_result(t, "wait for the spinner's post", syscall(SYS_SEM_WAIT, name), 0);
    check(t, find_semaphore(name, &info) && info.users == 2, "the spinner has it open", "syscall",
          info.users, NULL);
    check(t, kill(spinning) == 0, "kill the spinner", "syscall", spinning, NULL);
    wait_child(spinning, NULL);
    check(t, find_semaphore(name, &info) && info.users == 1, "its death closed it", "syscall",
          info.users, NULL);
    expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);
}

/* The name of the i-th semaphore of table_full. */
static void full_name(char *name, int i)
{
    char what[16];
    snprintf(what, sizeof(what), "full-%d", i);
    sem_name(name, what);
}

static void table_full(struct tally *t)
{
    char name[SEM_NAME_MAX];
    int opened = 0;
    int64_t err = 0;
    while (opened <= SEMS_IN_KERNEL) {
        full_name(name, opened);
        err = syscall(SYS_SEM_OPEN, name, 0);
        if (err < 0)
            break;
        opened++;
    }
    expect_result(t, "open into a full table", err, -ENOSPC);
    check(t, opened > 0 && opened <= SEMS_IN_KERNEL, "semaphores opened before it was full",
          "syscall", opened, NULL);
    for (int i = 0; i < opened; i++) {
        full_name(name, i);
        expect_result(t, "close", syscall(SYS_SEM_CLOSE, name), 0);
    }
}

/* Every semaphore this run made is gone again. */
static void nothing_left(struct tally *t)
{
    char prefix[SEM_NAME_MAX];
    sem_name(prefix, "");
    struct chalk_sem_info all[SEMS_IN_KERNEL];
    int n = sems(all, SEMS_IN_KERNEL);
    int left = 0;
    for (int i = 0; i < n; i++)
        left += strncmp(all[i].name, prefix, strlen(prefix)) == 0;
    check(t, left == 0, "semaphores of this test left behind", "syscall", left, NULL);
}

int64_t test_semaphores(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0) {
        fprintf(stderr, "usage: test semaphores\n");
        return 2;
    }
    struct tally tally = {0}, *t = &tally;
    printf("test semaphores: values, FIFO hand-off, block, kill, death, a full table\n");
    values_and_names(t);
    only_users_may_use_it(t);
    posts_wake_in_arrival_order(t);
    blocked_waiter_keeps_its_turn(t);
    killed_waiters_take_nothing(t);
    death_closes(t);
    table_full(t);
    nothing_left(t);
    if (t->failed == 0)
        printf("test semaphores: OK (%d checks)\n", t->passed);
    else
        printf("test semaphores: FAILED (%d of %d checks)\n", t->failed, t->passed + t->failed);
    return t->failed;
}
