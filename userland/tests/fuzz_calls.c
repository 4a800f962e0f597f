/*
 * The calls a fuzz worker makes: for each, how its arguments are drawn and
 * what the kernel must make of them (docs/syscalls.md is the contract).
 *
 * Every call but shutdown and reboot is here, through both entries. What
 * could hurt more than the worker is kept within bounds: pids are only
 * those of the run's own processes or ones the kernel must refuse (init to
 * kill and block, which refuse it); sleeps last a few milliseconds;
 * children run a function that ends within milliseconds, or one that
 * faults (they must die alone); the worker holds a few heap blocks and
 * semaphores at most, so other programs running beside it still find room
 * (not always a pipe: fuzz.h). The worker's own descriptors are fair game:
 * 0, 1 and 2 are pipes of the command's, never the console.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/checks.h"
#include "tests/fuzz.h"

#define LISTING_LEAST 64 /* every listing takes at least this many entries (pipes: 64) */
#define HEAP_MAX      (256ULL << 20) /* the user heap is at most 256 MiB (docs/memory.md) */
#define HEAP_ALIGN    16
#define USER_END      0x0000800000000000ULL /* the first address past user space */

/* ---- descriptors ---------------------------------------------------------- */

static void make_transfer(struct fuzz_worker *w, struct fuzz_call *call, uint64_t number, bool out)
{
    bool bad_fd;
    struct fuzz_buffer buf = fuzz_buffer(w, out, 0);
    call->number = number;
    call->args[0] = fuzz_fd(w, &bad_fd);
    call->args[1] = buf.addr;
    call->args[2] = buf.len;
    call->must_fail = bad_fd || buf.bad;
}

static void make_read(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_transfer(w, call, SYS_READ, true);
}

static void make_write(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_transfer(w, call, SYS_WRITE, false);
}

static void after_transfer(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (result > 0 && (uint64_t)result > call->args[2])
        fuzz_fail(w, call, result, "moved more bytes than it was given");
}

static void make_close(struct fuzz_worker *w, struct fuzz_call *call)
{
    call->number = SYS_CLOSE;
    call->args[0] = fuzz_fd(w, &call->must_fail);
}

static void make_dup2(struct fuzz_worker *w, struct fuzz_call *call)
{
    bool bad_old, bad_new;
    call->number = SYS_DUP2;
    call->args[0] = fuzz_fd(w, &bad_old);
    call->args[1] = fuzz_fd(w, &bad_new);
    call->must_fail = bad_old || bad_new;
}

static void make_pipe(struct fuzz_worker *w, struct fuzz_call *call)
{
    static const uint64_t flags[] = {0, 0, FD_CLOSE_ON_SPAWN, 2, ~0ULL, 1ULL << 32};
    struct fuzz_buffer fds = fuzz_buffer(w, true, 2 * sizeof(int));
    call->number = SYS_PIPE;
    call->args[0] = fds.addr;
    call->args[1] = FUZZ_PICK(w, flags);
    call->must_fail = fds.bad || (call->args[1] & ~(uint64_t)FD_CLOSE_ON_SPAWN);
}

static void after_pipe(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (result != 0 || call->must_fail)
        return; /* only an accepted buffer is the worker's to read */
    const int *fds = (const int *)call->args[0];
    if (fds[0] < 0 || fds[0] >= FUZZ_FDS || fds[1] < 0 || fds[1] >= FUZZ_FDS || fds[0] == fds[1])
        fuzz_fail(w, call, result, "gave descriptors that cannot be");
}

static void make_console_raw(struct fuzz_worker *w, struct fuzz_call *call)
{
    /* Harmless: the shell sets the mode it wants before each prompt. */
    call->number = SYS_CONSOLE_RAW;
    call->args[0] = fuzz_one_in(w, 2) ? fuzz_below(w, 2) : fuzz_integer(w);
}

/* ---- listings and figures ------------------------------------------------- */

