/*
 * Anonymous pipes; the contract is in pipe.h, the story in docs/ipc.md.
 *
 * The ring. A pipe is PIPE_SIZE bytes of kmalloc'd storage used as a ring
 * (lib/ringbuf.h) plus two counts, the open read ends and the open write
 * ends. What a read or a write does in every state of those three numbers
 * is decided by pipe_buffer.c, pure code the host unit tests check; this
 * file only adds what cannot be tested there: the lock, sleeping, waking,
 * and the files.
 *
 * Blocking. A reader of an empty pipe sleeps on `readers` while a writer
 * remains, and gets 0 (end of file) once none does. A writer puts in what
 * fits, wakes the readers, and sleeps on `writers` while the rest does not
 * fit; it fails with -EPIPE as soon as no reader remains (or returns what
 * it had written by then). Every sleep is waitq_sleep_locked under the
 * pipe's lock, so a wake-up between "it is empty" and "go to sleep" cannot
 * be lost, and every sleeper re-checks after waking: it may have been woken
 * for nothing (another reader took the bytes) or because it was killed, and
 * then it returns -EINTR at once. Wakes go to every sleeper of the side
 * (waitq_wake_all): simple, and they sort out among themselves who gets the
 * bytes; with many sleepers most wake for nothing.
 *
 * Reference counting. Each end is one struct file, and a file counts the
 * descriptors that name it (fs/file.h): dup2 and inheritance at spawn take
 * a reference, close and exit drop one. So the pipe itself only hears of
 * the *last* descriptor of an end going (its release), whoever closes it,
 * a process's own close, its exit, or a killer tearing it down: the end's
 * count drops, the other side is woken (readers to see end of file,
 * writers to see -EPIPE), and when neither end is left the pipe is freed.
 * Nothing else holds a pipe, so nothing leaks when processes die mid-pipe:
 * a sleeper in a pipe still holds its descriptor, and the pipe cannot go
 * away under it.
 *
 * Locks. table_lock guards `live`, live_count and last_id; a pipe's lock
 * guards its buffer (ring and counts) and its `ends`. Order: table_lock
 * before a pipe's lock (pipe_list and the release of a last end take both).
 * Wait queues need interrupts off, which holding either lock implies.
 *
 * With a VFS. A named pipe (a FIFO in the file system) is the same object
 * found by name: each open makes a new file on it and bumps its end's
 * count, which pipe_buffer_open already allows (the listing would then add
 * up the descriptors of several files per end). Callers of read and write
 * do not change: they only see struct file.
 *
 * Copying. Bytes move straight between the ring and user memory, one copy
 * each way: the copiers below hand each piece of the ring (at most two per
 * call, either side of the storage's end) to copy_to_user or
 * copy_from_user, and pipe_buffer counts only the pieces that were copied,
 * so a copy that fails part of the way loses and repeats nothing (the
 * caller gets the count so far, or -EFAULT when it was the first piece).
 * The copies run under the pipe's spinlock. That is sound today because a
 * system call runs with interrupts off in a non-preemptive kernel, and
 * copy_to_user checks a piece's range just before it copies it: a copy
 * either fails cleanly (the page went while the caller slept, unmapped by
 * another process of the one shared address space) or copies without
 * faulting, and it never sleeps. Once demand paging arrives, a copy may
 * sleep on a page fault: then this lock must become a sleeping lock, or
 * the copy must move out from under it.
 *
 * Costs. One copy each way, as said; a read takes as much as the caller
 * asks for and the ring holds. A waker does not give up the CPU (the woken
 * one runs when it sleeps), so a writer fills the ring before the reader
 * runs, and the two switch twice per ring-full: the ring is 64 KiB so that
 * this happens once per 64 KiB rather than once per 4 KiB write
 * (docs/ipc.md has the figures by size). Each pipe holds those 64 KiB of
 * kernel heap, plus its struct and two files, from creation to its last
 * close: at most 4 MiB for PIPE_MAX pipes. The ring is kmalloc'd, not made
 * of whole frames, because mm_alloc_frames(16) made pipe() about forty
 * times slower on the firstfit build (a frame-by-frame search for 16 free
 * frames in a row).
 */
