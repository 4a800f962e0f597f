/* The shell, as init starts it. */
#ifndef CHALK_SHELL_SHELL_H
#define CHALK_SHELL_SHELL_H

#include <stdint.h>

/* The shell's process function; it returns only when the console stops giving input. */
int64_t shell_main(uint64_t argc, char *argv[]);

#endif
