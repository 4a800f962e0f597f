/*
 * The course's wrapper API, and the registry of functions it starts by name.
 *
 * The course's official tests (test_mm.c, test_prio.c, test_processes.c,
 * test_sync.c and their helpers in test_util.c) are written against these
 * twelve calls, not against any kernel's own. userland/libc/course.c
 * implements them over Chalk's system calls, so a teacher can drop the
 * files into userland/course/ and build them unmodified
 * (userland/course/README.md). Chalk's own programs use <chalk.h> instead.
 *
 * Every call returns int64_t. my_sem_open returns non-zero on success and 0
 * on failure (the tests read it as a truth value); my_getpid cannot fail;
 * the others return -1 on failure (errno says why), and on success:
 * my_create_process and my_wait a pid, the rest 0.
 *
 * This header is included by the course's files (through
 * userland/course/syscall.h), so it declares nothing else they could
 * collide with: only <stdint.h>, the calls and the registry.
 */
#ifndef CHALK_USER_COURSE_H
#define CHALK_USER_COURSE_H

#include <stdint.h>

/* The caller's pid. */
int64_t my_getpid(void);

/*
 * Starts the function registered as name (PROCESS_ENTRY, below) as a new
 * process named name, with argv[0..argc-1] as its arguments (argv[0] is the
 * first argument, not a program name). The child runs at the default
 * priority, in the background, in the caller's job: Ctrl+C on the job
 * kills it too. Its pid, or -1: no such entry, or the spawn failed.
 */
int64_t my_create_process(char *name, uint64_t argc, char *argv[]);

/* 0, or -1 (no such process, priority outside 0..4). Work on blocked processes too. */
int64_t my_nice(uint64_t pid, uint64_t prio);
int64_t my_kill(uint64_t pid);
int64_t my_block(uint64_t pid);
int64_t my_unblock(uint64_t pid);

/* Creates the named semaphore with the value initial, or opens it: 1, or 0 on failure. */
int64_t my_sem_open(char *name, uint64_t initial);
/* 0, or -1 (the caller has no semaphore of that name open). */
int64_t my_sem_wait(char *name);
int64_t my_sem_post(char *name);
int64_t my_sem_close(char *name);

/* Gives up the processor; always 0. */
int64_t my_yield(void);

/* Waits for the child pid to end: its pid, or -1 when it is not a child of the caller. */
int64_t my_wait(int64_t pid);

/* ---- the registry ---------------------------------------------------------
 *
 * my_create_process finds functions by name in an array the linker builds,
 * like the program registry of <programs.h>: each PROCESS_ENTRY puts one
 * entry in a section of its own, .process_entries.<name>, and
 * userland/userland.ld gathers them, sorted by name, between
 * __process_entries_start and __process_entries_end. No central list to
 * edit; two entries of one name fail to link.
 *
 *     static int64_t worker(uint64_t argc, char *argv[]);
 *     PROCESS_ENTRY(worker, worker);
 *
 * An entry whose function is NULL (a weak reference to a function that
 * was not linked in, see userland/course/registry.c) counts as absent.
 */
struct process_entry {
    const char *name;
    int64_t (*fn)(uint64_t argc, char *argv[]);
};

/* aligned(8): the entries' natural alignment, so the array has no gaps (see <programs.h>). */
#define PROCESS_ENTRY(ident, function)                                                             \
    const struct process_entry process_entry_##ident                                               \
        __attribute__((used, section(".process_entries." #ident), aligned(8))) = {#ident,          \
                                                                                  function}

extern const struct process_entry __process_entries_start[];
extern const struct process_entry __process_entries_end[];

/* The entry called name whose function is present, or NULL. */
const struct process_entry *process_entry_find(const char *name);

#endif
