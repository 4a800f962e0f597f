/*
 * errno: the error code of the last C-library call that failed.
 *
 * All of Chalk's processes share one address space, so a plain global errno
 * would be one variable for every process, and a process switch between a
 * failing call and the read of errno would mix them up. Instead each process
 * keeps its errno in a small block on its own stack, and register r15 points
 * at it: process_start (libc/process.c) sets r15 before the process's
 * function runs, the kernel saves it with the other registers on every
 * switch, and the whole userland is compiled with -ffixed-r15 so that no
 * compiled code uses r15 for anything else.
 */
#ifndef CHALK_USER_ERRNO_H
#define CHALK_USER_ERRNO_H

#include <chalk/errno.h>

struct process_local {
    int error; /* errno */
};

register struct process_local *chalk_process_local __asm__("r15");

#define errno (chalk_process_local->error)

#endif
