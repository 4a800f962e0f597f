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

/* Copies n bytes between the ring at position pos and buf, in up to two pieces. */
static void copy_ring(struct ringbuf *rb, size_t pos, char *buf, size_t n, bool into_ring)
{
    size_t offset = pos & (rb->size - 1);
    size_t first = n < rb->size - offset ? n : rb->size - offset;
    if (into_ring) {
        memcpy(rb->data + offset, buf, first);
        memcpy(rb->data, buf + first, n - first);
    } else {
        memcpy(buf, rb->data + offset, first);
        memcpy(buf + first, rb->data, n - first);
    }
}

size_t ringbuf_write(struct ringbuf *rb, const char *src, size_t n)
{
    size_t space = ringbuf_space(rb);
    if (n > space)
        n = space;
    copy_ring(rb, rb->head, (char *)src, n, true);
    rb->head += n;
    return n;
}

size_t ringbuf_read(struct ringbuf *rb, char *dst, size_t n)
{
    size_t used = ringbuf_used(rb);
    if (n > used)
        n = used;
    copy_ring(rb, rb->tail, dst, n, false);
    rb->tail += n;
    return n;
}
