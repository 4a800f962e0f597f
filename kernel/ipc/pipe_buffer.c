#include "ipc/pipe_buffer.h"

#include "lib/errno.h"

bool pipe_buffer_init(struct pipe_buffer *pb, char *storage, size_t size)
{
    pb->readers = 0;
    pb->writers = 0;
    return ringbuf_init(&pb->ring, storage, size);
}

void pipe_buffer_open(struct pipe_buffer *pb, enum pipe_end end)
{
    if (end == PIPE_READ_END)
        pb->readers++;
    else
        pb->writers++;
}

bool pipe_buffer_close(struct pipe_buffer *pb, enum pipe_end end)
{
    if (end == PIPE_READ_END)
        pb->readers--;
    else
        pb->writers--;
    return pb->readers == 0 && pb->writers == 0;
}

/* n > 0 bytes could move, but moved is what did: only a failed copy stops it at 0. */
static long moved_or_fault(size_t moved)
{
    return moved > 0 ? (long)moved : -EFAULT;
}

long pipe_buffer_read(struct pipe_buffer *pb, size_t n, const struct ringbuf_copier *copier)
{
    if (n == 0)
        return 0;
    if (ringbuf_used(&pb->ring) == 0)
        return pb->writers > 0 ? -EAGAIN : 0;
    return moved_or_fault(ringbuf_read_pieces(&pb->ring, n, copier));
}

long pipe_buffer_write(struct pipe_buffer *pb, size_t n, const struct ringbuf_copier *copier)
{
    if (pb->readers == 0)
        return -EPIPE;
    if (n == 0)
        return 0;
    if (ringbuf_space(&pb->ring) == 0)
        return -EAGAIN;
    return moved_or_fault(ringbuf_write_pieces(&pb->ring, n, copier));
}
