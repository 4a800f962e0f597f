#include "fs/file.h"

#include "lib/errno.h"
#include "lib/panic.h"
#include "mm/mm.h"

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

void fd_table_clone(struct fd_table *dst, const struct fd_table *src)
{
    for (int fd = 0; fd < FD_MAX; fd++)
        dst->files[fd] = src->files[fd] ? file_get(src->files[fd]) : NULL;
}

void fd_install(struct fd_table *table, int fd, struct file *file)
{
    KASSERT(fd >= 0 && fd < FD_MAX);
    struct file *old = table->files[fd];
    table->files[fd] = file;
    if (old)
        file_put(old);
}

int fd_alloc(struct fd_table *table, struct file *file)
{
    for (int fd = 0; fd < FD_MAX; fd++) {
        if (!table->files[fd]) {
            table->files[fd] = file;
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
