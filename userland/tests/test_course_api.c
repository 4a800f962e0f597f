/*
 * test course: the course's wrapper API (<course.h>) keeps the promises the
 * course's tests rely on (docs/apps.md lists them):
 *
 *  - my_create_process starts a registered function by name, with argv[0]
 *    the first argument, at the default priority, in the caller's job;
 *    an unknown name gives exactly -1; my_wait returns the child's pid;
 *  - my_sem_open is non-zero on success and 0 on failure; wait, post and
 *    close work by name, also between processes;
 *  - my_nice, my_block, my_unblock and my_kill work on a blocked process
 *    too, and give -1 for a pid that is not there, including one that only
 *    matches a live pid when cut to 32 bits;
 *  - a course helper whose file is not built in cannot be started.
 *
 * Only failures print (FAIL: what: got X, expected Y); the last line is
 * test course: OK or FAILED.
 */
#include <chalk.h>
#include <course.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/tests.h"

#define IDLE_NAP_MS 5

struct tally {
    int failed;
};

static void expect(struct tally *t, const char *what, int64_t got, int64_t want)
{
    if (got == want)
        return;
    t->failed++;
    printf("test course: FAIL: %s: got %ld, expected %ld\n", what, (long)got, (long)want);
}

static void expect_true(struct tally *t, const char *what, bool ok, int64_t got)
{
    if (ok)
        return;
    t->failed++;
    printf("test course: FAIL: %s: got %ld\n", what, (long)got);
}

/* ---- the children, started by name ---------------------------------------- */

/* Ends at once with its first argument as the status. */
static int64_t course_api_exit(uint64_t argc, char *argv[])
{
    return argc == 1 ? strtol(argv[0], NULL, 10) : -2;
}

/* Naps forever: something to nice, block and kill. */
__attribute__((noreturn)) static int64_t course_api_idle(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    for (;;)
        sleep_ms(IDLE_NAP_MS);
}

/* Waits once on the semaphore named argv[0]: status 0 once it got the unit. */
static int64_t course_api_waiter(uint64_t argc, char *argv[])
{
    if (argc != 1 || !my_sem_open(argv[0], 0))
        return 1;
    int64_t waited = my_sem_wait(argv[0]);
    my_sem_close(argv[0]);
    return waited == 0 ? 0 : 1;
}

PROCESS_ENTRY(course_api_exit, course_api_exit);
PROCESS_ENTRY(course_api_idle, course_api_idle);
PROCESS_ENTRY(course_api_waiter, course_api_waiter);

/* ---- the checks ------------------------------------------------------------ */

/* The ps row of pid, copied to *row; false when there is none. */
static bool find_process(int pid, struct chalk_proc_info *row)
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    bool found = false;
    for (int i = 0; procs && i < count && !found; i++) {
        if (procs[i].pid == pid) {
            *row = procs[i];
            found = true;
        }
    }
    free(procs);
    return found;
}

/*
 * A process killed while asleep in a call dies when it next runs, so it
 * may still be in ps right after my_kill: give it a moment.
 */
static bool gone_soon(int pid)
{
    struct chalk_proc_info row;
    for (int tries = 0; tries < 100; tries++) {
        if (!find_process(pid, &row))
            return true;
        sleep_ms(IDLE_NAP_MS);
    }
    return false;
}

static void creation(struct tally *t)
{
    expect(t, "my_getpid", my_getpid(), getpid());
    expect(t, "my_create_process of an unknown name", my_create_process("no_such_entry", 0, NULL),
           -1);
    expect(t, "my_create_process of NULL", my_create_process(NULL, 0, NULL), -1);

    char *args[] = {"7", NULL};
    int64_t pid = my_create_process("course_api_exit", 1, args);
    expect_true(t, "my_create_process of a registered name", pid > 0, pid);
    int status = 0;
    expect(t, "waitpid of the child", pid > 0 ? waitpid((int)pid, &status, 0) : -1, pid);
    expect(t, "the child's status (its argv[0])", status, 7);

    pid = my_create_process("course_api_exit", 1, args);
    expect(t, "my_wait of a child", my_wait(pid), pid);
    expect(t, "my_wait of a child already waited for", my_wait(pid), -1);
    expect(t, "my_wait of a pid that is no child", my_wait(1), -1);
}

