/* loop: a process that greets forever, to watch the scheduler, kill and block at work. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* A day is plenty, and keeps seconds * 1000 far from overflowing. */
#define LOOP_MAX_SECONDS 86400

static int64_t loop_main(uint64_t argc, char *argv[]);

PROGRAM(loop, .main = loop_main, .summary = "print a greeting every few seconds, forever",
        .usage = "loop [-s SECONDS]",
        .manual = "Prints \"loop: pid N says hello\" every SECONDS seconds (1 unless given),\n"
                  "until it is killed: Ctrl+C in the foreground, kill PID in the background\n"
                  "(&loop or loop &). block PID stops it from running; block PID again lets\n"
                  "it go on. It also ends when its output can no longer be written (loop | cat\n"
                  "after cat is gone).\n");

static int64_t loop_main(uint64_t argc, char *argv[])
{
    int64_t seconds = 1;
    if (argc == 2 && strcmp(argv[0], "-s") == 0) {
        if (!program_arg_int(argv[1], 1, LOOP_MAX_SECONDS, &seconds))
            return program_usage(&program_loop);
    } else if (argc != 0) {
        return program_usage(&program_loop);
    }
    int pid = getpid();
    for (;;) {
        /* Chalk has no signals: when our output is a pipe nobody reads any
         * more (EPIPE), stopping is up to us. */
        if (printf("loop: pid %d says hello\n", pid) < 0)
            return 1;
        sleep_ms((uint64_t)seconds * 1000);
    }
}
