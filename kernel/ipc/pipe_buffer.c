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

long pipe_buffer_read(struct pipe_buffer *pb, char *dst, size_t n)
{
    if (n > 0 && ringbuf_used(&pb->ring) == 0)
        return pb->writers > 0 ? -EAGAIN : 0;
    return (long)ringbuf_read(&pb->ring, dst, n);
}

long pipe_buffer_write(struct pipe_buffer *pb, const char *src, size_t n)
{
    if (pb->readers == 0)
        return -EPIPE;
    if (n > 0 && ringbuf_space(&pb->ring) == 0)
        return -EAGAIN;
    return (long)ringbuf_write(&pb->ring, src, n);
}
