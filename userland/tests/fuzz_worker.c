/*
 * One fuzz worker: a loop of random system calls, each checked.
 *
 * Arguments. Random bits alone would almost always be rejected by the first
 * check a handler makes, so every argument comes from a pool biased to the
 * values where checks go wrong: 0, 1, -1, INT_MAX and INT_MIN, 2^32, ~0;
 * pointers into the kernel's image and its direct map, into the first
 * page, past the end of user space, into the non-canonical hole; buffers
 * that end exactly where mapped memory ends and ones that run one byte
 * past it; valid descriptors, pids and names mixed with invalid ones. Every
 * register a call does not read gets an edge value too: it must not matter.
 *
 * Which memory the worker offers. The kernel may write wherever it accepts
 * a buffer, so only memory the worker owns is ever offered as valid, and
 * never more of it than it owns: the scratch area at the bottom of its
 * stack, its heap blocks, and the top of its stack (its last argument, a
 * padding string). Globals and the rest of the stack are never offered: a
 * correct kernel writing them would wreck the worker (or, since all
 * processes share the image, another program), and that is a bug of the
 * test, not of the kernel. What the kernel must refuse can be anything.
 *
 * The oracle. Each generator says what the kernel must do with the
 * arguments it made: fail (an argument the contract says it refuses: a
 * pointer it cannot use, a descriptor out of range, a negative count),
 * succeed (nothing wrong and nothing that could run out), or either. A
 * result against that, or a negative result that is not an error code, is
 * recorded in the run as an impossible result; generators check more of
 * some results (fuzz_calls.c). The rest of the oracle is the kernel staying
 * up, and the command's leak check at the end.
 *
 * Replay. A worker's choices come from a xorshift generator seeded from
 * the run's seed, its slot and its incarnation, so a seed replays every
 * worker's sequence of calls; what varies between runs is the timing
 * (which call a sibling's kill interrupts) and the pids.
 */
#include <limits.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/checks.h"
#include "tests/fuzz.h"
#include "tests/tests.h"

#define TOP_ROOM   (FUZZ_PAD + 1) /* bytes of the last argument, its terminator included */
#define LOOK_EVERY 64             /* calls between two checks that the command is there */
/* A stack smaller than this (it is 64 KiB) would bring our frames down to the scratch area. */
#define STACK_AT_LEAST (4 * FUZZ_SCRATCH)

/* Constant data: mapped read-only, so the kernel must not write it. */
static const char constant_text[] = "fuzz: read-only data the kernel must not write";

uint64_t fuzz_random(struct fuzz_worker *w)
{
    return tests_random(&w->rng);
}

uint64_t fuzz_below(struct fuzz_worker *w, uint64_t bound)
{
    return tests_random_below(&w->rng, bound);
}

bool fuzz_one_in(struct fuzz_worker *w, uint64_t n)
{
    return fuzz_below(w, n) == 0;
}

uint64_t fuzz_integer(struct fuzz_worker *w)
{
    /* Small, around a page, around 32 bits, huge, negative. */
    static const uint64_t edges[] = {
        0,          1,          2,          3,     7,     8,           16,         255,
        256,        4095,       4096,       4097,  65536, INT_MAX,     1ULL << 31, UINT_MAX,
        1ULL << 32, 1ULL << 40, 1ULL << 63, ~0ULL, ~1ULL, FUZZ_INT_MIN};
    return fuzz_one_in(w, 8) ? fuzz_random(w) : FUZZ_PICK(w, edges);
}

uint64_t fuzz_hostile_address(struct fuzz_worker *w)
{
    static const uint64_t fixed[] = {
        0,
        UNMAPPED_LOW,
        FUZZ_PAGE_SIZE - 1,
        UNMAPPED_HIGH,
        KERNEL_IMAGE,
        KERNEL_IMAGE + 0x100000, /* inside the kernel's image */
        KERNEL_HALF,
        KERNEL_HALF + 0x100000, /* the direct map of RAM */
        0x00007FFFFFFFF000ULL,  /* the last page below USER_TOP: never mapped */
        0x0000800000000000ULL,  /* the first non-canonical address */
        0x8000000000000000ULL,
        0xFFFFFFFFFFFFF000ULL,
        ~0ULL,
    };
    switch (fuzz_below(w, 6)) {
    case 0: /* just below the stack */
        return w->scratch - 1 - fuzz_below(w, FUZZ_PAGE_SIZE);
    case 1: /* just above it */
        return w->top ? w->top + fuzz_below(w, 64) : UNMAPPED_HIGH;
    case 2: /* anywhere in the non-canonical hole */
        return 0x0000800000000000ULL | (fuzz_random(w) & 0x00007FFFFFFFFFFFULL);
    default:
        return FUZZ_PICK(w, fixed);
    }
}

