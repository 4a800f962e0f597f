#include "lib/ringbuf.h"

#include "lib/string.h"

bool ringbuf_init(struct ringbuf *rb, char *storage, size_t size)
{
    if (size == 0 || (size & (size - 1)))
        return false;
    *rb = (struct ringbuf){storage, size, 0, 0};
    return true;
}

size_t ringbuf_used(const struct ringbuf *rb)
{
    return rb->head - rb->tail;
}

size_t ringbuf_space(const struct ringbuf *rb)
{
    return rb->size - ringbuf_used(rb);
}

/*
 * Moves up to n bytes at *pos (head when writing, tail when reading), of
 * which avail may move, a piece at a time. *pos passes a piece only after
 * its copy succeeded, so the ring holds exactly the bytes that moved.
 */
static size_t move_pieces(struct ringbuf *rb, size_t *pos, size_t avail, size_t n,
                          const struct ringbuf_copier *copier)
{
    size_t want = n < avail ? n : avail;
    size_t done = 0;
    while (done < want) {
        size_t offset = *pos & (rb->size - 1);
        size_t len = want - done < rb->size - offset ? want - done : rb->size - offset;
        if (!copier->copy(copier->ctx, rb->data + offset, len))
            break;
        *pos += len;
        done += len;
    }
    return done;
}

size_t ringbuf_write_pieces(struct ringbuf *rb, size_t n, const struct ringbuf_copier *copier)
{
    return move_pieces(rb, &rb->head, ringbuf_space(rb), n, copier);
}

size_t ringbuf_read_pieces(struct ringbuf *rb, size_t n, const struct ringbuf_copier *copier)
{
    return move_pieces(rb, &rb->tail, ringbuf_used(rb), n, copier);
}

/* The copiers of kernel memory: ctx is a cursor into it; they cannot fail. */
static bool copy_in(void *ctx, char *piece, size_t len)
{
    const char **src = ctx;
    memcpy(piece, *src, len);
    *src += len;
    return true;
}

static bool copy_out(void *ctx, char *piece, size_t len)
{
    char **dst = ctx;
    memcpy(*dst, piece, len);
    *dst += len;
    return true;
}

size_t ringbuf_write(struct ringbuf *rb, const char *src, size_t n)
{
    return ringbuf_write_pieces(rb, n, &(struct ringbuf_copier){copy_in, &src});
}

size_t ringbuf_read(struct ringbuf *rb, char *dst, size_t n)
{
    return ringbuf_read_pieces(rb, n, &(struct ringbuf_copier){copy_out, &dst});
}
