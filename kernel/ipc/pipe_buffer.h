/*
 * The rules of a pipe, apart from sleeping and locking: a byte ring plus
 * the number of open read and write ends, and what a read or a write gets
 * in each state. Pure logic, so the host unit tests (tests/unit/
 * test_pipe_buffer.c) check every rule; kernel/ipc/pipe.c adds the lock,
 * the wait queues and the files around it.
 *
 * No locking: the caller serialises every call on one pipe_buffer.
 */
#ifndef CHALK_IPC_PIPE_BUFFER_H
#define CHALK_IPC_PIPE_BUFFER_H

#include "lib/ringbuf.h"

#include <stdbool.h>
#include <stddef.h>

enum pipe_end {
    PIPE_READ_END,
    PIPE_WRITE_END,
};

struct pipe_buffer {
    struct ringbuf ring;
    unsigned readers; /* open read ends */
    unsigned writers; /* open write ends */
};

/* An empty buffer with no end open; false when size is not a power of two. */
bool pipe_buffer_init(struct pipe_buffer *pb, char *storage, size_t size);

void pipe_buffer_open(struct pipe_buffer *pb, enum pipe_end end);

/* Closes one end that is open; true when no end of either kind is left. */
bool pipe_buffer_close(struct pipe_buffer *pb, enum pipe_end end);

/*
 * Bytes move between the ring and the caller's memory through a copier
 * (lib/ringbuf.h), a piece at a time; a copy may fail (a bad user address).
 * What was copied before a failure counts and stays moved; the failed piece
 * stays where it was (in the ring, or with the caller). -EFAULT only when
 * nothing could be copied.
 */

/*
 * Takes up to n bytes out through copier: the count; 0 for end of file
 * (empty and no writer left) or when n is 0; -EAGAIN when the caller must
 * wait (empty, but a writer may still add bytes); -EFAULT.
 */
long pipe_buffer_read(struct pipe_buffer *pb, size_t n, const struct ringbuf_copier *copier);

/*
 * Puts in as many of the n bytes as fit, through copier: the count
 * (possibly fewer than n); -EPIPE when no reader is left, whatever the
 * space; -EAGAIN when the buffer is full (n > 0) and the caller must wait
 * for a reader; -EFAULT.
 */
long pipe_buffer_write(struct pipe_buffer *pb, size_t n, const struct ringbuf_copier *copier);

#endif
