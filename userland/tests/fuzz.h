/*
 * fuzz SECONDS [SEED]: several processes make random system calls with
 * hostile arguments; the kernel must neither panic nor hang, and must give
 * back everything once they are gone.
 *
 *   fuzz.c         the command: starts the workers, keeps them going, ends
 *                  them and everything they started, prints the tally
 *   fuzz_worker.c  one worker: the memory it may hand to the kernel, the
 *                  pools its arguments come from, the loop that calls and
 *                  checks
 *   fuzz_calls.c   one generator per system call: its arguments, and what
 *                  the kernel must make of them
 *   fuzz_spawn.c   the generator of spawn requests, and what children run
 *
 * Every process of a run is named "TAG ..." (TAG is "fuzz:PID", PID the
 * command's), so the command finds them all in ps at the end, also those a
 * dead worker left to init, and nothing else.
 */
#ifndef CHALK_TESTS_FUZZ_H
#define CHALK_TESTS_FUZZ_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <chalk.h>

/*
 * While some workers sleep in a call until the stall check ends them, the
 * others go on: 8 make twice the calls of 4 in a minute. Their descriptors
 * (16 each) let them hold all the system's 64 pipes for a while; then pipe
 * fails with ENFILE, for them and for anyone else.
 */
#define FUZZ_WORKERS   8
#define FUZZ_TAG_MAX   16
#define FUZZ_CHILDREN  8    /* children a worker keeps track of */
#define FUZZ_BLOCKS    4    /* heap blocks a worker holds at most */
#define FUZZ_SEMS      6    /* semaphore names the workers of a run share */
#define FUZZ_SCRATCH   8192 /* bytes at the bottom of a worker's stack the kernel may write */
#define FUZZ_PAD       255  /* length of a worker's last argument, the top of its stack */
#define FUZZ_FDS       16   /* descriptors are 0..15 (docs/syscalls.md) */
#define FUZZ_PAGE_SIZE 4096
#define FUZZ_INT_MIN   ((uint64_t)(int64_t)INT_MIN) /* as a register holds it */

/*
 * What the command shares with its workers. It lives in the image's globals
 * rather than in the command's heap: a worker that outlives its command (a
 * kill of the command alone) must not write into a freed block. So only one
 * fuzz runs at a time. The fields workers write are volatile: other
 * processes change them under the compiler's feet.
 */
struct fuzz_run {
    volatile int command; /* the fuzz command's pid; 0 when no fuzz runs */
    uint64_t seed;
    char tag[FUZZ_TAG_MAX];
    volatile int workers[FUZZ_WORKERS];    /* each slot's worker now; 0 while none */
    volatile uint64_t calls[FUZZ_WORKERS]; /* calls begun by the slot's workers */
    volatile uint64_t children;            /* children the workers started */
    volatile int stop;                     /* set at the end: workers stop calling */
    volatile int failures;                 /* impossible results; the first is described */
    char failure[256];
};

extern struct fuzz_run fuzz_run;

/*
 * A worker of the run: argv is the command's pid, the worker's slot, which
 * worker of the slot it is (1, 2, ... as dead ones are replaced) and
 * FUZZ_PAD bytes of padding.
 */
int64_t fuzz_worker(uint64_t argc, char *argv[]);

/* ---- inside a worker (fuzz_worker.c, for fuzz_calls.c and fuzz_spawn.c) ---- */

struct fuzz_worker {
    struct fuzz_run *run;
    int slot;
    int incarnation;
    int pid;
    uint64_t rng;
    uint64_t number; /* calls this worker made */
    /*
     * Memory the kernel may write: FUZZ_SCRATCH bytes at the bottom of the
     * stack, with nothing mapped below (stacks are 2 MiB apart), and the
     * FUZZ_PAD bytes and terminator of the last argument, which end at the
     * top of the stack with nothing mapped above (docs/processes.md). top is
     * 0 when that layout could not be confirmed.
     */
    uint64_t scratch;
    uint64_t top;
    struct {
        int pid;
        bool escapes_ctrl_c; /* another job, or ignoring it: never blocked (fuzz_spawn.c) */
    } children[FUZZ_CHILDREN];
    int child_count;
    struct {
        uint64_t addr, size;
    } blocks[FUZZ_BLOCKS];
    int block_count;
    uint64_t freed;      /* the last block given back: freeing it again must fail */
    int64_t last_uptime; /* uptime never goes back */
    char sems[FUZZ_SEMS][SEM_NAME_MAX];
};

