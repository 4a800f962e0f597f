/* Helpers the programs share: usage lines, numeric arguments, copying input, the process table. */
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* The kernel's process table has 512 slots (docs/processes.md): one call sees every process. */
#define PROCESS_TABLE_MAX 512
#define COPY_CHUNK        512

int program_usage(const struct program *program)
{
    fprintf(stderr, "usage: %s\n", program->usage);
    return 2;
}

/* Strict, so that "kill 12x" is refused rather than read as 12. */
bool program_arg_int(const char *arg, int64_t min, int64_t max, int64_t *value)
{
    char *end;
    errno = 0;
    long n = strtol(arg, &end, 10);
    if (end == arg || *end || errno == ERANGE || n < min || n > max)
        return false;
    *value = n;
    return true;
}

int program_copy_input(const char *name, size_t (*edit)(char *buf, size_t n))
{
    char buf[COPY_CHUNK]; /* on the stack: globals are shared by every process */
    for (;;) {
        ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
        if (n == 0)
            return 0;
        if (n < 0) {
            perror(name);
            return 1;
        }
        size_t length = edit ? edit(buf, (size_t)n) : (size_t)n;
        /* A console or pipe write takes every byte unless the reader is gone. */
        if (length > 0 && write(STDOUT_FILENO, buf, length) != (ssize_t)length)
            return 1;
    }
}

struct chalk_proc_info *process_table(int *count)
{
    struct chalk_proc_info *procs = malloc(PROCESS_TABLE_MAX * sizeof(*procs));
    if (!procs)
        return NULL;
    *count = ps(procs, PROCESS_TABLE_MAX);
    if (*count < 0) {
        free(procs);
        return NULL;
    }
    return procs;
}
