/* uptime: time since boot. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>

static int64_t uptime_main(uint64_t argc, char *argv[]);

PROGRAM(uptime, .main = uptime_main, .summary = "show the time since boot", .usage = "uptime",
        .manual = "Prints how long the system has been running, in seconds to the millisecond.\n");

static int64_t uptime_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_uptime);
    uint64_t ms = uptime_ms();
    printf("up %lu.%03lu s\n", (unsigned long)(ms / 1000), (unsigned long)(ms % 1000));
    return 0;
}
