/*
 * fuzz SECONDS [SEED]: the command. It starts FUZZ_WORKERS workers
 * (fuzz_worker.c), keeps each slot busy until the time is up, then ends
 * every process of the run and prints the tally.
 *
 * Keeping the slots busy. A worker may die (a sibling kills it, it kills
 * itself, it calls exit), block itself or be blocked, or sleep in a call
 * nothing will end (a read of a pipe only it writes, a sem_wait nobody
 * posts). So every SUPERVISE_MS the command unblocks every blocked process
 * of the run, starts a new worker in a slot whose worker is gone, and kills
 * (and replaces) one that has not begun a call for STALL_MS: being killed
 * while asleep in a call is one more thing the kernel must get right.
 *
 * The workers' descriptors. Nothing they do may reach the console: their
 * 1 and 2 are the write end of a pipe, the sink, which a drain process
 * empties, so writing there never stops them for good; their 0 is a pipe
 * without writers, where every read is end of file at once. (A read of a
 * pipe a worker made itself waits for good, until the stall check.)
 *
 * The end. The command sets stop, kills each worker and waits for it, then
 * kills every process of the run it still finds in ps (children the
 * workers started, the drain) until none is left; the kernel's reaping
 * rule (docs/processes.md) and init take care of the zombies. Whatever is
 * still listed after SWEEP_MS is a failure: the kernel lost track of it.
 */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "tests/fuzz.h"
#include "tests/tests.h"

#define SECONDS_MAX  86400
#define SUPERVISE_MS 20
#define STALL_MS     50
#define SWEEP_MS     10000
#define DRAIN_CHUNK  512

static int64_t fuzz_main(uint64_t argc, char *argv[]);

PROGRAM(fuzz, .main = fuzz_main, .summary = "random system calls from several processes at once",
        .usage = "fuzz SECONDS [SEED]",
        .manual = "For SECONDS seconds, 8 processes make random system calls (all but shutdown\n"
                  "and reboot, through syscall and int 0x80) with arguments biased to edge\n"
                  "values: 0, -1, huge numbers, kernel and unmapped addresses, buffers ending\n"
                  "exactly where mapped memory ends, bad descriptors, pids and names mixed with\n"
                  "good ones; they spawn children, make pipes and semaphores, kill and block\n"
                  "each other. The kernel must refuse what it must refuse, stay up and give\n"
                  "everything back: at the end no process of the run is left.\n"
                  "Prints the seed first (a given SEED replays each process's calls), then the\n"
                  "number of calls and one last line, fuzz: OK or fuzz: FAILED (reason). One fuzz\n"
                  "runs at a time; Ctrl+C ends it with its processes.\n");

struct fuzz_run fuzz_run;

/* What the command keeps about each slot. */
struct slot {
    int incarnation;   /* workers started in the slot so far */
    uint64_t calls;    /* its count when it last moved */
    uint64_t moved_at; /* when that was */
};

struct supervisor {
    struct fuzz_run *run;
    int sink;  /* the write end of the sink */
    int empty; /* the read end of a pipe without writers */
    struct slot slots[FUZZ_WORKERS];
    int started;
    int stalled;
};

static bool ours(const struct fuzz_run *run, const char *name)
{
    size_t len = strlen(run->tag);
    return strncmp(name, run->tag, len) == 0 && name[len] == ' ';
}

/* Reads the sink until every write end is gone. */
static int64_t drain(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    char buf[DRAIN_CHUNK];
    while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
        ;
    return 0;
}