void *fuzz_scratch(struct fuzz_worker *w, uint64_t offset)
{
    return (void *)(w->scratch + offset);
}

uint64_t fuzz_text_at_top(struct fuzz_worker *w, const char *text, bool terminated)
{
    if (!w->top)
        return 0;
    size_t len = strlen(text) + (terminated ? 1 : 0);
    if (len > TOP_ROOM)
        return 0;
    char *start = (char *)(w->top - len);
    memcpy(start, text, len);
    return (uint64_t)start;
}

/* A length of at most room bytes: an edge value when one fits, else the whole room or less. */
static uint64_t length_within(struct fuzz_worker *w, uint64_t room)
{
    uint64_t n = fuzz_integer(w);
    if (n <= room)
        return n;
    return fuzz_one_in(w, 2) ? room : fuzz_below(w, room + 1);
}

static struct fuzz_buffer in_scratch(struct fuzz_worker *w, uint64_t size)
{
    uint64_t len = size ? size : length_within(w, FUZZ_SCRATCH);
    return (struct fuzz_buffer){w->scratch + fuzz_below(w, FUZZ_SCRATCH - len + 1), len, false};
}

/*
 * Inside one of the worker's heap blocks. The kernel may read past its end
 * (into a neighbour's block: still mapped, harmless), never write there.
 */
static struct fuzz_buffer in_block(struct fuzz_worker *w, bool out, uint64_t size)
{
    int i = (int)fuzz_below(w, (uint64_t)w->block_count);
    uint64_t room = w->blocks[i].size, end = w->blocks[i].addr + room;
    if (!out && !size && fuzz_one_in(w, 4))
        return (struct fuzz_buffer){end - fuzz_below(w, 17), length_within(w, FUZZ_PAGE_SIZE),
                                    false};
    if (size > room)
        return in_scratch(w, size);
    uint64_t len = size ? size : length_within(w, room);
    return (struct fuzz_buffer){end - len - fuzz_below(w, room - len + 1), len, false};
}

/*
 * Ending near the top of the stack: exactly at it, one byte past it (bad),
 * or below it; a length too long for the room left is bad.
 */
static struct fuzz_buffer at_top(struct fuzz_worker *w, uint64_t size)
{
    uint64_t len = size ? size : fuzz_integer(w);
    uint64_t room;
    if (len > TOP_ROOM) {
        room = fuzz_below(w, TOP_ROOM + 1);
    } else {
        switch (fuzz_below(w, 3)) {
        case 0:
            room = len;
            break;
        case 1:
            room = len ? len - 1 : 0;
            break;
        default:
            room = len + fuzz_below(w, TOP_ROOM - len + 1);
        }
    }
    return (struct fuzz_buffer){w->top - room, len, len > room};
}

struct fuzz_buffer fuzz_refused_buffer(struct fuzz_worker *w, uint64_t size)
{
    switch (fuzz_below(w, 4)) {
    case 0:
        if (w->top) { /* its first bytes below the top, the rest in the unmapped page */
            uint64_t room = fuzz_below(w, size < TOP_ROOM ? size : TOP_ROOM);
            return (struct fuzz_buffer){w->top - room, size, true};
        }
        /* fall through */
    case 1: /* starting in the unmapped page below the stack */
        return (struct fuzz_buffer){w->scratch - 1 - fuzz_below(w, 64), size, true};
    default:
        return (struct fuzz_buffer){fuzz_hostile_address(w), size, true};
    }
}

struct fuzz_buffer fuzz_buffer(struct fuzz_worker *w, bool out, uint64_t size)
{
    switch (fuzz_below(w, 10)) {
    case 0:
    case 1:
        if (size <= FUZZ_SCRATCH)
            return in_scratch(w, size);
        break;
    case 2:
        if (w->block_count)
            return in_block(w, out, size);
        if (size <= FUZZ_SCRATCH)
            return in_scratch(w, size);
        break;
    case 3:
    case 4:
        if (w->top)
            return at_top(w, size);
        break;
    case 5: { /* code or constant data: readable, never writable */
        uint64_t len = size ? size : length_within(w, sizeof(constant_text));
        uint64_t addr = fuzz_one_in(w, 2) ? (uint64_t)fuzz_worker : (uint64_t)constant_text;
        return (struct fuzz_buffer){addr, len, out && len > 0};
    }
    default:
        break;
    }
    uint64_t len = size ? size : fuzz_integer(w);
    if (len == 0)
        return (struct fuzz_buffer){fuzz_hostile_address(w), 0, false};
    return fuzz_refused_buffer(w, len);
}

