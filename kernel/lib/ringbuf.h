/*
 * A byte ring buffer over caller-provided storage whose size is a power of
 * two. head and tail count bytes ever written and read; they wrap around
 * naturally as unsigned numbers, so full (head - tail == size) and empty
 * (head == tail) are told apart without wasting a slot.
 *
 * No locking: one writer and one reader, serialised by the caller.
 */
#ifndef CHALK_LIB_RINGBUF_H
#define CHALK_LIB_RINGBUF_H

#include <stdbool.h>
#include <stddef.h>

struct ringbuf {
    char *data;
    size_t size; /* a power of two */
    size_t head; /* total bytes written */
    size_t tail; /* total bytes read */
};

/* Returns false when size is not a non-zero power of two. */
bool ringbuf_init(struct ringbuf *rb, char *storage, size_t size);

size_t ringbuf_used(const struct ringbuf *rb);
size_t ringbuf_space(const struct ringbuf *rb);

/* Copies in up to n bytes; returns how many fit. */
size_t ringbuf_write(struct ringbuf *rb, const char *src, size_t n);

/* Copies out up to n bytes; returns how many there were. */
size_t ringbuf_read(struct ringbuf *rb, char *dst, size_t n);

#endif
