/*
 * spawn, the call with the most to check: a request in user memory that
 * points at a name, an array of pointers and the strings they point at,
 * each of which may be bad in its own way (docs/syscalls.md lists the
 * order of the checks). The request is built in the worker's scratch area,
 * or put against the top of its stack with one of its parts running into
 * the unmapped page above.
 *
 * What a child may run. Only process_start with one of the functions below
 * (or, now and then, with a function pointer that faults, so the child must
 * die alone), or an entry the kernel must refuse: all processes share the
 * image, so a child started in the middle of some function could write
 * anywhere in it. Every child ends by itself within milliseconds, but for
 * the relay, which waits for input; the worker kills the oldest of its
 * children when it starts more than FUZZ_CHILDREN, and the command kills
 * whatever is left at the end.
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "tests/checks.h"
#include "tests/fuzz.h"

/* Where spawn's request and what it points to are built, in the scratch area. */
enum {
    SPEC_AT = 0,
    NAME_AT = 128, /* up to 128 bytes */
    ARGV_AT = 256, /* SPAWN_MAX_ARGS + 1 pointers */
    WORD_AT = 1024,
    LONGEST_AT = 1280,  /* SPAWN_MAX_ARGLEN bytes, the terminator included: the longest argument */
    TOO_LONG_AT = 1536, /* one more */
};
_Static_assert(TOO_LONG_AT + SPAWN_MAX_ARGLEN + 1 <= FUZZ_SCRATCH, "spawn's request fits");

#define RELAY_CHUNK 64

static const char not_code[] = "fuzz: constant data, which no process may run";

/* What children run. */

/*
 * Whether Ctrl+C would miss a child started with flags: in a job other than
 * the command's, or ignoring it. Such a child must end by itself, so it is
 * never blocked and never a relay.
 */
static bool escapes_ctrl_c(uint32_t flags)
{
    return flags & (SPAWN_NEW_JOB | SPAWN_JOIN_JOB | SPAWN_IGNORE_INTERRUPT);
}

static int64_t child_exits(uint64_t argc, char *argv[])
{
    (void)argv;
    return (int64_t)argc;
}

static int64_t child_naps(uint64_t argc, char *argv[])
{
    (void)argv;
    sleep_ms(1 + argc % 3);
    return 0;
}

/* A stage of a pipeline: what it reads, if anything comes, it writes on. */
static int64_t child_relays(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    char buf[RELAY_CHUNK];
    ssize_t n = read(STDIN_FILENO, buf, sizeof(buf));
    if (n > 0)
        write(STDOUT_FILENO, buf, (size_t)n);
    return 0;
}

static int64_t child_spins(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    uint64_t until = uptime_ms() + 2;
    while (uptime_ms() < until)
        ;
    return 0;
}

/*
 * The function process_start calls: now and then one that faults, killing
 * the child alone. A relay may wait for good: only a child Ctrl+C ends may
 * run one.
 */
static uint64_t child_function(struct fuzz_worker *w, bool escapes)
{
    static const process_fn runs[] = {child_exits, child_naps, child_spins, child_relays};
    static const uint64_t faults[] = {0, KERNEL_IMAGE, (uint64_t)not_code};
    if (fuzz_one_in(w, 64))
        return FUZZ_PICK(w, faults);
    process_fn run = FUZZ_PICK(w, runs);
    return (uint64_t)(run == child_relays && escapes ? child_exits : run);
}

/* An entry the kernel must refuse: nothing a process could start at. */
static uint64_t bad_entry(struct fuzz_worker *w)
{
    switch (fuzz_below(w, 4)) {
    case 0:
        return (uint64_t)fuzz_scratch(w, 0); /* the stack: not executable */
    case 1:
        return (uint64_t)not_code; /* constant data: not executable */
    case 2:
        if (w->block_count)
            return w->blocks[0].addr; /* the heap: not executable */
        /* fall through */
    default:
        return fuzz_hostile_address(w);
    }
}

/* Which part of a spawn request, if any, is put against the top of the stack. */
enum top_part { TOP_NONE, TOP_NAME, TOP_ARGV, TOP_REQUEST };

