/* kill: end processes. */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <string.h>

static int64_t kill_main(uint64_t argc, char *argv[]);

PROGRAM(kill, .main = kill_main, .summary = "end processes", .usage = "kill PID...",
        .manual = "Ends each process named, whatever it is doing (blocked, sleeping, waiting\n"
                  "for input). Its memory goes back to the heap, and its parent learns of it\n"
                  "as the status -1 (killed). Exits with 1 if any process could not be killed.\n");

static int64_t kill_main(uint64_t argc, char *argv[])
{
    if (argc == 0)
        return program_usage(&program_kill);
    int failed = 0;
    for (uint64_t i = 0; i < argc; i++) {
        int64_t pid;
        if (!program_arg_int(argv[i], INT32_MIN, INT32_MAX, &pid)) {
            fprintf(stderr, "kill: not a process id: %s\n", argv[i]);
            failed = 1;
        } else if (kill((int)pid) < 0) {
            fprintf(stderr, "kill: %s: %s\n", argv[i], strerror(errno));
            failed = 1;
        }
    }
    return failed;
}
