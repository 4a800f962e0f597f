/* cat: copy standard input to standard output. */
#include <programs.h>
#include <stdio.h>
#include <unistd.h>

#define CHUNK 512

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
    char buf[CHUNK]; /* on the stack: globals are shared by every process */
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n == 0)
            return 0;
        if (n < 0) {
            perror("cat");
            return 1;
        }
        /* A console or pipe write takes every byte unless the reader is gone. */
        if (write(STDOUT_FILENO, buf, (size_t)n) != n)
            return 1;
    }
}