#include "ipc/pipe.h"

#include "ipc/pipe_buffer.h"
#include "lib/errno.h"
#include "lib/list.h"
#include "lib/panic.h"
#include "mm/mm.h"
#include "mm/uaccess.h"
#include "proc/sched.h"
#include "sync/spinlock.h"

struct pipe {
    int id;
    struct spinlock lock; /* guards buffer and ends */
    struct pipe_buffer buffer;
    char *storage;         /* PIPE_SIZE bytes, the ring's */
    struct waitq readers;  /* wait for bytes, or for the last writer to go */
    struct waitq writers;  /* wait for space, or for the last reader to go */
    struct file *ends[2];  /* indexed by enum pipe_end; NULL once released */
    struct list_node node; /* in live, oldest first */
};

_Static_assert((PIPE_SIZE & (PIPE_SIZE - 1)) == 0, "a ring's size is a power of two");

static struct spinlock table_lock = SPINLOCK_INIT("pipes");
static struct list_node live = {&live, &live};
static unsigned live_count;
static int last_id;

static long pipe_read(struct file *file, uint64_t ubuf, size_t n);
static long pipe_write(struct file *file, uint64_t ubuf, size_t n);
static void pipe_release(struct file *file);

/* No write for the read end nor read for the write end: sys_read/sys_write say -EBADF. */
static const struct file_ops read_end_ops = {.read = pipe_read, .release = pipe_release};
static const struct file_ops write_end_ops = {.write = pipe_write, .release = pipe_release};

static enum pipe_end end_of(const struct file *file)
{
    return file->ops == &read_end_ops ? PIPE_READ_END : PIPE_WRITE_END;
}

/*
 * The copiers between the ring and the caller's memory: ctx is the user
 * address (uint64_t *), moved past each piece copied. copy_to_user and
 * copy_from_user check each piece's range again before copying.
 */
static bool copy_piece_to_user(void *ctx, char *piece, size_t len)
{
    uint64_t *uaddr = ctx;
    if (copy_to_user(*uaddr, piece, len) < 0)
        return false;
    *uaddr += len;
    return true;
}

static bool copy_piece_from_user(void *ctx, char *piece, size_t len)
{
    uint64_t *uaddr = ctx;
    if (copy_from_user(piece, *uaddr, len) < 0)
        return false;
    *uaddr += len;
    return true;
}

static long pipe_read(struct file *file, uint64_t ubuf, size_t n)
{
    struct pipe *p = file->data;
    struct ringbuf_copier to_user = {copy_piece_to_user, &ubuf};
    bool irq = spin_lock_irqsave(&p->lock);
    long got;
    while ((got = pipe_buffer_read(&p->buffer, n, &to_user)) == -EAGAIN) {
        int err = waitq_sleep_locked(&p->readers, &p->lock);
        if (err < 0) {
            got = err;
            break;
        }
    }
    if (got > 0)
        waitq_wake_all(&p->writers); /* there is space now */
    spin_unlock_irqrestore(&p->lock, irq);
    return got;
}

static long pipe_write(struct file *file, uint64_t ubuf, size_t n)
{
    struct pipe *p = file->data;
    struct ringbuf_copier from_user = {copy_piece_from_user, &ubuf};
    bool irq = spin_lock_irqsave(&p->lock);
    size_t done = 0;
    long err = 0;
    while (done < n && err == 0) {
        long put = pipe_buffer_write(&p->buffer, n - done, &from_user);
        if (put == -EAGAIN) {
            err = waitq_sleep_locked(&p->writers, &p->lock);
        } else if (put < 0) {
            err = put;
        } else {
            done += (size_t)put;
            waitq_wake_all(&p->readers);
        }
    }
    spin_unlock_irqrestore(&p->lock, irq);
    /* Killed: -EINTR whatever went in, so sys_write stops and the process dies. */
    if (err == -EINTR || (err < 0 && done == 0))
        return err;
    return (long)done;
}