static void make_listing(struct fuzz_worker *w, struct fuzz_call *call, uint64_t number,
                         uint64_t entry)
{
    static const int64_t maxes[] = {0, -1, INT_MIN,       INT64_MIN, 1,         2,
                                    3, 8,  LISTING_LEAST, INT_MAX,   1LL << 32, INT64_MAX};
    int64_t max = FUZZ_PICK(w, maxes);
    struct fuzz_buffer buf;
    if (max <= 0)
        buf = fuzz_buffer(w, true, 0);
    else if (max <= LISTING_LEAST && (uint64_t)max * entry <= FUZZ_SCRATCH)
        buf = fuzz_buffer(w, true, (uint64_t)max * entry);
    else /* the kernel wants room for more entries than the worker can give */
        buf = fuzz_refused_buffer(w, LISTING_LEAST * entry);
    call->number = number;
    call->args[0] = buf.addr;
    call->args[1] = (uint64_t)max;
    call->must_fail = max <= 0 || buf.bad;
}

static void make_ps(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_listing(w, call, SYS_PS, sizeof(struct chalk_proc_info));
}

static void make_pipes(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_listing(w, call, SYS_PIPES, sizeof(struct chalk_pipe_info));
}

static void make_sems(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_listing(w, call, SYS_SEMS, sizeof(struct chalk_sem_info));
}

static void after_listing(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (!syscall_failed(result) && result > (int64_t)call->args[1])
        fuzz_fail(w, call, result, "listed more entries than it was given room for");
}

static void make_memstats(struct fuzz_worker *w, struct fuzz_call *call)
{
    struct fuzz_buffer buf = fuzz_buffer(w, true, sizeof(struct chalk_mem_stats));
    call->number = SYS_MEMSTATS;
    call->args[0] = buf.addr;
    call->must_fail = buf.bad;
    call->must_succeed = !buf.bad;
}

static void after_memstats(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (result != 0 || call->must_fail)
        return;
    const struct chalk_mem_stats *s = (const struct chalk_mem_stats *)call->args[0];
    if (s->heap_used > s->heap_total || s->frames_free > s->frames_total ||
        s->kernel_heap_used > s->kernel_heap_total)
        fuzz_fail(w, call, result, "figures that cannot be");
}

/* ---- processes -------------------------------------------------------------- */

static void make_exit(struct fuzz_worker *w, struct fuzz_call *call)
{
    /* The worker ends; the command starts another in its slot. */
    call->number = SYS_EXIT;
    call->args[0] = fuzz_integer(w);
}

static void make_getpid(struct fuzz_worker *w, struct fuzz_call *call)
{
    (void)w;
    call->number = SYS_GETPID;
}

static void after_getpid(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (result != w->pid)
        fuzz_fail(w, call, result, "not the worker's pid");
}

static void make_getppid(struct fuzz_worker *w, struct fuzz_call *call)
{
    (void)w;
    call->number = SYS_GETPPID;
}

static void after_getppid(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    /* The command, or init once the command is gone. */
    if (result != w->run->command && result != 1)
        fuzz_fail(w, call, result, "neither the command's pid nor init's");
}

static void make_pid_call(struct fuzz_worker *w, struct fuzz_call *call, uint64_t number,
                          enum fuzz_pid_use use)
{
    call->number = number;
    call->args[0] = fuzz_pid(w, use, &call->must_fail);
}

static void make_kill(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_pid_call(w, call, SYS_KILL, PID_KILL);
}

static void make_block(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_pid_call(w, call, SYS_BLOCK, PID_BLOCK);
}

static void make_unblock(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_pid_call(w, call, SYS_UNBLOCK, PID_CHANGE);
}

static void make_nice(struct fuzz_worker *w, struct fuzz_call *call)
{
    static const uint64_t bad_priorities[] = {~0ULL, PRIORITY_LOWEST + 1, INT_MAX, 1ULL << 32};
    make_pid_call(w, call, SYS_NICE, PID_CHANGE);
    if (fuzz_one_in(w, 4)) {
        call->args[1] = FUZZ_PICK(w, bad_priorities);
        call->must_fail = true;
    } else {
        call->args[1] = fuzz_below(w, PRIORITY_LOWEST + 1);
    }
}

static void make_waitpid(struct fuzz_worker *w, struct fuzz_call *call)
{
    static const uint64_t flags[] = {0, WAIT_NOHANG, WAIT_NOHANG, WAIT_NOHANG, 2, ~0ULL};
    bool bad_pid;
    call->number = SYS_WAITPID;
    call->args[0] = fuzz_pid(w, PID_WAIT, &bad_pid);
    struct fuzz_buffer status = {0, 0, false};
    if (!fuzz_one_in(w, 3))
        status = fuzz_buffer(w, true, sizeof(int));
    call->args[1] = status.addr;
    call->args[2] = FUZZ_PICK(w, flags);
    /* A NULL status is no status, not a bad pointer. */
    call->must_fail =
        bad_pid || (status.bad && status.addr != 0) || (call->args[2] & ~(uint64_t)WAIT_NOHANG);
}

