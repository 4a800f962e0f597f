/*
 * test robust, the cases about limits: every table filled until creation
 * fails with the right error, the heap exhausted, pipes whose other end
 * goes away, and processes killed while asleep in a call. Each case ends
 * with everything it made gone, or left for the kernel to take back when
 * it exits, which the runner's health check then verifies.
 */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "programs/fault.h"
#include "tests/robust.h"

/* What a flooder writes into its pipe, a chunk at a time, until the pipe is full. */
static const char flood[4096];

static const char sem_name[] = "robust.killed";

int64_t robust_sleeper(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    for (;;)
        sleep_ms(UINT32_MAX);
}

int robust_start(const char *name, process_fn fn, int stdin_fd, int stdout_fd)
{
    return spawn(name, fn, 0, NULL, PRIORITY_DEFAULT, 0, stdin_fd, stdout_fd);
}

int robust_start_until(struct tally *t, const char *name, process_fn fn, int stdin_fd,
                       int stdout_fd, int state)
{
    int pid = robust_start(name, fn, stdin_fd, stdout_fd);
    char what[64];
    snprintf(what, sizeof(what), "%s, started and waited for", name);
    check(t, pid > 0 && wait_for_state(pid, state), what, "syscall", pid,
          state == PROC_BLOCKED ? "blocked" : "asleep in its call");
    return pid;
}

void expect_exit(struct tally *t, const char *what, int pid, int want)
{
    int status = 0;
    if (pid <= 0 || waitpid(pid, &status, 0) != pid)
        status = -errno;
    expect_result(t, what, status, want);
}

void expect_killed(struct tally *t, const char *what, int pid)
{
    int status = 0;
    int got = pid > 0 ? waitpid(pid, &status, 0) : -1; /* -1 would wait for any child */
    bool reaped_by_kernel = pid > 0 && got < 0 && errno == ECHILD;
    check(t, (got == pid && status == EXIT_KILLED) || reaped_by_kernel, what, "syscall",
          got == pid ? status : got, "EXIT_KILLED, or ECHILD when the kernel reaped it");
}

/* Kills each of pids and reaps it. */
static void kill_all(struct tally *t, const int *pids, int count)
{
    for (int i = 0; i < count; i++) {
        expect_result(t, "kill of a child", kill(pids[i]), 0);
        expect_killed(t, "the killed child's end", pids[i]);
    }
}

/* --- tables full ------------------------------------------------------------- */

/*
 * Sleepers until spawn fails: EAGAIN with every slot of the table listed
 * or, on a machine too small to fill the table, ENOMEM; a slot freed must
 * be usable again at once; all go back.
 */
