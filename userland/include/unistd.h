/*
 * File descriptors and process identity, with the usual Unix names.
 *
 * Like every system-call wrapper in the C library, these return -1 and set
 * errno on failure. Descriptors 0, 1 and 2 are the console unless the
 * process was spawned with others.
 */
#ifndef CHALK_USER_UNISTD_H
#define CHALK_USER_UNISTD_H

#include <stddef.h>
#include <stdint.h>

#define STDIN_FILENO  0
#define STDOUT_FILENO 1
#define STDERR_FILENO 2

typedef int64_t ssize_t;

/* 0 at end of file (Ctrl+D on the console; a background process always). */
ssize_t read(int fd, void *buf, size_t len);
ssize_t write(int fd, const void *buf, size_t len);
int close(int fd);
int dup2(int oldfd, int newfd);

/*
 * Makes a pipe: what is written to fds[1] is read from fds[0]. A read
 * returns 0 once every write end is closed; a write fails with EPIPE once
 * every read end is.
 */
int pipe(int fds[2]);

/*
 * pipe with flags: FD_CLOSE_ON_SPAWN (<chalk/syscalls.h>) keeps children
 * from inheriting the two descriptors; spawn's stdin_fd and stdout_fd still
 * hand them over. A shell needs it: a stage that inherited the write end of
 * its own input would never see end of file.
 */
int pipe2(int fds[2], unsigned flags);

int getpid(void);
int getppid(void);

#endif
