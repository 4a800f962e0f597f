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

#endif
