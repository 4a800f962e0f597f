/*
 * Open files and file-descriptor tables.
 *
 * A struct file is one open object (today the console; pipes next) with the
 * operations that read and write it. It is shared, counted by refs, between
 * every fd that names it, in one process (dup2) or several (inherited at
 * spawn), and released when the last fd goes away.
 *
 * An fd table maps small integers to files. A process owns its table: spawn
 * copies the parent's (but for the fds marked close-on-spawn), and
 * dup2/close only ever change the caller's own.
 *
 * Locking: callers keep interrupts off (as every system call does).
 */
#ifndef CHALK_FS_FILE_H
#define CHALK_FS_FILE_H

#include <stddef.h>
#include <stdint.h>

#define FD_MAX 16

struct file;

struct file_ops {
    /*
     * Reads up to n bytes into user memory at ubuf: the count, 0 at end of
     * file, or -errno. May sleep (returns -EINTR when the caller is killed).
     * The op copies straight to the caller with copy_to_user, once per
     * piece it has: sys_read checked the range up front, but the op checks
     * again as it copies, since the mappings may have changed while it
     * slept. A copy that fails ends the read: the count of what was copied
     * before it, or -EFAULT when nothing was.
     */
    long (*read)(struct file *file, uint64_t ubuf, size_t n);
    /*
     * Writes the n bytes at user address ubuf, copying them with
     * copy_from_user: the count (fewer than n only when the object stops
     * taking bytes, or a copy fails, part of the way), or -errno (-EFAULT
     * when nothing could be copied). May sleep.
     */
    long (*write)(struct file *file, uint64_t ubuf, size_t n);
    /* Called when the last reference goes; may be NULL. */
    void (*release)(struct file *file);
};

struct file {
    unsigned refs;
    const struct file_ops *ops;
    void *data; /* the object's own state */
};

/* A new file with one reference, or NULL when memory is out. */
struct file *file_open(const struct file_ops *ops, void *data);
struct file *file_get(struct file *file);
void file_put(struct file *file);

struct fd_table {
    struct file *files[FD_MAX];
    uint32_t close_on_spawn; /* bit fd: not copied by fd_table_clone */
};

/* The file behind fd, or NULL when fd is not open (or out of range). */
struct file *fd_lookup(struct fd_table *table, int fd);

/* Makes dst a copy of src, taking a reference on every file it copies. */
void fd_table_clone(struct fd_table *dst, const struct fd_table *src);

/* Puts file (the caller's reference is taken over) at fd, closing what was there. */
void fd_install(struct fd_table *table, int fd, struct file *file);

/*
 * Puts file (the caller's reference is taken over) at the lowest free fd,
 * marked close-on-spawn when flags has FD_CLOSE_ON_SPAWN: the fd, or -EMFILE.
 */
int fd_alloc(struct fd_table *table, struct file *file, unsigned flags);

/* 0, or -EBADF. */
int fd_close(struct fd_table *table, int fd);

/* newfd, or -EBADF when oldfd is not open or newfd out of range. */
int fd_dup2(struct fd_table *table, int oldfd, int newfd);

void fd_close_all(struct fd_table *table);

#endif
