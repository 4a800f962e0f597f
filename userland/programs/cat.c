/* cat: copy standard input to standard output. */
#include <programs.h>

static int64_t cat_main(uint64_t argc, char *argv[]);

PROGRAM(cat, .main = cat_main, .summary = "copy standard input to standard output", .usage = "cat",
        .manual = "Copies what it reads to its output until end of file: Ctrl+D on an empty\n"
                  "line at the console, or the last writer closing a pipe (echo hi | cat).\n"
                  "Ends with status 1, quietly, when its output cannot take more (the\n"
                  "reader of its pipe is gone).\n");

static int64_t cat_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_cat);
    return program_copy_input("cat", NULL);
}
