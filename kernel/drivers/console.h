/*
 * The console: where the kernel's text goes and where typed characters come
 * from. Output is copied to every console device (the serial port and the
 * screen); input from the serial port and the keyboard lands in one queue
 * until the terminal (tty.h) takes it over.
 *
 * Text may carry ANSI colour escapes (ESC [ n m): the serial terminal
 * understands them already, and the screen console interprets them.
 */
#ifndef CHALK_DRIVERS_CONSOLE_H
#define CHALK_DRIVERS_CONSOLE_H

#include <stdbool.h>
#include <stddef.h>

/* Control characters the console input delivers. */
#define CTRL(c) ((c)&0x1F)

#define ANSI_RED    "\033[31m"
#define ANSI_GREEN  "\033[32m"
#define ANSI_YELLOW "\033[33m"
#define ANSI_CYAN   "\033[36m"
#define ANSI_BOLD   "\033[1m"
#define ANSI_RESET  "\033[0m"

/* Writes n bytes to every console device. Safe from interrupt handlers. */
void console_write(const char *s, size_t n);

/*
 * Attaches the screen (after memory is up) and replays on it what was
 * printed before it existed, so the screen shows the whole boot log.
 */
void console_attach_screen(void);

/*
 * Called by input drivers, usually from their interrupt handler, with each
 * character typed. '\r' becomes '\n' and DEL becomes '\b'. Characters are
 * dropped when the queue is full.
 */
void console_input(char c);

/* Takes one typed character without waiting; false when none is queued. */
bool console_try_getc(char *c);

/*
 * From now on, typed characters go to handler (the terminal, tty.c), called
 * with interrupts off, instead of the queue.
 */
void console_set_input_handler(void (*handler)(char c));

#endif