/* Every call on a live child, blocked or not, then on the same pid once it is dead. */
static void control(struct tally *t)
{
    int64_t pid = my_create_process("course_api_idle", 0, NULL);
    struct chalk_proc_info row = {0}, me = {0};
    expect_true(t, "my_create_process of the idle child", pid > 0, pid);
    if (pid <= 0)
        return;
    expect_true(t, "the child in ps", find_process((int)pid, &row), pid);
    expect(t, "the child's priority", row.priority, PRIORITY_DEFAULT);
    find_process(getpid(), &me);
    expect(t, "the child's job (the caller's)", row.pgid, me.pgid);

    expect(t, "my_nice to 0", my_nice(pid, 0), 0);
    expect(t, "my_nice to 5", my_nice(pid, 5), -1);
    expect(t, "my_block", my_block(pid), 0);
    find_process((int)pid, &row);
    expect(t, "the blocked child's state", row.state, PROC_BLOCKED);
    expect(t, "my_nice of a blocked child", my_nice(pid, 4), 0);
    find_process((int)pid, &row);
    expect(t, "the blocked child's new priority", row.priority, 4);
    expect(t, "my_unblock", my_unblock(pid), 0);
    expect(t, "my_block again", my_block(pid), 0);
    expect(t, "my_kill of pid + 2^32", my_kill((uint64_t)pid | 1ULL << 32), -1);
    expect_true(t, "the child alive after my_kill of pid + 2^32", find_process((int)pid, &row),
                pid);
    expect(t, "my_kill of a blocked child", my_kill(pid), 0);
    expect_true(t, "the killed child gone from ps", gone_soon((int)pid), pid);

    expect(t, "my_kill of a dead child", my_kill(pid), -1);
    expect(t, "my_block of a dead child", my_block(pid), -1);
    expect(t, "my_unblock of a dead child", my_unblock(pid), -1);
    expect(t, "my_nice of a dead child", my_nice(pid, 2), -1);
    expect(t, "my_yield", my_yield(), 0);
}

static void semaphores(struct tally *t)
{
    char name[SEM_NAME_MAX];
    snprintf(name, sizeof(name), "course-api-%d", getpid());
    expect(t, "my_sem_open", my_sem_open(name, 0), 1);
    expect(t, "my_sem_post", my_sem_post(name), 0);
    expect(t, "my_sem_wait with a unit", my_sem_wait(name), 0);

    /* A child sleeps in my_sem_wait until this process posts. */
    char *args[] = {name, NULL};
    int64_t pid = my_create_process("course_api_waiter", 1, args);
    expect_true(t, "my_create_process of the waiter", pid > 0, pid);
    struct chalk_proc_info row = {0};
    for (int tries = 0; pid > 0 && tries < 100 && row.state != PROC_SLEEPING; tries++) {
        sleep_ms(IDLE_NAP_MS);
        find_process((int)pid, &row);
    }
    expect(t, "the waiter asleep in my_sem_wait", row.state, PROC_SLEEPING);
    expect(t, "my_sem_post to the waiter", my_sem_post(name), 0);
    int status = -1;
    expect(t, "the waiter ends", pid > 0 ? waitpid((int)pid, &status, 0) : -1, pid);
    expect(t, "the waiter's status", status, 0);

    expect(t, "my_sem_close", my_sem_close(name), 0);
    expect(t, "my_sem_wait after closing", my_sem_wait(name), -1);
    expect(t, "my_sem_post after closing", my_sem_post(name), -1);
    expect(t, "my_sem_close again", my_sem_close(name), -1);
    expect(t, "my_sem_open of an empty name", my_sem_open("", 1), 0);
    expect(t, "my_sem_open of a name too long", my_sem_open("a-name-of-thirty-two-characters!", 1),
           0);
}

/* The course's helpers are registered by name, but only there when their files are. */
static void course_helpers(struct tally *t)
{
    static const char *const names[] = {"endless_loop", "endless_loop_print", "my_process_inc",
                                        "zero_to_max"};
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        if (process_entry_find(names[i])) {
            printf("test course: %s is built in\n", names[i]);
            continue;
        }
        expect(t, "my_create_process of a helper not built in",
               my_create_process((char *)names[i], 0, NULL), -1);
    }
}

int64_t course_api_test(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return tests_usage("course");
    struct tally t = {0};
    printf("test course: my_create_process, my_wait, my_nice, my_block, my_kill, my_sem_*\n");
    creation(&t);
    control(&t);
    semaphores(&t);
    course_helpers(&t);
    char failure[32];
    snprintf(failure, sizeof(failure), "%d checks failed", t.failed);
    return tests_result("course", t.failed ? failure : NULL);
}
