#include "tests/checks.h"

#include <chalk.h>
#include <stdio.h>
#include <string.h>

/* The kernel's semaphore table has 128 slots: one listing sees them all. */
#define SEM_LISTING_MAX 128

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
    struct chalk_sem_info all[SEM_LISTING_MAX];
    int n = sems(all, SEM_LISTING_MAX);
    for (int i = 0; i < n; i++) {
        if (strcmp(all[i].name, name) == 0) {
            *out = all[i];
            return true;
        }
    }
    return false;
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