static void make_yield(struct fuzz_worker *w, struct fuzz_call *call)
{
    (void)w;
    call->number = SYS_YIELD;
    call->must_succeed = true;
}

/* ---- time ------------------------------------------------------------------- */

static void make_sleep(struct fuzz_worker *w, struct fuzz_call *call)
{
    call->number = SYS_SLEEP;
    call->args[0] = fuzz_below(w, 4);
    call->must_succeed = true;
}

static void make_uptime(struct fuzz_worker *w, struct fuzz_call *call)
{
    (void)w;
    call->number = SYS_UPTIME;
}

static void after_uptime(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (result < w->last_uptime)
        fuzz_fail(w, call, result, "earlier than an uptime before it");
    w->last_uptime = result;
}

static void make_tsc_hz(struct fuzz_worker *w, struct fuzz_call *call)
{
    (void)w;
    call->number = SYS_TSC_HZ;
}

/* ---- memory ----------------------------------------------------------------- */

static void make_malloc(struct fuzz_worker *w, struct fuzz_call *call)
{
    static const uint64_t sizes[] = {0,       1,          8,          16,    100,
                                     4095,    4096,       4097,       65536, 1 << 20,
                                     INT_MAX, 1ULL << 32, 1ULL << 40, ~0ULL, 1ULL << 63};
    call->number = SYS_MALLOC;
    call->args[0] = FUZZ_PICK(w, sizes);
    call->must_fail = call->args[0] == 0 || call->args[0] > HEAP_MAX;
}

static void after_malloc(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (syscall_failed(result))
        return;
    uint64_t addr = (uint64_t)result, size = call->args[0];
    if (addr % HEAP_ALIGN || addr < FUZZ_PAGE_SIZE || addr >= USER_END || size > USER_END - addr)
        fuzz_fail(w, call, result, "a block outside user space");
    else
        fuzz_add_block(w, addr, size);
}

static bool holds_block(const struct fuzz_worker *w, uint64_t addr)
{
    for (int i = 0; i < w->block_count; i++)
        if (w->blocks[i].addr == addr)
            return true;
    return false;
}

/*
 * One of the worker's blocks, 0, or an address that is no block of the
 * worker's: the middle of one, one given back already (unless the heap
 * handed it out again), code, or a hostile address.
 */
static void make_free(struct fuzz_worker *w, struct fuzz_call *call)
{
    call->number = SYS_FREE;
    call->args[0] = 0;
    unsigned choice = (unsigned)fuzz_below(w, 6);
    if (choice < 3 && w->block_count)
        call->args[0] = w->blocks[fuzz_below(w, (uint64_t)w->block_count)].addr;
    else if (choice == 3 && w->block_count)
        call->args[0] = w->blocks[0].addr + HEAP_ALIGN;
    else if (choice == 3)
        call->args[0] = w->freed;
    else if (choice == 4)
        call->args[0] = (uint64_t)make_free;
    else if (choice == 5)
        call->args[0] = fuzz_hostile_address(w);
    /* A block of ours may be refused only when another program poisoned the heap (after_free). */
    call->must_succeed = call->args[0] == 0;
    call->must_fail = call->args[0] != 0 && !holds_block(w, call->args[0]);
}

static void after_free(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (!holds_block(w, call->args[0]))
        return;
    if (result != 0 && result != -EFAULT)
        fuzz_fail(w, call, result, "refused to free a block the worker holds");
    fuzz_forget_block(w, call->args[0]);
}

/* ---- semaphores ------------------------------------------------------------- */

