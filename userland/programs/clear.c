/* clear: empty the screen. */
#include <programs.h>
#include <stdio.h>

static int64_t clear_main(uint64_t argc, char *argv[]);

PROGRAM(clear, .main = clear_main, .summary = "clear the screen", .usage = "clear",
        .manual = "Clears the screen and moves the cursor to the top left corner, with the\n"
                  "ANSI sequences ESC[2J and ESC[H (the serial terminal understands them too).\n");

static int64_t clear_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_clear);
    printf("\033[2J\033[H");
    return 0;
}
