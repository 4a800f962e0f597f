/*
 * The program registry: every function that can be started by name, as a
 * shell command or by a test, with the help texts help and man show.
 *
 * A file registers a program with one PROGRAM line:
 *
 *     static int64_t echo_main(uint64_t argc, char *argv[]);
 *
 *     PROGRAM(echo, .main = echo_main,
 *             .summary = "print its arguments",
 *             .usage = "echo [WORD...]",
 *             .manual = "Prints the words separated by spaces, then a newline.\n");
 *
 * No list to edit elsewhere: each PROGRAM puts its entry in a section of its
 * own named .programs.<name>, and the linker script gathers those sections,
 * sorted by name, into one array between __programs_start and __programs_end
 * (below). The name is the C identifier given, so two programs of the same
 * name fail to link (both define program_<name>).
 */
#ifndef CHALK_USER_PROGRAMS_H
#define CHALK_USER_PROGRAMS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <chalk.h>

struct program {
    const char *name;
    process_fn main;
    const char *summary; /* one line for help, no final newline */
    const char *usage;   /* the arguments, "kill PID...", no final newline */
    const char *manual;  /* what man prints after the usage; each line ends in \n */
};

/*
 * aligned(8) is the entries' natural alignment; saying it stops the compiler
 * from aligning these objects further (it may do so for large static
 * objects), which would leave gaps in the array.
 */
#define PROGRAM(ident, ...)                                                                        \
    const struct program program_##ident                                                           \
        __attribute__((used, section(".programs." #ident), aligned(8))) = {.name = #ident,         \
                                                                           __VA_ARGS__}

/* Every registered program, in order of name: from __programs_start up to __programs_end. */
extern const struct program __programs_start[];
extern const struct program __programs_end[];

/* The program called name, or NULL. */
const struct program *program_find(const char *name);

/* ---- helpers for programs ------------------------------------------------- */

/* Prints "usage: ..." on stderr; returns the status for wrong arguments (2). */
int program_usage(const struct program *program);

/*
 * Reads a whole argument as a decimal integer within [min, max]; false (and
 * *value untouched) for anything else: empty, trailing characters, out of range.
 */
bool program_arg_int(const char *arg, int64_t min, int64_t max, int64_t *value);

/*
 * Copies standard input to standard output until end of file, passing each
 * piece through edit (which may shorten it in place and returns its new
 * length; NULL leaves it as it is) and writing it as soon as it is read, so
 * typed lines go through one by one. 0 at end of file; 1 when reading fails
 * (reported as "name: error") or when the output takes no more, which is
 * quiet: the reader of a pipe has gone.
 */
int program_copy_input(const char *name, size_t (*edit)(char *buf, size_t n));

/*
 * A snapshot of every process (SYS_PS) in a malloc'd array of *count
 * entries, which the caller frees; NULL with errno set on failure.
 */
struct chalk_proc_info *process_table(int *count);

#endif
