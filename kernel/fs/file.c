#include "fs/file.h"

#include "lib/errno.h"
#include "lib/panic.h"
#include "mm/mm.h"
#include "uapi/chalk/syscalls.h"

#include <stdbool.h>

struct file *file_open(const struct file_ops *ops, void *data)
{
    struct file *file = kmalloc(sizeof(*file));
    if (!file)
        return NULL;
    *file = (struct file){.refs = 1, .ops = ops, .data = data};
    return file;
}

struct file *file_get(struct file *file)
{
    file->refs++;
    return file;
}

void file_put(struct file *file)
{
    KASSERT(file->refs > 0);
    if (--file->refs > 0)
        return;
    if (file->ops->release)
        file->ops->release(file);
    kfree(file);
}

struct file *fd_lookup(struct fd_table *table, int fd)
{
    return fd >= 0 && fd < FD_MAX ? table->files[fd] : NULL;
}

static uint32_t fd_bit(int fd)
{
    return 1u << fd;
}

void fd_table_clone(struct fd_table *dst, const struct fd_table *src)
{
    dst->close_on_spawn = 0;
    for (int fd = 0; fd < FD_MAX; fd++) {
        struct file *file = src->files[fd];
        bool inherited = file && !(src->close_on_spawn & fd_bit(fd));
        dst->files[fd] = inherited ? file_get(file) : NULL;
    }
}

void fd_install(struct fd_table *table, int fd, struct file *file)
{
    KASSERT(fd >= 0 && fd < FD_MAX);
    struct file *old = table->files[fd];
    table->files[fd] = file;
    table->close_on_spawn &= ~fd_bit(fd);
    if (old)
        file_put(old);
}

int fd_alloc(struct fd_table *table, struct file *file, unsigned flags)
{
    for (int fd = 0; fd < FD_MAX; fd++) {
        if (!table->files[fd]) {
            fd_install(table, fd, file);
            if (flags & FD_CLOSE_ON_SPAWN)
                table->close_on_spawn |= fd_bit(fd);
            return fd;
        }
    }
    return -EMFILE;
}

int fd_close(struct fd_table *table, int fd)
{
    struct file *file = fd_lookup(table, fd);
    if (!file)
        return -EBADF;
    table->files[fd] = NULL;
    table->close_on_spawn &= ~fd_bit(fd);
    file_put(file);
    return 0;
}

int fd_dup2(struct fd_table *table, int oldfd, int newfd)
{
    struct file *file = fd_lookup(table, oldfd);
    if (!file || newfd < 0 || newfd >= FD_MAX)
        return -EBADF;
    if (oldfd != newfd)
        fd_install(table, newfd, file_get(file));
    return newfd;
}

void fd_close_all(struct fd_table *table)
{
    for (int fd = 0; fd < FD_MAX; fd++)
        if (table->files[fd])
            fd_close(table, fd);
}
