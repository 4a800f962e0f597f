/* test: run one of Chalk's own tests by name. */
#include <programs.h>
#include <string.h>

#include "tests/tests.h"

static int64_t test_main(uint64_t argc, char *argv[]);

PROGRAM(test, .main = test_main, .summary = "run one of Chalk's tests",
        .usage = "test syscalls|semaphores",
        .manual = "Runs a test in this process and exits with the number of failures.\n"
                  "Each failure prints one line, FAIL: what: got X, expected Y; the last\n"
                  "line counts the checks that passed and failed.\n"
                  "  syscalls  every system call with bad arguments (unknown numbers, kernel\n"
                  "            and unmapped pointers, bad descriptors and process ids,\n"
                  "            malformed spawn requests, bad frees) must fail with the\n"
                  "            right error and crash nothing; the calls must give the\n"
                  "            same results through syscall and through int 0x80.\n"
                  "  semaphores  the named semaphores' contract: errors, values, the\n"
                  "              hand-off to the longest waiter, blocked and killed\n"
                  "              waiters, cleanup when a process ends, a full table.\n");

static const struct {
    const char *name;
    process_fn run;
} tests[] = {
    {"syscalls", test_syscalls},
    {"semaphores", test_semaphores},
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