/* A name: one the run's workers share, or one the kernel must refuse (bad). */
static uint64_t sem_name(struct fuzz_worker *w, bool *bad)
{
    static const char too_long[] = "fuzz.a-name-of-thirty-two-bytes!"; /* one byte too many */
    static const char longest[] = "fuzz.a-name-of-thirty-one-bytes";
    _Static_assert(sizeof(too_long) == SEM_NAME_MAX + 1, "the name is one byte too long");
    _Static_assert(sizeof(longest) == SEM_NAME_MAX, "the name is the longest allowed");
    *bad = false;
    switch (fuzz_below(w, 12)) {
    case 0:
        *bad = true;
        return (uint64_t) "";
    case 1:
        *bad = true;
        return (uint64_t)too_long;
    case 2:
        return (uint64_t)longest;
    case 3: { /* ending at the top of the stack, or running into the unmapped page */
        bool terminated = fuzz_one_in(w, 2);
        uint64_t at = fuzz_text_at_top(w, w->sems[0], terminated);
        if (at) {
            *bad = !terminated;
            return at;
        }
        break;
    }
    case 4:
        *bad = true;
        return fuzz_hostile_address(w);
    default:
        break;
    }
    return (uint64_t)w->sems[fuzz_below(w, FUZZ_SEMS)];
}

static void make_sem_open(struct fuzz_worker *w, struct fuzz_call *call)
{
    static const uint64_t values[] = {0, 1, 1, 2, 5, SEM_VALUE_MAX};
    static const uint64_t bad_values[] = {(uint64_t)SEM_VALUE_MAX + 1, ~0ULL, 1ULL << 32};
    call->number = SYS_SEM_OPEN;
    call->args[0] = sem_name(w, &call->must_fail);
    if (fuzz_one_in(w, 8)) {
        call->args[1] = FUZZ_PICK(w, bad_values);
        call->must_fail = true;
    } else {
        call->args[1] = FUZZ_PICK(w, values);
    }
}

static void make_sem_call(struct fuzz_worker *w, struct fuzz_call *call, uint64_t number)
{
    call->number = number;
    call->args[0] = sem_name(w, &call->must_fail);
}

static void make_sem_wait(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_sem_call(w, call, SYS_SEM_WAIT);
}

static void make_sem_post(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_sem_call(w, call, SYS_SEM_POST);
}

static void make_sem_close(struct fuzz_worker *w, struct fuzz_call *call)
{
    make_sem_call(w, call, SYS_SEM_CLOSE);
}

/* ---- numbers that are no call ----------------------------------------------- */

static void make_unknown(struct fuzz_worker *w, struct fuzz_call *call)
{
    static const uint64_t numbers[] = {
        SYS_COUNT,
        SYS_COUNT + 1,
        255,
        9999,
        ~0ULL,
        (uint64_t)-SYS_COUNT,
        1ULL << 32 | SYS_GETPID,
        1ULL << 63 | SYS_READ,
    };
    call->number = FUZZ_PICK(w, numbers);
}

static void after_unknown(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (result != -ENOSYS)
        fuzz_fail(w, call, result, "not -ENOSYS for a number that is no call");
}

const struct fuzz_kind fuzz_kinds[] = {
    {"read", 80, make_read, after_transfer},
    {"write", 80, make_write, after_transfer},
    {"close", 30, make_close, NULL},
    {"dup2", 30, make_dup2, NULL},
    {"spawn", 60, fuzz_make_spawn, fuzz_after_spawn},
    {"exit", 1, make_exit, NULL},
    {"getpid", 20, make_getpid, after_getpid},
    {"getppid", 20, make_getppid, after_getppid},
    {"kill", 40, make_kill, NULL},
    {"nice", 30, make_nice, NULL},
    {"block", 20, make_block, NULL},
    {"unblock", 30, make_unblock, NULL},
    {"yield", 20, make_yield, NULL},
    {"waitpid", 50, make_waitpid, NULL},
    {"ps", 30, make_ps, after_listing},
    {"sleep", 20, make_sleep, NULL},
    {"uptime", 20, make_uptime, after_uptime},
    {"malloc", 50, make_malloc, after_malloc},
    {"free", 50, make_free, after_free},
    {"memstats", 30, make_memstats, after_memstats},
    {"console_raw", 10, make_console_raw, NULL},
    {"pipe", 40, make_pipe, after_pipe},
    {"pipes", 20, make_pipes, after_listing},
    {"sem_open", 40, make_sem_open, NULL},
    {"sem_wait", 30, make_sem_wait, NULL},
    {"sem_post", 40, make_sem_post, NULL},
    {"sem_close", 30, make_sem_close, NULL},
    {"sems", 20, make_sems, after_listing},
    {"tsc_hz", 10, make_tsc_hz, NULL},
    {"unknown", 20, make_unknown, after_unknown},
};

const unsigned fuzz_kind_count = sizeof(fuzz_kinds) / sizeof(fuzz_kinds[0]);
