/* test: run one of Chalk's own tests by name, and the helpers the tests share. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/tests.h"

static int64_t test_main(uint64_t argc, char *argv[]);

PROGRAM(test, .main = test_main, .summary = "run one of Chalk's tests",
        .usage = "test syscalls|semaphores|robust|memory|prio|sync|processes|course [ARG...]",
        .manual =
            "Runs a test in this process, in the foreground or the background (&test ...).\n"
            "The first three print a line per failure (robust: a line per case) and a\n"
            "count; the others print what they do and end with one line, test NAME: OK or\n"
            "test NAME: FAILED (reason).\n"
            "Ctrl+C ends a test with every process it started.\n"
            "  syscalls             every system call with bad arguments (unknown numbers,\n"
            "                       kernel and unmapped pointers, bad descriptors and pids,\n"
            "                       malformed spawn requests, bad frees) must fail with the\n"
            "                       right error and crash nothing, through syscall and\n"
            "                       int 0x80 alike\n"
            "  semaphores           the named semaphores' contract: errors, values, the\n"
            "                       hand-off to the longest waiter, blocked and killed\n"
            "                       waiters, cleanup when a process ends, a full table\n"
            "  robust               hostile children, one at a time: every kind of fault\n"
            "                       (killed for the right reason), system calls with\n"
            "                       hostile pointers and numbers (the right errors), every\n"
            "                       table and the heap filled, processes killed asleep;\n"
            "                       after each, memory, processes, pipes and semaphores\n"
            "                       must be back where they were (run it alone)\n"
            "  memory MAX [ROUNDS]  rounds of up to 128 random blocks, about MAX bytes in\n"
            "                       all, each filled with its own byte: none may overlap or\n"
            "                       be overwritten, and all must go back (forever without\n"
            "                       ROUNDS)\n"
            "  prio [ROUNDS]        three busy processes at equal, then different\n"
            "                       priorities, then blocked and unblocked: prints each\n"
            "                       one's share of the CPU; higher priority must get more,\n"
            "                       and a blocked process none (ROUNDS times, 1 by default)\n"
            "  sync N USE_SEM       two processes add 1 and two add -1, N times each, to a\n"
            "                       counter, with a yield between read and write; inside\n"
            "                       the semaphore \"sem\" when USE_SEM is 1, and then the\n"
            "                       final value must be 0\n"
            "  processes MAX [R]    MAX busy processes, killed, blocked and unblocked at\n"
            "                       random until all are dead, every call checked, nothing\n"
            "                       left behind; R rounds (forever without)\n"
            "  course               the course's API (my_create_process, my_sem_open, ...)\n");

static const struct {
    const char *name;
    process_fn run;
} tests[] = {
    {"syscalls", test_syscalls},   {"semaphores", test_semaphores},
    {"robust", test_robust},       {"memory", memory_test},
    {"prio", prio_test},           {"sync", sync_test},
    {"processes", processes_test}, {"course", course_api_test},
};

static int64_t test_main(uint64_t argc, char *argv[])
{
    if (argc == 0)
        return program_usage(&program_test);
    for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
        if (strcmp(argv[0], tests[i].name) == 0)
            return tests[i].run(argc - 1, argv + 1);
    }
    return program_usage(&program_test);
}

int tests_usage(const char *usage)
{
    fprintf(stderr, "usage: test %s\n", usage);
    return 2;
}

int tests_verdict(const char *who, const char *failure)
{
    if (!failure) {
        printf("%s: OK\n", who);
        return 0;
    }
    printf("%s: FAILED (%s)\n", who, failure);
    return 1;
}

int tests_result(const char *name, const char *failure)
{
    char who[32];
    snprintf(who, sizeof(who), "test %s", name);
    return tests_verdict(who, failure);
}

uint64_t tests_seed(void)
{
    uint64_t seed = uptime_ms() * 0x9E3779B97F4A7C15ULL ^ (uint64_t)getpid() << 32;
    return seed ? seed : 1;
}

uint64_t tests_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *state = x;
    return x * 0x2545F4914F6CDD1DULL;
}

uint64_t tests_random_below(uint64_t *state, uint64_t bound)
{
    return tests_random(state) % bound;
}

bool tests_every(uint64_t *last, uint64_t interval_ms)
{
    uint64_t now = uptime_ms();
    if (now - *last < interval_ms)
        return false;
    *last = now;
    return true;
}
