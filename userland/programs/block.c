/* block: stop a process from running, or let it run again. */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int64_t block_main(uint64_t argc, char *argv[]);

PROGRAM(block, .main = block_main, .summary = "block a process, or unblock it",
        .usage = "block PID",
        .manual = "If the process is BLOCKED (see ps), unblocks it; otherwise blocks it: it\n"
                  "stays off the processor until unblocked, even when what it was waiting\n"
                  "for (input, a child, time) arrives. Prints which it did.\n");

/* The process's state as ps shows it, or -1 (with a message) when it cannot be found. */
static int state_of(int pid)
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    if (!procs) {
        perror("block: ps");
        return -1;
    }
    int state = -1;
    for (int i = 0; i < count; i++) {
        if (procs[i].pid == pid)
            state = procs[i].state;
    }
    free(procs);
    if (state < 0)
        fprintf(stderr, "block: %d: %s\n", pid, strerror(ESRCH));
    return state;
}

static int64_t block_main(uint64_t argc, char *argv[])
{
    int64_t pid;
    if (argc != 1 || !program_arg_int(argv[0], INT32_MIN, INT32_MAX, &pid))
        return program_usage(&program_block);
    int state = state_of((int)pid);
    if (state < 0)
        return 1;
    bool unblocking = state == PROC_BLOCKED;
    if ((unblocking ? unblock((int)pid) : block((int)pid)) < 0) {
        fprintf(stderr, "block: %d: %s\n", (int)pid, strerror(errno));
        return 1;
    }
    printf("%s %d\n", unblocking ? "unblocked" : "blocked", (int)pid);
    return 0;
}
