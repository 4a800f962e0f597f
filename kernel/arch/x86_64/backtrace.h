/* Stack backtraces through the frame-pointer chain (-fno-omit-frame-pointer). */
#ifndef CHALK_ARCH_BACKTRACE_H
#define CHALK_ARCH_BACKTRACE_H

#include <stdint.h>

/* Prints rip, then each caller found by following rbp. */
void backtrace_print(uint64_t rip, uint64_t rbp);

/* Prints the backtrace of the caller. */
void backtrace_print_here(void);

#endif
