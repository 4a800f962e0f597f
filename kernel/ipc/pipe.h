/*
 * Anonymous pipes: a one-way byte stream between processes, behind two
 * open files (fs/file.h), the read end and the write end. docs/ipc.md tells
 * the design; the contract:
 *
 *  - Each pipe buffers up to PIPE_SIZE bytes in a ring.
 *  - read takes what is buffered (up to the count asked), sleeping while
 *    the pipe is empty and some write end is still open; 0 (end of file)
 *    once it is empty and every write end is closed.
 *  - write puts every byte in, sleeping while the pipe is full; -EPIPE when
 *    no read end is open (or the bytes written so far, if some were).
 *  - Both ends are counted across dup2, spawn and exit; the pipe goes away
 *    when the last end is closed.
 *  - A process killed while sleeping in a pipe returns -EINTR at once.
 *
 * Locking: each pipe has a spinlock (see pipe.c); callers may have
 * interrupts on or off.
 */
#ifndef CHALK_IPC_PIPE_H
#define CHALK_IPC_PIPE_H

#include "fs/file.h"
#include "uapi/chalk/syscalls.h"

#define PIPE_MAX  64    /* pipes in the system */
#define PIPE_SIZE 65536 /* bytes a pipe buffers; a power of two (pipe.c: why this many) */

/*
 * Makes a pipe: *read_end and *write_end each get a new file with one
 * reference. 0, -ENFILE (PIPE_MAX pipes exist) or -ENOMEM.
 */
int pipe_create(struct file **read_end, struct file **write_end);

/* Fills info with up to max pipes, oldest first: the count. */
int pipe_list(struct chalk_pipe_info *info, int max);

#endif
