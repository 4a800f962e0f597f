#include "tests/checks.h"

#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* wait_until looks every POLL_MS, at most POLLS times: 10 s. */
#define POLL_MS 5
#define POLLS   2000

const struct syscall_way syscall_ways[2] = {
    {"syscall", chalk_syscall},
    {"int 0x80", chalk_syscall_int80},
};

/* A result as text: the number, and for an error code its meaning. */
static void describe(int64_t value, char *buf, size_t size)
{
    if (syscall_failed(value))
        snprintf(buf, size, "%ld (%s)", (long)value, strerror((int)-value));
    else
        snprintf(buf, size, "%ld", (long)value);
}

void check(struct tally *t, bool ok, const char *what, const char *entry, int64_t got,
           const char *expected)
{
    if (ok) {
        t->passed++;
        return;
    }
    t->failed++;
    char got_text[64];
    describe(got, got_text, sizeof(got_text));
    if (expected)
        printf("FAIL: %s [%s]: got %s, expected %s\n", what, entry, got_text, expected);
    else
        printf("FAIL: %s [%s]: got %s\n", what, entry, got_text);
}

void expect_result(struct tally *t, const char *what, int64_t got, int64_t want)
{
    char expected[64];
    describe(want, expected, sizeof(expected));
    check(t, got == want, what, "syscall", got, expected);
}

bool find_semaphore(const char *name, struct chalk_sem_info *out)
{
    struct chalk_sem_info all[SEM_TABLE_SIZE];
    int n = sems(all, SEM_TABLE_SIZE);
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].name, name) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
}

bool newest_pipe(struct chalk_pipe_info *out)
{
    struct chalk_pipe_info info[PIPE_TABLE_SIZE];
    int n = pipes(info, PIPE_TABLE_SIZE);
    if (n <= 0)
        return false;
    *out = info[n - 1];
    return true;
}

/* 1 with pid's entry in *out, 0 when there is no such process, -1 when ps failed. */
static int lookup(int pid, struct chalk_proc_info *out)
{
    int count, found = 0;
    struct chalk_proc_info *procs = process_table(&count);
    if (!procs)
        return -1;
    for (int i = 0; i < count && !found; i++) {
        if (procs[i].pid == pid) {
            *out = procs[i];
            found = 1;
        }
    }
    free(procs);
    return found;
}

bool find_process(int pid, struct chalk_proc_info *out)
{
    return lookup(pid, out) == 1;
}

bool wait_until(bool (*done)(void *context), void *context)
{
    for (int poll = 0; poll < POLLS; poll++) {
        if (done(context))
            return true;
        sleep_ms(POLL_MS);
    }
    return false;
}

struct awaited {
    int pid;
    int state;
};

static bool in_state(void *context)
{
    const struct awaited *a = context;
    struct chalk_proc_info row;
    int found = lookup(a->pid, &row);
    return (found == 1 && row.state == a->state) || (found == 0 && a->state == PROC_GONE);
}

bool wait_for_state(int pid, int state)
{
    struct awaited a = {pid, state};
    return wait_until(in_state, &a);
}

void expect_either(struct tally *t, const char *what, int64_t want, int64_t or_want, uint64_t n,
                   uint64_t a1, uint64_t a2, uint64_t a3)
{
    char expected[128];
    describe(want, expected, sizeof(expected));
    if (or_want != want) {
        size_t used = strlen(expected);
        strcpy(expected + used, " or ");
        describe(or_want, expected + used + 4, sizeof(expected) - used - 4);
    }
    for (size_t i = 0; i < 2; i++) {
        int64_t got = syscall_ways[i].call(n, a1, a2, a3, 0, 0, 0);
        check(t, got == want || got == or_want, what, syscall_ways[i].name, got, expected);
        if (n == SYS_SPAWN && got > 0)
            waitpid((int)got, NULL, 0); /* a spawn that should have failed started a child */
    }
}

void expect(struct tally *t, const char *what, int64_t want, uint64_t n, uint64_t a1, uint64_t a2,
            uint64_t a3)
{
    expect_either(t, what, want, want, n, a1, a2, a3);
}