/* One call about to be made, and what its arguments oblige the kernel to do. */
struct fuzz_call {
    const char *name;  /* the kind's, for the report */
    const char *entry; /* syscall or int 0x80 */
    uint64_t number;
    uint64_t args[6];
    bool must_fail;    /* an argument the kernel must refuse */
    bool must_succeed; /* valid arguments, and nothing that could run out */
};

/* A memory argument: where, how many bytes, and whether the kernel must refuse it. */
struct fuzz_buffer {
    uint64_t addr;
    uint64_t len;
    bool bad;
};

uint64_t fuzz_random(struct fuzz_worker *w);
uint64_t fuzz_below(struct fuzz_worker *w, uint64_t bound);
bool fuzz_one_in(struct fuzz_worker *w, uint64_t n);

/* One of count values, at random. */
#define FUZZ_PICK(w, values) ((values)[fuzz_below((w), sizeof(values) / sizeof((values)[0]))])

/* A number for a size, count or value: mostly edges (0, 1, -1, INT_MAX, 2^32, ~0, ...). */
uint64_t fuzz_integer(struct fuzz_worker *w);

/*
 * A buffer the kernel writes (out) or reads (!out) of size bytes, or of a
 * length chosen here when size is 0. Memory the worker owns is only ever
 * offered up to its end, so a kernel that does what it accepted cannot hurt
 * the worker; bad says the kernel must refuse (some byte is not the
 * worker's to give: unmapped, the kernel's, read-only for out).
 */
struct fuzz_buffer fuzz_buffer(struct fuzz_worker *w, bool out, uint64_t size);

/* size bytes (more than 0) at a place where they cannot all be written. */
struct fuzz_buffer fuzz_refused_buffer(struct fuzz_worker *w, uint64_t size);

/* An address where no byte is the program's (the kernel, unmapped, not canonical). */
uint64_t fuzz_hostile_address(struct fuzz_worker *w);

/* The worker's scratch memory at offset, to build an argument in. */
void *fuzz_scratch(struct fuzz_worker *w, uint64_t offset);

/*
 * Writes text so that it ends at the top of the stack: with its terminator
 * as the last byte, or, unterminated, running into the unmapped page. Its
 * address, or 0 when the top is not known.
 */
uint64_t fuzz_text_at_top(struct fuzz_worker *w, const char *text, bool terminated);

/* Pids: this run's own processes, and ones the kernel must refuse (bad). */
enum fuzz_pid_use {
    PID_KILL,   /* kill: init is refused, so it is fair game */
    PID_BLOCK,  /* block: as kill, but not a child Ctrl+C would miss */
    PID_CHANGE, /* nice, unblock: init would take the change, so never */
    PID_WAIT,   /* waitpid: -1 means any child */
};
uint64_t fuzz_pid(struct fuzz_worker *w, enum fuzz_pid_use use, bool *bad);

/* A descriptor: 0..15 (FD_MAX), open or not, or one out of range (bad). */
uint64_t fuzz_fd(struct fuzz_worker *w, bool *bad);

/* Bookkeeping after a call worked. */
void fuzz_add_child(struct fuzz_worker *w, int pid, bool escapes_ctrl_c);
void fuzz_add_block(struct fuzz_worker *w, uint64_t addr, uint64_t size);
void fuzz_forget_block(struct fuzz_worker *w, uint64_t addr);

/* Records an impossible result: the first is what the command reports. */
void fuzz_fail(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result,
               const char *why);

/* One kind of call (fuzz_calls.c). */
struct fuzz_kind {
    const char *name;
    unsigned weight; /* how often, against the others */
    void (*make)(struct fuzz_worker *w, struct fuzz_call *call);
    /* What to check or record beyond must_fail and must_succeed; may be NULL. */
    void (*after)(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result);
};

extern const struct fuzz_kind fuzz_kinds[];
extern const unsigned fuzz_kind_count;

/* spawn's make and after (fuzz_spawn.c). */
void fuzz_make_spawn(struct fuzz_worker *w, struct fuzz_call *call);
void fuzz_after_spawn(struct fuzz_worker *w, const struct fuzz_call *call, int64_t result);

#endif
