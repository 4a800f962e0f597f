/* shutdown and reboot. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>

static int64_t shutdown_main(uint64_t argc, char *argv[]);
static int64_t reboot_main(uint64_t argc, char *argv[]);

PROGRAM(shutdown, .main = shutdown_main, .summary = "power off", .usage = "shutdown",
        .manual = "Powers the machine off through ACPI. Under QEMU, QEMU exits.\n"
                  "Prints why if it cannot.\n");

PROGRAM(reboot, .main = reboot_main, .summary = "restart the machine", .usage = "reboot",
        .manual = "Restarts the machine. Prints why if it cannot.\n");

/* Both calls return only when they fail. */
static int64_t power(const struct program *program, uint64_t argc, int (*call)(void))
{
    if (argc != 0)
        return program_usage(program);
    call();
    perror(program->name);
    return 1;
}

static int64_t shutdown_main(uint64_t argc, char *argv[])
{
    (void)argv;
    return power(&program_shutdown, argc, shutdown);
}

static int64_t reboot_main(uint64_t argc, char *argv[])
{
    (void)argv;
    return power(&program_reboot, argc, reboot);
}
