/*
 * The terminal: the console as user programs see it through fds 0, 1, 2.
 *
 * Input passes through a line discipline. In cooked mode (the default) the
 * kernel echoes what is typed and edits the line (backspace, Ctrl+U); a read
 * gets whole lines, and Ctrl+D on an empty line is end of file. In raw mode
 * (the shell, while it edits its own command line) every key is handed over
 * as typed, unechoed.
 *
 * Jobs: one job (process group) at a time owns the terminal, the foreground.
 * Ctrl+C kills the foreground job; when nothing in it can be killed (the
 * shell ignores Ctrl+C) the key is delivered as the character 0x03 instead.
 * A background process that reads gets end of file at once: it can never
 * steal the keyboard from the foreground, and it cannot hang either.
 *
 * Foreground hand-over nests: a foreground job may start another foreground
 * job, which gets the terminal until its leader (the process started with
 * SPAWN_NEW_JOB, whose pid is the job's id) or its last process is gone;
 * then it returns to the job that gave it. Processes the leader leaves
 * behind run on in the background, so the shell, which waits for the
 * leader, always gets the terminal back.
 *
 * Locking: interrupts off (input arrives in interrupt handlers).
 */
#ifndef CHALK_DRIVERS_TTY_H
#define CHALK_DRIVERS_TTY_H

#include "fs/file.h"

#include <stdbool.h>

/* Takes over console input. The terminal starts owned by job 0 (the kernel). */
void tty_init(void);

/* A new reference to the terminal's open file. */
struct file *tty_file(void);

/* The foreground job. */
int tty_foreground(void);

/* Gives the terminal to job pgid: 0, or -EBUSY when nesting is too deep. */
int tty_push_foreground(int pgid);

/* Job pgid's leader or last process is gone: it no longer owns the terminal. */
void tty_job_gone(int pgid);

/* Raw (true) or cooked (false) input; see above. */
void tty_set_raw(bool raw);

#endif