static int start_worker(struct supervisor *s, int slot)
{
    struct fuzz_run *run = s->run;
    char command[16], slot_text[16], incarnation[16], name[PROC_NAME_MAX], pad[FUZZ_PAD + 1];
    snprintf(command, sizeof(command), "%d", run->command);
    snprintf(slot_text, sizeof(slot_text), "%d", slot);
    snprintf(incarnation, sizeof(incarnation), "%d", s->slots[slot].incarnation + 1);
    snprintf(name, sizeof(name), "%s worker", run->tag);
    memset(pad, 'p', FUZZ_PAD);
    pad[FUZZ_PAD] = '\0';
    char *argv[] = {command, slot_text, incarnation, pad};
    /* At the lowest priority, so the shell and the command stay responsive. */
    int pid = spawn(name, fuzz_worker, 4, argv, PRIORITY_LOWEST, 0, s->empty, s->sink);
    if (pid > 0) {
        s->slots[slot].incarnation++;
        s->slots[slot].moved_at = uptime_ms();
        s->started++;
        run->workers[slot] = pid;
    }
    return pid;
}

/* A slot whose worker is gone, or asleep in a call for STALL_MS, gets a new one. */
static void tend(struct supervisor *s, int slot, uint64_t now)
{
    struct fuzz_run *run = s->run;
    struct slot *state = &s->slots[slot];
    int pid = run->workers[slot];
    if (pid > 0 && waitpid(pid, NULL, WAIT_NOHANG) == 0) {
        if (run->calls[slot] != state->calls) {
            state->calls = run->calls[slot];
            state->moved_at = now;
        }
        if (now - state->moved_at < STALL_MS)
            return;
        kill(pid);
        waitpid(pid, NULL, 0);
        s->stalled++;
    }
    run->workers[slot] = 0;
    start_worker(s, slot);
}

static int slot_of(const struct fuzz_run *run, int pid)
{
    for (int slot = 0; slot < FUZZ_WORKERS; slot++)
        if (run->workers[slot] == pid)
            return slot;
    return -1;
}

/*
 * One look at the run. Its blocked processes are unblocked: blocking is
 * fair, staying blocked is not. A worker that is not asleep in a call
 * (ready, waiting for the processor, or blocked until now) is not stalled.
 */
static void tick(struct supervisor *s)
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    uint64_t now = uptime_ms();
    for (int i = 0; procs && i < count; i++) {
        if (!ours(s->run, procs[i].name))
            continue;
        if (procs[i].state == PROC_BLOCKED)
            unblock(procs[i].pid);
        int slot = slot_of(s->run, procs[i].pid);
        if (slot >= 0 && procs[i].state != PROC_SLEEPING)
            s->slots[slot].moved_at = now;
    }
    free(procs);
    for (int slot = 0; slot < FUZZ_WORKERS; slot++)
        tend(s, slot, now);
}

/*
 * Kills whatever of the run is still listed until nothing is: true when
 * that happened within SWEEP_MS.
 */
static bool sweep(const struct fuzz_run *run, int *left)
{
    uint64_t give_up = uptime_ms() + SWEEP_MS;
    for (;;) {
        int count;
        struct chalk_proc_info *procs = process_table(&count);
        if (!procs)
            return false;
        *left = 0;
        for (int i = 0; i < count; i++) {
            if (!ours(run, procs[i].name))
                continue;
            (*left)++;
            if (procs[i].state != PROC_ZOMBIE)
                kill(procs[i].pid);
        }
        free(procs);
        if (*left == 0)
            return true;
        if (uptime_ms() >= give_up)
            return false;
        sleep_ms(SUPERVISE_MS);
    }
}

static void stop_workers(struct fuzz_run *run)
{
    run->stop = 1;
    for (int slot = 0; slot < FUZZ_WORKERS; slot++) {
        int pid = run->workers[slot];
        if (pid > 0) {
            kill(pid);
            waitpid(pid, NULL, 0); /* ECHILD when the kernel reaped it already */
        }
        run->workers[slot] = 0;
    }
}

/* Whether pid is a live process (not a zombie). */
static bool alive(int pid)
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    bool found = false;
    for (int i = 0; procs && i < count; i++)
        found |= procs[i].pid == pid && procs[i].state != PROC_ZOMBIE;
    free(procs);
    return found;
}

