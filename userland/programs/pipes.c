/* pipes: the open pipes. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>

/* More entries than the kernel's pipe table has (64), so one call sees every pipe. */
#define PIPE_LIST_MAX 128

static int64_t pipes_main(uint64_t argc, char *argv[]);

PROGRAM(pipes, .main = pipes_main, .summary = "list the open pipes", .usage = "pipes",
        .manual = "Prints one line per pipe, oldest first:\n"
                  "  ID        its number, in order of creation\n"
                  "  CAPACITY  the bytes it can hold\n"
                  "  BUFFERED  the bytes written and not yet read\n"
                  "  READERS   descriptors open on its read end, in all processes\n"
                  "  WRITERS   likewise for its write end\n"
                  "A reader gets end of file once WRITERS is 0 and the pipe is empty; a\n"
                  "writer gets EPIPE once READERS is 0. A pipe goes when both are 0.\n");

static int64_t pipes_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_pipes);
    struct chalk_pipe_info info[PIPE_LIST_MAX];
    int count = pipes(info, PIPE_LIST_MAX);
    if (count < 0) {
        perror("pipes");
        return 1;
    }
    if (count == 0) {
        printf("no pipes\n");
        return 0;
    }
    printf("   ID CAPACITY BUFFERED READERS WRITERS\n");
    for (int i = 0; i < count; i++)
        printf("%5d %8u %8u %7d %7d\n", info[i].id, info[i].capacity, info[i].buffered,
               info[i].readers, info[i].writers);
    return 0;
}