/* The child's name: always starting with the run's tag, so the command can find it. */
static uint64_t spawn_name(struct fuzz_worker *w, enum top_part top, bool *bad)
{
    char *name = fuzz_scratch(w, NAME_AT);
    const char *tag = w->run->tag;
    if (top == TOP_NAME) { /* ending at the top, or running into the unmapped page above */
        bool terminated = fuzz_one_in(w, 2);
        snprintf(name, PROC_NAME_MAX, "%s top", tag);
        *bad |= !terminated;
        return fuzz_text_at_top(w, name, terminated);
    }
    switch (fuzz_below(w, 8)) {
    case 0: /* longer than the 64 bytes spawn copies: cut, not refused */
        snprintf(name, ARGV_AT - NAME_AT, "%s child, named at a length spawn has to cut short",
                 tag);
        break;
    case 1:
        *bad = true;
        return fuzz_hostile_address(w);
    default:
        snprintf(name, PROC_NAME_MAX, "%s child", tag);
    }
    return (uint64_t)name;
}

/* argc and argv: up to 32 arguments of up to 255 bytes. */
static void spawn_args(struct fuzz_worker *w, struct chalk_spawn *spec, enum top_part top,
                       bool *bad)
{
    char *word = fuzz_scratch(w, WORD_AT), *longest = fuzz_scratch(w, LONGEST_AT),
         *too_long = fuzz_scratch(w, TOO_LONG_AT);
    strcpy(word, "x");
    memset(longest, 'l', SPAWN_MAX_ARGLEN - 1);
    longest[SPAWN_MAX_ARGLEN - 1] = '\0';
    memset(too_long, 't', SPAWN_MAX_ARGLEN);
    too_long[SPAWN_MAX_ARGLEN] = '\0';

    uint64_t *argv = fuzz_scratch(w, ARGV_AT);
    uint64_t argc = fuzz_below(w, 4), room = SPAWN_MAX_ARGS;
    bool refused = false;
    if (top == TOP_ARGV) { /* the array ends at the top, or its last pointer is past it */
        room = 1 + fuzz_below(w, 3);
        argv = (uint64_t *)(w->top - room * sizeof(uint64_t));
        argc = room + fuzz_below(w, 2);
        refused = argc > room;
    } else {
        switch (fuzz_below(w, 8)) {
        case 0: /* the most there may be, or one more */
            argc = SPAWN_MAX_ARGS + fuzz_below(w, 2);
            break;
        case 1:
            argc = fuzz_integer(w);
            break;
        case 2: /* argv itself is nothing the kernel may read */
            spec->argc = 1 + fuzz_below(w, 3);
            spec->argv = (char *const *)fuzz_hostile_address(w);
            *bad = true;
            return;
        default:
            break;
        }
        refused = argc > SPAWN_MAX_ARGS;
    }
    uint64_t fill = argc < room ? argc : room;
    for (uint64_t i = 0; i < fill; i++)
        argv[i] = (uint64_t)word;
    if (fill > 0 && !refused) { /* the last one: the longest allowed, or one the kernel refuses */
        switch (fuzz_below(w, 4)) {
        case 0:
            argv[fill - 1] = (uint64_t)longest;
            break;
        case 1:
            argv[fill - 1] = (uint64_t)too_long;
            refused = true;
            break;
        case 2:
            argv[fill - 1] = fuzz_hostile_address(w);
            refused = true;
            break;
        default:
            break;
        }
    }
    spec->argc = argc;
    /* With no arguments argv is not read: NULL, or anything. */
    spec->argv = argc == 0 && fuzz_one_in(w, 2) ? (char *const *)fuzz_hostile_address(w)
                                                : (char *const *)argv;
    *bad |= refused;
}

/* A descriptor for the child's stdin or stdout: one of ours, inherited, or out of range. */
static int32_t spawn_fd(struct fuzz_worker *w, bool *bad)
{
    if (fuzz_one_in(w, 2))
        return SPAWN_INHERIT_FD;
    bool ignored;
    int32_t fd = (int32_t)fuzz_fd(w, &ignored);
    *bad |= fd < SPAWN_INHERIT_FD || fd >= FUZZ_FDS;
    return fd;
}

