/* echo: print the arguments. */
#include <programs.h>
#include <stdio.h>

static int64_t echo_main(uint64_t argc, char *argv[]);

PROGRAM(echo, .main = echo_main, .summary = "print its arguments", .usage = "echo [WORD...]",
        .manual = "Prints the words separated by single spaces, then a newline. Quote a word\n"
                  "to keep its spaces or to print | and &: echo 'a  b' \"c | d\".\n");

static int64_t echo_main(uint64_t argc, char *argv[])
{
    for (uint64_t i = 0; i < argc; i++)
        printf(i + 1 < argc ? "%s " : "%s\n", argv[i]);
    if (argc == 0)
        putchar('\n');
    return 0;
}