/*
 * Takes the run for this command, unless another fuzz holds it. A run whose
 * command is gone (killed) is free again.
 */
static bool claim_run(int self)
{
    int holder = fuzz_run.command;
    if (holder == 0 || !alive(holder)) {
        /* Unless another fuzz took it since we looked. */
        if (__atomic_compare_exchange_n(&fuzz_run.command, &holder, self, false, __ATOMIC_SEQ_CST,
                                        __ATOMIC_SEQ_CST))
            return true;
    }
    fprintf(stderr, "fuzz: already running as pid %d\n", holder);
    return false;
}

/* The pipes, the drain and the workers: NULL, or what could not be made. */
static const char *start_all(struct supervisor *s)
{
    int sink[2], nothing[2];
    if (pipe2(sink, FD_CLOSE_ON_SPAWN) < 0)
        return "no pipe for the workers' output";
    s->sink = sink[1];
    if (pipe2(nothing, FD_CLOSE_ON_SPAWN) < 0) {
        close(sink[0]);
        return "no pipe for the workers' input";
    }
    close(nothing[1]);
    s->empty = nothing[0];
    char name[PROC_NAME_MAX];
    snprintf(name, sizeof(name), "%s drain", s->run->tag);
    int drainer = spawn(name, drain, 0, NULL, PRIORITY_LOWEST, 0, sink[0], SPAWN_INHERIT_FD);
    close(sink[0]); /* the drain's now: at the end it reads end of file, and ends */
    if (drainer < 0)
        return "cannot start the drain";
    for (int slot = 0; slot < FUZZ_WORKERS; slot++)
        if (start_worker(s, slot) < 0)
            return "cannot start the workers";
    return NULL;
}

static uint64_t total_calls(const struct fuzz_run *run)
{
    uint64_t calls = 0;
    for (int slot = 0; slot < FUZZ_WORKERS; slot++)
        calls += run->calls[slot];
    return calls;
}

static int64_t fuzz_main(uint64_t argc, char *argv[])
{
    int64_t seconds, seed;
    if (argc < 1 || argc > 2 || !program_arg_int(argv[0], 1, SECONDS_MAX, &seconds) ||
        (argc == 2 && !program_arg_int(argv[1], 0, INT64_MAX, &seed)))
        return program_usage(&program_fuzz);
    if (argc == 1)
        seed = (int64_t)(tests_seed() >> 1);
    int self = getpid();
    if (!claim_run(self))
        return 1;

    struct fuzz_run *run = &fuzz_run;
    *run = (struct fuzz_run){.command = self, .seed = (uint64_t)seed};
    snprintf(run->tag, sizeof(run->tag), "fuzz:%d", self);
    printf("fuzz: seed %ld\n", (long)seed);

    struct supervisor s = {.run = run, .sink = -1, .empty = -1};
    const char *failure = start_all(&s);
    uint64_t start = uptime_ms(), deadline = start + (uint64_t)seconds * 1000;
    while (!failure && run->failures == 0 && uptime_ms() < deadline) {
        sleep_ms(SUPERVISE_MS);
        tick(&s);
    }
    uint64_t elapsed = uptime_ms() - start;

    stop_workers(run);
    int left = 0;
    char reason[64];
    if (!sweep(run, &left) && !failure) {
        snprintf(reason, sizeof(reason), "%d processes of the run left behind", left);
        failure = reason;
    }
    close(s.sink);
    close(s.empty);

    uint64_t calls = total_calls(run);
    printf("fuzz: %lu calls in %lu s, seed %ld\n", (unsigned long)calls,
           (unsigned long)(elapsed / 1000), (long)seed);
    printf("fuzz: %d workers started (%d replacing a stalled one), %lu children\n", s.started,
           s.stalled, (unsigned long)run->children);
    if (run->failures)
        failure = run->failure;
    else if (!failure && calls == 0)
        failure = "no call was made";
    int status = tests_verdict("fuzz", failure);
    run->command = 0;
    return status;
}
