/*
 * A byte ring buffer over caller-provided storage whose size is a power of
 * two. head and tail count bytes ever written and read; they wrap around
 * naturally as unsigned numbers, so full (head - tail == size) and empty
 * (head == tail) are told apart without wasting a slot.
 *
 * Bytes move in pieces: a piece is one contiguous run of the storage, so a
 * read or a write takes at most two (before and after the storage's end).
 * A copier moves each piece between the ring and the caller's memory, and
 * the ring counts a piece as read or written only once its copy succeeded:
 * a caller whose memory may be bad (a user address) copies straight to or
 * from it and loses nothing when a copy fails part of the way.
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

/*
 * Moves len bytes between piece, inside the ring's storage, and the
 * caller's memory: out of the piece when the ring is read, into it when it
 * is written. Returns false, having moved nothing, when it cannot; the
 * caller's memory position is ctx's business (it advances on success).
 */
struct ringbuf_copier {
    bool (*copy)(void *ctx, char *piece, size_t len);
    void *ctx;
};

/* Returns false when size is not a non-zero power of two. */
bool ringbuf_init(struct ringbuf *rb, char *storage, size_t size);

size_t ringbuf_used(const struct ringbuf *rb);
size_t ringbuf_space(const struct ringbuf *rb);

/*
 * Writes up to n bytes through copier, piece by piece, until they are in,
 * the ring is full or a copy fails: how many went in.
 */
size_t ringbuf_write_pieces(struct ringbuf *rb, size_t n, const struct ringbuf_copier *copier);

/* Reads up to n bytes through copier, likewise: how many came out. */
size_t ringbuf_read_pieces(struct ringbuf *rb, size_t n, const struct ringbuf_copier *copier);

/* Copies in up to n bytes from kernel memory; returns how many fit. */
size_t ringbuf_write(struct ringbuf *rb, const char *src, size_t n);

/* Copies out up to n bytes into kernel memory; returns how many there were. */
size_t ringbuf_read(struct ringbuf *rb, char *dst, size_t n);

#endif
