/*
 * test processes MAX_PROCS [ROUNDS]: the life cycle of many processes.
 *
 * Each round starts MAX_PROCS busy processes, then, pass after pass, picks
 * for each live one at random: kill it, block it, unblock it, or leave it.
 * Every call must succeed, and a second kill of a dead process must fail.
 * After each pass the process table (ps) must agree with what the test
 * did: every live child there, BLOCKED exactly when the test blocked it,
 * and no killed child anywhere. The round ends when all are dead.
 *
 * The test never waits for its children, like the course's test_processes:
 * a killed process nobody waits for must give back its slot, stacks and
 * memory by itself, or the table fills up and creation starts to fail
 * after a few rounds. Without ROUNDS the test runs until it is killed.
 *
 * The children run at the lowest priority. The test is about the life
 * cycle, not about scheduling, and this way the shell and the test itself
 * (both at the default priority, higher) stay responsive while up to 255
 * busy loops compete for the processor.
 */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/tests.h"

#define PROCS_MAX      255 /* as the course's test, whose counters are 8 bits */
#define ROUNDS_MAX     1000000000
#define PROGRESS_EVERY 1000 /* ms between progress lines */

enum child_state { CHILD_RUNNING, CHILD_BLOCKED, CHILD_KILLED };

struct child {
    int pid;
    enum child_state state;
};

struct round {
    struct child *children;
    int count;
    int alive;
    uint64_t rng;
    char failure[96]; /* empty while all is well */
};

__attribute__((noreturn)) static int64_t busy_child(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    for (;;)
        ;
}

static void fail(struct round *r, const char *what, int pid)
{
    if (!r->failure[0])
        snprintf(r->failure, sizeof(r->failure), "%s process %d", what, pid);
}

static bool start_children(struct round *r)
{
    for (r->count = 0; r->count < r->alive; r->count++) {
        int pid = spawn("busy", busy_child, 0, NULL, PRIORITY_LOWEST, 0, SPAWN_INHERIT_FD,
                        SPAWN_INHERIT_FD);
        if (pid < 0) {
            snprintf(r->failure, sizeof(r->failure), "creating process %d of %d: %s", r->count + 1,
                     r->alive, strerror(errno));
            r->alive = r->count; /* those started are still to be killed */
            return false;
        }
        r->children[r->count] = (struct child){pid, CHILD_RUNNING};
    }
    return true;
}

static void kill_child(struct round *r, struct child *c)
{
    if (kill(c->pid) < 0)
        fail(r, "killing", c->pid);
    else if (kill(c->pid) == 0 || errno != ESRCH)
        fail(r, "killing twice did not fail for", c->pid);
    c->state = CHILD_KILLED;
    r->alive--;
}

/* One random action on each live child. */
static void shake(struct round *r)
{
    for (int i = 0; i < r->count && !r->failure[0]; i++) {
        struct child *c = &r->children[i];
        if (c->state == CHILD_KILLED)
            continue;
        switch (tests_random_below(&r->rng, 4)) {
        case 0:
            kill_child(r, c);
            break;
        case 1:
            if (block(c->pid) < 0)
                fail(r, "blocking", c->pid);
            c->state = CHILD_BLOCKED;
            break;
        case 2:
            if (unblock(c->pid) < 0)
                fail(r, "unblocking", c->pid);
            c->state = CHILD_RUNNING;
            break;
        default:
            break; /* left as it is */
        }
    }
}

/* The process table must show exactly the live children, blocked as the test left them. */
static void check_table(struct round *r)
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    if (!procs) {
        fail(r, "reading the process table for", 0);
        return;
    }
    for (int i = 0; i < r->count && !r->failure[0]; i++) {
        const struct child *c = &r->children[i];
        const struct chalk_proc_info *p = NULL;
        for (int j = 0; j < count; j++)
            if (procs[j].pid == c->pid)
                p = &procs[j];
        if (c->state == CHILD_KILLED && p)
            fail(r, "ps still shows killed", c->pid);
        else if (c->state != CHILD_KILLED && !p)
            fail(r, "ps lost live", c->pid);
        else if (p && (p->state == PROC_BLOCKED) != (c->state == CHILD_BLOCKED))
            fail(r, "ps shows the wrong blocked state of", c->pid);
    }
    free(procs);
}

/* Kills whatever a failed round left alive, so that nothing stays behind. */
static void kill_survivors(struct round *r)
{
    for (int i = 0; i < r->count; i++)
        if (r->children[i].state != CHILD_KILLED)
            kill(r->children[i].pid);
}

static bool run_round(struct round *r, int procs)
{
    r->alive = procs;
    if (start_children(r)) {
        while (r->alive > 0 && !r->failure[0]) {
            shake(r);
            check_table(r);
        }
    }
    kill_survivors(r);
    return !r->failure[0];
}

int64_t processes_test(uint64_t argc, char *argv[])
{
    static const char usage[] = "processes MAX_PROCS [ROUNDS] (MAX_PROCS 1 to 255)";
    int64_t procs, rounds = 0;
    if (argc < 1 || argc > 2 || !program_arg_int(argv[0], 1, PROCS_MAX, &procs) ||
        (argc == 2 && !program_arg_int(argv[1], 1, ROUNDS_MAX, &rounds)))
        return tests_usage(usage);

    struct round r = {.rng = tests_seed()};
    r.children = malloc((size_t)procs * sizeof(*r.children));
    if (!r.children)
        return tests_result("processes", "no memory for the test itself");
    if (rounds)
        printf("test processes: %ld rounds of %ld processes\n", (long)rounds, (long)procs);
    else
        printf("test processes: rounds of %ld processes, until killed\n", (long)procs);

    uint64_t last_report = uptime_ms();
    bool ok = true;
    for (uint64_t number = 1; ok && (rounds == 0 || number <= (uint64_t)rounds); number++) {
        ok = run_round(&r, (int)procs);
        if (ok && (number == 1 || number == (uint64_t)rounds ||
                   tests_every(&last_report, PROGRESS_EVERY)))
            printf("test processes: round %lu: %ld created, all killed, none left\n",
                   (unsigned long)number, (long)procs);
    }
    free(r.children);
    return tests_result("processes", ok ? NULL : r.failure);
}
