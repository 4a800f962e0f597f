/*
 * Panics: the kernel found one of its own invariants broken and stops.
 * Never used for bad input from users; that is an error code.
 */
#ifndef CHALK_LIB_PANIC_H
#define CHALK_LIB_PANIC_H

#include <stdbool.h>

/* Prints "PANIC: <message>" and a backtrace, then stops the machine. */
__attribute__((noreturn, format(printf, 1, 2))) void panic(const char *fmt, ...);

/*
 * For panics that print their own report (trap.c): panic_begin disables
 * interrupts and guards against panicking inside a panic; panic_end stops.
 */
void panic_begin(void);
__attribute__((noreturn)) void panic_end(void);

/* What panic_end does: halt (the default) or power the machine off. */
void panic_set_poweroff(bool poweroff);

/* Stops the kernel when cond is false; the message names the condition. */
#define KASSERT(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);                     \
    } while (0)

/*
 * Checks that walk whole structures (the run queue, the process table, the
 * kernel heap) on every switch or allocation: too slow for every build, so
 * make debug=1 turns them on (-DCHALK_DEBUG=1). A plain `if`, not #ifdef,
 * so the checks are compiled, and kept correct, in every build and only
 * optimised away when off.
 */
#ifndef CHALK_DEBUG
#define CHALK_DEBUG 0
#endif

#define DEBUG_ASSERT(cond)                                                                         \
    do {                                                                                           \
        if (CHALK_DEBUG)                                                                           \
            KASSERT(cond);                                                                         \
    } while (0)

#endif