uint64_t fuzz_pid(struct fuzz_worker *w, enum fuzz_pid_use use, bool *bad)
{
    *bad = false;
    unsigned choice = (unsigned)fuzz_below(w, 64);
    if (choice < 32 && w->child_count > 0) {
        int i = (int)fuzz_below(w, (uint64_t)w->child_count);
        if (use != PID_BLOCK || !w->children[i].escapes_ctrl_c)
            return (uint64_t)w->children[i].pid;
    }
    switch (choice) {
    case 32: /* itself: kill ends it, block stops it until the command releases it */
        *bad = use == PID_WAIT;
        return (uint64_t)w->pid;
    case 33: {
        int sibling = w->run->workers[fuzz_below(w, FUZZ_WORKERS)];
        *bad = use == PID_WAIT || sibling <= 0;
        return (uint64_t)sibling;
    }
    case 34:
    case 35:
    case 36:
    case 37: /* init: kill and block refuse it, nor is it a child; nice would take it */
        if (use == PID_CHANGE)
            break;
        *bad = true;
        return 1;
    case 38:
    case 39:
    case 40:
    case 41: /* -1: any child to waitpid, no process to the others */
        *bad = use != PID_WAIT;
        return ~0ULL;
    default:
        break;
    }
    /* No process has these: pids stay below 2^24, and 2^32 + pid does not fit an int. */
    static const uint64_t none[] = {0, ~4ULL, FUZZ_INT_MIN, INT_MAX, 1ULL << 40};
    *bad = true;
    return fuzz_one_in(w, 4) ? 1ULL << 32 | (uint64_t)w->pid : FUZZ_PICK(w, none);
}

uint64_t fuzz_fd(struct fuzz_worker *w, bool *bad)
{
    static const uint64_t out_of_range[] = {
        ~0ULL, FUZZ_FDS, 64, 1000, INT_MAX, FUZZ_INT_MIN, 1ULL << 32 | 1,
    };
    *bad = fuzz_one_in(w, 8);
    if (*bad)
        return FUZZ_PICK(w, out_of_range);
    return fuzz_one_in(w, 2) ? fuzz_below(w, 3) : fuzz_below(w, FUZZ_FDS);
}

void fuzz_add_child(struct fuzz_worker *w, int pid, bool escapes_ctrl_c)
{
    if (w->child_count == FUZZ_CHILDREN) {
        /* The oldest makes room: killed or ended, and reaped, so no zombie piles up. */
        int oldest = w->children[0].pid;
        kill(oldest);
        waitpid(oldest, NULL, WAIT_NOHANG);
        memmove(&w->children[0], &w->children[1], (FUZZ_CHILDREN - 1) * sizeof(w->children[0]));
        w->child_count--;
    }
    w->children[w->child_count].pid = pid;
    w->children[w->child_count].escapes_ctrl_c = escapes_ctrl_c;
    w->child_count++;
}

void fuzz_forget_block(struct fuzz_worker *w, uint64_t addr)
{
    for (int i = 0; i < w->block_count; i++) {
        if (w->blocks[i].addr == addr) {
            w->blocks[i] = w->blocks[--w->block_count];
            w->freed = addr;
            return;
        }
    }
}

void fuzz_add_block(struct fuzz_worker *w, uint64_t addr, uint64_t size)
{
    if (w->block_count == FUZZ_BLOCKS) { /* bounded: the worker must not eat the heap */
        uint64_t oldest = w->blocks[0].addr;
        syscall(SYS_FREE, oldest);
        fuzz_forget_block(w, oldest);
    }
    w->blocks[w->block_count].addr = addr;
    w->blocks[w->block_count].size = size;
    w->block_count++;
}

void fuzz_fail(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result, const char *why)
{
    if (__atomic_fetch_add(&w->run->failures, 1, __ATOMIC_SEQ_CST) > 0)
        return; /* the first one is reported */
    snprintf(w->run->failure, sizeof(w->run->failure),
             "worker %d.%d, call %lu: %s(%#lx, %#lx, %#lx, %#lx) through %s returned %ld: %s",
             w->slot, w->incarnation, (unsigned long)w->number, call->name,
             (unsigned long)call->args[0], (unsigned long)call->args[1],
             (unsigned long)call->args[2], (unsigned long)call->args[3], call->entry, (long)result,
             why);
}

