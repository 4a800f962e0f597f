/*
 * The course's wrapper API (<course.h>) over Chalk's system calls.
 *
 * Each call is one system call. The pids and priorities arrive as 64-bit
 * numbers and go to the kernel as they are, not cut to an int first: the
 * kernel range-checks every such argument (arg_int), so my_kill(1ULL << 32
 * | 5) fails instead of killing pid 5.
 */
#include <chalk.h>
#include <course.h>
#include <string.h>
#include <unistd.h>

#include "libc.h"

/* The course's convention for everything but my_sem_open: -1 on failure. */
static int64_t course_result(int64_t result)
{
    return libc_result(result) < 0 ? -1 : result;
}

const struct process_entry *process_entry_find(const char *name)
{
    for (const struct process_entry *e = __process_entries_start; e < __process_entries_end; e++) {
        if (e->fn && strcmp(e->name, name) == 0)
            return e;
    }
    return NULL;
}

int64_t my_getpid(void)
{
    return getpid();
}

/*
 * No SPAWN_NEW_JOB: the child joins the caller's job, so a test and the
 * processes it starts are one job, and Ctrl+C on the test ends them all.
 */
int64_t my_create_process(char *name, uint64_t argc, char *argv[])
{
    const struct process_entry *entry = name ? process_entry_find(name) : NULL;
    if (!entry)
        return -1;
    int pid = spawn(entry->name, entry->fn, argc, argv, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD,
                    SPAWN_INHERIT_FD);
    return pid < 0 ? -1 : pid;
}

int64_t my_nice(uint64_t pid, uint64_t prio)
{
    return course_result(syscall(SYS_NICE, pid, prio));
}

int64_t my_kill(uint64_t pid)
{
    return course_result(syscall(SYS_KILL, pid));
}

int64_t my_block(uint64_t pid)
{
    return course_result(syscall(SYS_BLOCK, pid));
}

int64_t my_unblock(uint64_t pid)
{
    return course_result(syscall(SYS_UNBLOCK, pid));
}

int64_t my_sem_open(char *name, uint64_t initial)
{
    return course_result(syscall(SYS_SEM_OPEN, name, initial)) == 0;
}

int64_t my_sem_wait(char *name)
{
    return course_result(syscall(SYS_SEM_WAIT, name));
}

int64_t my_sem_post(char *name)
{
    return course_result(syscall(SYS_SEM_POST, name));
}

int64_t my_sem_close(char *name)
{
    return course_result(syscall(SYS_SEM_CLOSE, name));
}

int64_t my_yield(void)
{
    return course_result(syscall(SYS_YIELD));
}

int64_t my_wait(int64_t pid)
{
    return course_result(syscall(SYS_WAITPID, pid, NULL, 0));
}