int64_t robust_process_table(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int pids[PROC_TABLE_SIZE];
    int count = 0, err = 0;
    while (count < PROC_TABLE_SIZE) {
        int pid = robust_start("sleeper", robust_sleeper, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
        if (pid < 0) {
            err = errno;
            break;
        }
        pids[count++] = pid;
    }
    check(&t, err == EAGAIN || err == ENOMEM, "spawn until it fails", "syscall", -err,
          "EAGAIN, or ENOMEM first");
    int listed = 0;
    struct chalk_proc_info *procs = process_table(&listed);
    free(procs);
    check(&t, err != EAGAIN || listed == PROC_TABLE_SIZE, "processes listed with the table full",
          "syscall", listed, "every slot");
    if (count > 0) {
        expect_result(&t, "kill of the last sleeper", kill(pids[count - 1]), 0);
        expect_killed(&t, "the last sleeper's end", pids[count - 1]);
        pids[count - 1] =
            robust_start("sleeper", robust_sleeper, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
        check(&t, pids[count - 1] > 0, "spawn into the slot just freed", "syscall", pids[count - 1],
              "a pid");
        if (pids[count - 1] < 0)
            count--;
    }
    kill_all(&t, pids, count);
    return t.failed;
}

/*
 * Blocks from the heap's size down, halving after each refusal, to 1
 * byte: then nothing is left. The case exits holding it all; the kernel
 * must free every block (the runner checks).
 */
int64_t robust_heap(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    struct chalk_mem_stats mem;
    expect_result(&t, "memstats", memstats(&mem), 0);
    uint64_t blocks = 0;
    for (uint64_t size = mem.heap_total; size > 0; size /= 2)
        while (malloc(size))
            blocks++;
    check(&t, errno == ENOMEM, "malloc with the heap exhausted", "syscall", -errno, "ENOMEM");
    expect_result(&t, "memstats", memstats(&mem), 0);
    check(&t, mem.mine_blocks == blocks, "blocks the kernel counts as ours", "syscall",
          (int64_t)mem.mine_blocks, "every block malloc gave");
    check(&t, blocks > 0 && mem.heap_largest_free < mem.heap_total / blocks,
          "the heap's largest free block", "syscall", (int64_t)mem.heap_largest_free,
          "next to nothing");
    return t.failed;
}

static int64_t exits_at_once(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return 0;
}

/*
 * 1-byte blocks until malloc fails. The user heap lasts longer than the
 * kernel's record of whose block is whose (kernel memory, uheap.c), so
 * that record is what runs out: ENOMEM, and the kernel must still have
 * room for everyone else: a pipe and a process made meanwhile work. The
 * case exits holding every block.
 */
int64_t robust_heap_tiny(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    while (malloc(1))
        ;
    check(&t, errno == ENOMEM, "malloc(1) until it fails", "syscall", -errno, "ENOMEM");
    int fds[2];
    expect_result(&t, "pipe, the flood held", pipe(fds), 0);
    close(fds[0]);
    close(fds[1]);
    int pid = robust_start("robust child", exits_at_once, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    expect_exit(&t, "a child's status, the flood held", pid, 0);
    return t.failed;
}

/* Bytes asked for by robust_header's two blocks: each block holds at least this many. */
#define HEADER_PROBE 64
/* First-fit's header: the 16 bytes before each block (the buddy heap keeps none there). */
#define HEADER_BYTES 16

/*
 * The commonest heap bug: a write just before a block, over the bytes
 * where first-fit keeps the block's header. free must still take the block
 * back, and so must the kernel at exit with the blocks still held: the
 * kernel, not the area, knows what it handed out.
 *
 * The case writes only memory of its own: two blocks made one after the
 * other on a heap nobody else is using lie side by side, so the bytes
 * before the second are the first's end or the second's header.
 */
int64_t robust_header(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    uint8_t *first = malloc(HEADER_PROBE), *second = malloc(HEADER_PROBE);
    bool side_by_side =
        first && second && second > first && second - first <= HEADER_PROBE + HEADER_BYTES;
    check(&t, side_by_side, "two blocks side by side", "syscall", second - first,
          "at most 80 bytes apart");
    if (!side_by_side)
        return t.failed;
    memset(second - HEADER_BYTES, 0xA5, HEADER_BYTES);
    expect_result(&t, "free of the block whose header was overwritten", syscall(SYS_FREE, second),
                  0);
    uint8_t *third = malloc(HEADER_PROBE);
    check(&t, third != NULL, "malloc after it", "syscall", (int64_t)(uintptr_t)third, "a block");
    if (third)
        memset(third - HEADER_BYTES, 0x5A, HEADER_BYTES);
    return t.failed; /* first and third still held: the kernel frees them at exit */
}

/*
 * Children that exit until spawn fails (the table full, or memory on a
 * small machine); never waits for them. Exits with how many.
 */
static int64_t makes_zombies(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int64_t count = 0;
    while (robust_start("zombie", exits_at_once, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD) > 0)
        count++;
    return errno == EAGAIN || errno == ENOMEM ? count : -errno;
}

/* Whether no process called "zombie" is left. */
static bool no_zombies(void *context)
{
    (void)context;
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    bool none = procs != NULL;
    for (int i = 0; procs && i < count; i++)
        if (strcmp(procs[i].name, "zombie") == 0)
            none = false;
    free(procs);
    return none;
}

/*
 * Zombies fill the table (their parent never waits), then their parent
 * ends: init inherits them all and must reap every one.
 */
int64_t robust_zombies(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int pid = robust_start("zombie maker", makes_zombies, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    int status = -1;
    if (pid > 0)
        waitpid(pid, &status, 0);
    check(&t, status > 0, "zombies made until spawn failed", "syscall", status,
          "some, then EAGAIN or ENOMEM");
    check(&t, wait_until(no_zombies, NULL), "zombies left, once init reaped its orphans", "syscall",
          status, "none");
    return t.failed;
}

/*
 * Pipes until the table is full: ENFILE with every slot listed or, on a
 * machine whose kernel heap cannot hold every pipe's buffer, ENOMEM. Each
 * pipe keeps only its read end, one fd; when our 16 fds run out (EMFILE),
 * a sleeping child inherits the read ends and holds their pipes while we
 * close ours and go on.
 */
int64_t robust_pipe_table(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int holders[PIPE_TABLE_SIZE], read_ends[PIPE_TABLE_SIZE];
    int holder_count = 0, held = 0, err = 0;
    bool fds_ran_out = false;
    for (;;) {
        int fds[2];
        if (pipe(fds) == 0) {
            close(fds[1]);
            read_ends[held++] = fds[0];
            continue;
        }
        err = errno;
        if (err != EMFILE || held == 0)
            break;
        fds_ran_out = true;
        int pid = robust_start("pipe holder", robust_sleeper, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
        if (pid < 0) {
            err = errno;
            break;
        }
        holders[holder_count++] = pid;
        for (; held > 0; held--)
            close(read_ends[held - 1]);
    }
    check(&t, fds_ran_out, "pipe with the fd table full", "syscall", -err, "EMFILE first");
    check(&t, err == ENFILE || err == ENOMEM, "pipe until it fails", "syscall", -err,
          "ENFILE, or ENOMEM first");
    struct chalk_pipe_info listing[PIPE_TABLE_SIZE];
    int listed = pipes(listing, PIPE_TABLE_SIZE);
    check(&t, err != ENFILE || listed == PIPE_TABLE_SIZE, "pipes listed with the table full",
          "syscall", listed, "every slot");
    for (; held > 0; held--)
        close(read_ends[held - 1]);
    kill_all(&t, holders, holder_count);
    return t.failed;
}

/*
 * Semaphores until the table is full (ENOSPC); an existing name still
 * opens. The case exits with all of them open: death must close them.
 */
int64_t robust_semaphore_table(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    char name[SEM_NAME_MAX];
    int err = 0;
    for (int i = 0; i <= SEM_TABLE_SIZE && err == 0; i++) {
        snprintf(name, sizeof(name), "robust.full.%d", i);
        if (sem_open(name, 0) < 0)
            err = errno;
    }
    check(&t, err == ENOSPC, "sem_open with the table full", "syscall", -err, "ENOSPC");
    struct chalk_sem_info listing[SEM_TABLE_SIZE];
    expect_result(&t, "semaphores listed with the table full", sems(listing, SEM_TABLE_SIZE),
                  SEM_TABLE_SIZE);
    expect_result(&t, "sem_open of a name that exists, the table full",
                  sem_open("robust.full.0", 1), 0);
    return t.failed;
}

/* --- pipes whose other end goes ---------------------------------------------- */

/*
 * Fills its stdout, a pipe of whatever size, and sleeps in the write that
 * does not fit. Exits 0 when that write ended cut short or with EPIPE (its
 * reader went) and one more write is EPIPE.
 */
static int64_t flooder(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int64_t last;
    while ((last = syscall(SYS_WRITE, STDOUT_FILENO, flood, sizeof(flood))) == sizeof(flood))
        ;
    int64_t after = syscall(SYS_WRITE, STDOUT_FILENO, flood, 1);
    return (last >= 0 || last == -EPIPE) && after == -EPIPE ? 0 : 1;
}

int64_t robust_no_reader(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int fds[2];
    expect_result(&t, "pipe", pipe(fds), 0);
    close(fds[0]);
    expect(&t, "write to a pipe with no reader", -EPIPE, SYS_WRITE, fds[1], (uint64_t) "x", 1);
    close(fds[1]);

    /* A writer asleep on a full pipe when its last reader goes. */
    expect_result(&t, "pipe", pipe2(fds, FD_CLOSE_ON_SPAWN), 0);
    int pid = robust_start_until(&t, "flooder", flooder, SPAWN_INHERIT_FD, fds[1], PROC_SLEEPING);
    close(fds[1]);
    close(fds[0]);
    expect_exit(&t, "the writer, cut short then EPIPE", pid, 0);
    return t.failed;
}

/* Writes "abc", then writes through NULL: the kernel kills it. */
static int64_t writes_then_faults(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    write(STDOUT_FILENO, "abc", 3);
    fault_kind_find("null")->misbehave();
    return 1;
}

/* Reads fd to end of file: how many bytes, or -errno. */
static int64_t read_to_end(int fd)
{
    char buf[512];
    int64_t total = 0, n;
    while ((n = syscall(SYS_READ, fd, buf, sizeof(buf))) > 0)
        total += n;
    return n < 0 ? n : total;
}

/* A writer that dies, by a fault or killed asleep, is end of file for its reader. */
int64_t robust_writer_dies(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int fds[2];
    expect_result(&t, "pipe", pipe2(fds, FD_CLOSE_ON_SPAWN), 0);
    int pid = robust_start("dying writer", writes_then_faults, SPAWN_INHERIT_FD, fds[1]);
    close(fds[1]);
    expect_result(&t, "bytes read until the faulting writer's end", read_to_end(fds[0]), 3);
    expect_exit(&t, "the writer's status", pid, EXIT_FAULT(FAULT_NULL_POINTER));
    close(fds[0]);

    expect_result(&t, "pipe", pipe2(fds, FD_CLOSE_ON_SPAWN), 0);
    pid = robust_start_until(&t, "silent writer", robust_sleeper, SPAWN_INHERIT_FD, fds[1],
                             PROC_SLEEPING);
    close(fds[1]);
    expect_result(&t, "kill of the writer", kill(pid), 0);
    /* The read sleeps until the writer, woken by the kill, dies and closes its end. */
    expect_result(&t, "bytes read until the killed writer's end", read_to_end(fds[0]), 0);
    expect_killed(&t, "the killed writer's end", pid);
    close(fds[0]);
    return t.failed;
}

/* --- killed while asleep ------------------------------------------------------- */

static int64_t sem_waiter(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    return sem_open(sem_name, 0) == 0 && sem_wait(sem_name) == 0 ? 0 : 1;
}

/* The killed waiter leaves the queue, and the next post's unit is not lost on it. */
int64_t robust_killed_in_sem_wait(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    expect_result(&t, "sem_open", sem_open(sem_name, 0), 0);
    int pid = robust_start_until(&t, "sem waiter", sem_waiter, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD,
                                 PROC_SLEEPING);
    expect_result(&t, "kill of the waiter", kill(pid), 0);
    expect_killed(&t, "the killed waiter's end", pid);
    struct chalk_sem_info info = {0};
    check(&t, find_semaphore(sem_name, &info) && info.waiting == 0 && info.users == 1,
          "the semaphore after the kill", "syscall", info.waiting, "nobody waiting, 1 user");
    expect_result(&t, "sem_post", sem_post(sem_name), 0);
    check(&t, find_semaphore(sem_name, &info) && info.value == 1, "the value after the post",
          "syscall", info.value, "1");
    expect_result(&t, "sem_close", sem_close(sem_name), 0);
    return t.failed;
}

static int64_t stdin_reader(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    char c;
    return read(STDIN_FILENO, &c, 1);
}

/* The killed reader's end goes; the pipe goes on working for its other reader. */
int64_t robust_killed_in_pipe_read(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int fds[2];
    expect_result(&t, "pipe", pipe2(fds, FD_CLOSE_ON_SPAWN), 0);
    int pid =
        robust_start_until(&t, "reader", stdin_reader, fds[0], SPAWN_INHERIT_FD, PROC_SLEEPING);
    expect_result(&t, "kill of the reader", kill(pid), 0);
    expect_killed(&t, "the killed reader's end", pid);
    struct chalk_pipe_info info = {0};
    check(&t, newest_pipe(&info) && info.readers == 1 && info.writers == 1,
          "the pipe after the kill", "syscall", info.readers, "1 reader, 1 writer");
    expect_result(&t, "write after the kill", write(fds[1], "x", 1), 1);
    char c = 0;
    expect_result(&t, "read it back", read(fds[0], &c, 1), 1);
    close(fds[0]);
    close(fds[1]);
    return t.failed;
}

/* What the killed writer put in stays readable, then end of file. */
int64_t robust_killed_in_pipe_write(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int fds[2];
    expect_result(&t, "pipe", pipe2(fds, FD_CLOSE_ON_SPAWN), 0);
    int pid = robust_start_until(&t, "flooder", flooder, SPAWN_INHERIT_FD, fds[1], PROC_SLEEPING);
    close(fds[1]);
    struct chalk_pipe_info info = {0};
    check(&t, newest_pipe(&info) && info.buffered == info.capacity, "the pipe the writer filled",
          "syscall", info.buffered, "full");
    expect_result(&t, "kill of the writer", kill(pid), 0);
    expect_killed(&t, "the killed writer's end", pid);
    expect_result(&t, "bytes read, then end of file", read_to_end(fds[0]), info.capacity);
    close(fds[0]);
    return t.failed;
}

/* Starts a sleeper and waits for it. */
static int64_t waits_for_sleeper(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    int pid = robust_start("sleeper", robust_sleeper, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    return pid > 0 ? waitpid(pid, NULL, 0) : 1;
}

/* The child of pid (the first ps lists), or -1. */
static int child_of(int pid)
{
    int count, child = -1;
    struct chalk_proc_info *procs = process_table(&count);
    for (int i = 0; procs && i < count && child < 0; i++)
        if (procs[i].ppid == pid)
            child = procs[i].pid;
    free(procs);
    return child;
}

/* The killed parent's sleeping child goes to init, which reaps it when it is killed too. */
int64_t robust_killed_in_waitpid(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct tally t = {0};
    int pid = robust_start_until(&t, "waiter", waits_for_sleeper, SPAWN_INHERIT_FD,
                                 SPAWN_INHERIT_FD, PROC_SLEEPING);
    int orphan = child_of(pid);
    check(&t, orphan > 0 && wait_for_state(orphan, PROC_SLEEPING), "the waiter's child", "syscall",
          orphan, "a sleeping child");
    expect_result(&t, "kill of the waiter", kill(pid), 0);
    expect_killed(&t, "the killed waiter's end", pid);
    struct chalk_proc_info row = {0};
    check(&t, find_process(orphan, &row) && row.ppid == 1, "the orphan's parent", "syscall",
          row.ppid, "init (1)");
    expect_result(&t, "kill of the orphan", kill(orphan), 0);
    check(&t, wait_for_state(orphan, PROC_GONE), "the orphan, reaped by init", "syscall", orphan,
          "gone");
    return t.failed;
}