static bool is_child(const struct fuzz_worker *w, int pid)
{
    for (int i = 0; i < w->child_count; i++)
        if (w->children[i].pid == pid)
            return true;
    return false;
}

static uint32_t spawn_flags(struct fuzz_worker *w, struct chalk_spawn *spec, bool *bad)
{
    const uint32_t known =
        SPAWN_NEW_JOB | SPAWN_FOREGROUND | SPAWN_IGNORE_INTERRUPT | SPAWN_JOIN_JOB;
    uint32_t flags = 0;
    if (fuzz_one_in(w, 4))
        flags |= SPAWN_NEW_JOB;
    if (fuzz_one_in(w, 8))
        flags |= SPAWN_FOREGROUND;
    if (fuzz_one_in(w, 8))
        flags |= SPAWN_IGNORE_INTERRUPT;
    if (fuzz_one_in(w, 8))
        flags |= SPAWN_JOIN_JOB;
    if (fuzz_one_in(w, 32))
        flags |= 1u << (4 + fuzz_below(w, 28));
    bool ignored;
    spec->job = (int32_t)fuzz_pid(w, PID_KILL, &ignored);
    *bad |= (flags & ~known) || ((flags & SPAWN_FOREGROUND) && !(flags & SPAWN_NEW_JOB)) ||
            ((flags & SPAWN_JOIN_JOB) && (flags & SPAWN_NEW_JOB)) ||
            ((flags & SPAWN_JOIN_JOB) && !is_child(w, spec->job)); /* only a child's job */
    return flags;
}

void fuzz_make_spawn(struct fuzz_worker *w, struct fuzz_call *call)
{
    static const int32_t bad_priorities[] = {-1, PRIORITY_LOWEST + 1, INT_MAX, INT_MIN};
    enum top_part top = w->top ? (enum top_part)fuzz_below(w, 8) : TOP_NONE;
    if (top > TOP_REQUEST)
        top = TOP_NONE;
    bool bad = false;
    struct chalk_spawn spec = {0};
    spec.flags = spawn_flags(w, &spec, &bad);
    if (fuzz_one_in(w, 16)) {
        spec.entry = bad_entry(w);
        bad = true;
    } else {
        spec.entry = (uint64_t)process_start;
        spec.arg = child_function(w, escapes_ctrl_c(spec.flags));
    }
    spec.name = (const char *)spawn_name(w, top, &bad);
    spawn_args(w, &spec, top, &bad);
    if (fuzz_one_in(w, 8)) {
        spec.priority = FUZZ_PICK(w, bad_priorities);
        bad = true;
    } else {
        spec.priority = (int32_t)fuzz_below(w, PRIORITY_LOWEST + 1);
    }
    spec.stdin_fd = spawn_fd(w, &bad);
    spec.stdout_fd = spawn_fd(w, &bad);

    call->number = SYS_SPAWN;
    if (top == TOP_REQUEST) { /* only its first bytes below the top */
        uint64_t room = fuzz_below(w, sizeof(spec));
        memcpy((void *)(w->top - room), &spec, room);
        call->args[0] = w->top - room;
        bad = true;
    } else if (fuzz_one_in(w, 16)) {
        call->args[0] = fuzz_hostile_address(w);
        bad = true;
    } else {
        memcpy(fuzz_scratch(w, SPEC_AT), &spec, sizeof(spec));
        call->args[0] = (uint64_t)fuzz_scratch(w, SPEC_AT);
    }
    call->must_fail = bad;
}

void fuzz_after_spawn(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result)
{
    if (syscall_failed(result))
        return;
    __atomic_fetch_add(&w->run->children, 1, __ATOMIC_SEQ_CST);
    /* Only a request in the scratch area can be accepted; any other is counted as the worst. */
    const struct chalk_spawn *spec = fuzz_scratch(w, SPEC_AT);
    fuzz_add_child(w, (int)result, call->args[0] != (uint64_t)spec || escapes_ctrl_c(spec->flags));
}