/* splitmix64's mixing: neighbouring slots and incarnations get unrelated seeds. */
static uint64_t worker_seed(uint64_t seed, int slot, int incarnation)
{
    uint64_t z = seed ^ (uint64_t)(slot + 1) << 40 ^ (uint64_t)incarnation;
    z += 0x9E3779B97F4A7C15ULL;
    z = (z ^ z >> 30) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ z >> 27) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return z ? z : 1;
}

/* The lowest address of this process's stack, from ps; 0 if it is not listed. */
static uint64_t stack_base(int pid)
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    uint64_t base = 0;
    for (int i = 0; procs && i < count; i++)
        if (procs[i].pid == pid)
            base = procs[i].stack_base;
    free(procs);
    return base;
}

static bool worker_init(struct fuzz_worker *w, uint64_t argc, char *argv[], int *command)
{
    int64_t pid, slot, incarnation;
    if (argc != 4 || !program_arg_int(argv[0], 1, INT_MAX, &pid) ||
        !program_arg_int(argv[1], 0, FUZZ_WORKERS - 1, &slot) ||
        !program_arg_int(argv[2], 1, INT_MAX, &incarnation) || fuzz_run.command != pid)
        return false;
    *command = (int)pid;
    *w = (struct fuzz_worker){
        .run = &fuzz_run,
        .slot = (int)slot,
        .incarnation = (int)incarnation,
        .pid = getpid(),
        .rng = worker_seed(fuzz_run.seed, (int)slot, (int)incarnation),
    };
    w->scratch = stack_base(w->pid);
    const char *pad = argv[3];
    uint64_t end = (uint64_t)pad + strlen(pad) + 1;
    if (strlen(pad) == FUZZ_PAD && end % FUZZ_PAGE_SIZE == 0)
        w->top = end;
    if (!w->scratch || (w->top && w->top - w->scratch < STACK_AT_LEAST))
        return false;
    for (int i = 0; i < FUZZ_SEMS; i++)
        snprintf(w->sems[i], SEM_NAME_MAX, "%s.%d", fuzz_run.tag, i);
    /* stdin and stdout are the sink; stderr too, so no call of ours reaches the console. */
    return dup2(STDOUT_FILENO, STDERR_FILENO) == STDERR_FILENO;
}

/* A kind of call, in proportion to the weights. */
static const struct fuzz_kind *pick_kind(struct fuzz_worker *w, unsigned total)
{
    unsigned n = (unsigned)fuzz_below(w, total);
    const struct fuzz_kind *kind = fuzz_kinds;
    while (n >= kind->weight)
        n -= kind++->weight;
    return kind;
}

static void judge(struct fuzz_worker *w, const struct fuzz_kind *kind, const struct fuzz_call *call,
                  int64_t result)
{
    if (result < -ERRNO_MAX)
        fuzz_fail(w, call, result, "neither a result nor an error code");
    else if (call->must_fail && !syscall_failed(result))
        fuzz_fail(w, call, result, "succeeded with an argument it must refuse");
    else if (call->must_succeed && syscall_failed(result))
        fuzz_fail(w, call, result, "failed with valid arguments");
    if (kind->after)
        kind->after(w, call, result);
}

/* Whether the run this worker belongs to goes on (its command may have been killed alone). */
static bool run_goes_on(struct fuzz_worker *w, int command)
{
    if (w->run->stop || w->run->command != command)
        return false;
    return w->number % LOOK_EVERY != 0 || getppid() == command;
}

int64_t fuzz_worker(uint64_t argc, char *argv[])
{
    struct fuzz_worker w;
    int command;
    if (!worker_init(&w, argc, argv, &command))
        return 1;
    unsigned total = 0;
    for (unsigned i = 0; i < fuzz_kind_count; i++)
        total += fuzz_kinds[i].weight;

    while (run_goes_on(&w, command)) {
        const struct fuzz_kind *kind = pick_kind(&w, total);
        const struct syscall_way *way = &syscall_ways[fuzz_below(&w, 2)];
        struct fuzz_call call = {.name = kind->name, .entry = way->name};
        for (int i = 0; i < 6; i++)
            call.args[i] = fuzz_integer(&w);
        kind->make(&w, &call);
        w.run->calls[w.slot]++;
        w.number++;
        int64_t result = way->call(call.number, call.args[0], call.args[1], call.args[2],
                                   call.args[3], call.args[4], call.args[5]);
        judge(&w, kind, &call, result);
    }
    return 0;
}