/* Removes p from the table and frees it; table_lock held, p unreachable otherwise. */
static void pipe_free(struct pipe *p)
{
    /* A sleeper holds a descriptor of the end it sleeps on: with no end left, none sleeps. */
    KASSERT(list_empty(&p->readers.sleepers) && list_empty(&p->writers.sleepers));
    list_remove(&p->node);
    live_count--;
    kfree(p->storage);
    kfree(p);
}

static void pipe_release(struct file *file)
{
    struct pipe *p = file->data;
    if (!p)
        return; /* pipe_create failed before it had a pipe to attach */
    enum pipe_end end = end_of(file);
    bool irq = spin_lock_irqsave(&table_lock);
    spin_lock(&p->lock);
    p->ends[end] = NULL;
    bool gone = pipe_buffer_close(&p->buffer, end);
    /* Readers see end of file, writers -EPIPE; both re-check under the lock. */
    waitq_wake_all(end == PIPE_READ_END ? &p->writers : &p->readers);
    spin_unlock(&p->lock);
    if (gone)
        pipe_free(p);
    spin_unlock_irqrestore(&table_lock, irq);
}

/* A new pipe with both ends open (as read_end and write_end), listed: 0, -ENOMEM or -ENFILE. */
static int pipe_new(struct file *read_end, struct file *write_end)
{
    struct pipe *p = kmalloc(sizeof(*p));
    char *storage = kmalloc(PIPE_SIZE);
    if (!p || !storage) {
        kfree(p);
        kfree(storage);
        return -ENOMEM;
    }
    *p = (struct pipe){.lock = SPINLOCK_INIT("pipe"), .storage = storage};
    pipe_buffer_init(&p->buffer, storage, PIPE_SIZE);
    pipe_buffer_open(&p->buffer, PIPE_READ_END);
    pipe_buffer_open(&p->buffer, PIPE_WRITE_END);
    p->ends[PIPE_READ_END] = read_end;
    p->ends[PIPE_WRITE_END] = write_end;
    waitq_init(&p->readers);
    waitq_init(&p->writers);

    bool irq = spin_lock_irqsave(&table_lock);
    bool full = live_count == PIPE_MAX;
    if (!full) {
        p->id = ++last_id;
        list_push_back(&live, &p->node);
        live_count++;
    }
    spin_unlock_irqrestore(&table_lock, irq);
    if (full) {
        kfree(storage);
        kfree(p);
        return -ENFILE;
    }
    read_end->data = p;
    write_end->data = p;
    return 0;
}

int pipe_create(struct file **read_end, struct file **write_end)
{
    /* The files come first, with no pipe: if one fails, putting the other releases nothing. */
    struct file *r = file_open(&read_end_ops, NULL);
    struct file *w = file_open(&write_end_ops, NULL);
    int err = r && w ? pipe_new(r, w) : -ENOMEM;
    if (err < 0) {
        if (r)
            file_put(r);
        if (w)
            file_put(w);
        return err;
    }
    *read_end = r;
    *write_end = w;
    return 0;
}

/*
 * The descriptors open on one end, in all processes. A file's count is
 * guarded by interrupts being off (fs/file.h), as they are here.
 */
static int32_t descriptors(const struct file *end)
{
    return end ? (int32_t)end->refs : 0;
}

int pipe_list(struct chalk_pipe_info *info, int max)
{
    int n = 0;
    bool irq = spin_lock_irqsave(&table_lock);
    for (struct list_node *node = live.next; node != &live && n < max; node = node->next) {
        struct pipe *p = list_entry(node, struct pipe, node);
        spin_lock(&p->lock);
        info[n++] = (struct chalk_pipe_info){
            .id = p->id,
            .capacity = PIPE_SIZE,
            .buffered = (uint32_t)ringbuf_used(&p->buffer.ring),
            .readers = descriptors(p->ends[PIPE_READ_END]),
            .writers = descriptors(p->ends[PIPE_WRITE_END]),
        };
        spin_unlock(&p->lock);
    }
    spin_unlock_irqrestore(&table_lock, irq);
    return n;
}
