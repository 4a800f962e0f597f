/* help and man: the registry's texts. */
#include <programs.h>
#include <stdio.h>

static int64_t help_main(uint64_t argc, char *argv[]);
static int64_t man_main(uint64_t argc, char *argv[]);

PROGRAM(help, .main = help_main, .summary = "list the commands", .usage = "help",
        .manual = "Lists every command with a one-line description.\n"
                  "man COMMAND tells more about one.\n");

PROGRAM(man, .main = man_main, .summary = "explain a command", .usage = "man COMMAND",
        .manual = "Shows what a command does, its arguments and its usage line.\n");

static int64_t help_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_help);
    for (const struct program *p = __programs_start; p < __programs_end; p++)
        printf("  %-10s %s\n", p->name, p->summary);
    printf("\nman COMMAND explains one. Add & at the start or the end of a line to run it in "
           "the background.\n");
    return 0;
}

static int64_t man_main(uint64_t argc, char *argv[])
{
    if (argc != 1)
        return program_usage(&program_man);
    const struct program *p = program_find(argv[0]);
    if (!p) {
        fprintf(stderr, "man: no such command: %s\n", argv[0]);
        return 1;
    }
    printf("%s - %s\n\nusage: %s\n\n%s", p->name, p->summary, p->usage, p->manual);
    return 0;
}
