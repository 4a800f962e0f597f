/* nice: change a process's priority. */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <string.h>

static int64_t nice_main(uint64_t argc, char *argv[]);

PROGRAM(nice, .main = nice_main, .summary = "change a process's priority", .usage = "nice PID PRIO",
        .manual = "Gives the process the priority PRIO, from 0 (the highest: runs most) to 4\n"
                  "(the lowest). New processes start at 2. Works on blocked processes too.\n");

static int64_t nice_main(uint64_t argc, char *argv[])
{
    int64_t pid, priority;
    if (argc != 2 || !program_arg_int(argv[0], INT32_MIN, INT32_MAX, &pid) ||
        !program_arg_int(argv[1], PRIORITY_HIGHEST, PRIORITY_LOWEST, &priority))
        return program_usage(&program_nice);
    if (nice((int)pid, (int)priority) < 0) {
        fprintf(stderr, "nice: %s: %s\n", argv[0], strerror(errno));
        return 1;
    }
    return 0;
}
