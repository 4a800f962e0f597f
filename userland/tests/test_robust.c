/*
 * test robust: Chalk's promise, checked. No user program, however broken
 * or malicious, may panic the kernel, corrupt another process, leak
 * memory or reach kernel memory; the offender gets a clear error or is
 * killed for a clear reason, and everything else goes on.
 *
 * Each case is a hostile child process (robust.h), run one at a time:
 *
 *  - every kind of `fault` (programs/fault.c): the child must be killed,
 *    and waitpid must say why, EXIT_FAULT(reason) with the kind's reason;
 *  - system calls with hostile arguments (robust_calls.c): every pointer
 *    argument aimed at the kernel, at nothing, across the end of mapped
 *    memory; numbers that do not fit; calls on oneself, init and the idle
 *    task; each answer must be the right error, and the child says with
 *    its exit status whether all were;
 *  - limits (robust_limits.c): the process table, the heap, the pipe and
 *    semaphore tables filled until creation fails cleanly; zombies left to
 *    init; a heap block's header overwritten; pipes whose other end is
 *    gone; processes killed while blocked in sem_wait, in a pipe and in
 *    waitpid.
 *
 * After each case the runner checks the system's health against a
 * baseline taken at the start: user heap bytes and blocks, free frames,
 * kernel heap, processes, pipes and semaphores must all be back where they
 * were. So the run must have the machine to itself (the QEMU test makes
 * sure of that); anything else running moves the figures. After a leak the
 * baseline moves on, so that one leak fails one case.
 *
 * One line per case, "robust: CASE: ok" or "robust: CASE: FAILED (why)",
 * and a last line "test robust: N passed, N failed"; the exit status is
 * the number failed. Every process a case starts is in the test's job:
 * Ctrl+C ends them all, in the foreground as in the background.
 */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "programs/fault.h"
#include "tests/checks.h"
#include "tests/robust.h"
#include "tests/tests.h"

struct robust_case {
    const char *name;
    process_fn run;
    int expect; /* the exit status when the kernel answered everything right */
};

/* The cases besides the fault kinds, in the order they run. */
static const struct robust_case cases[] = {
    {"pointers", robust_pointers, 0},
    {"numbers", robust_numbers, 0},
    {"exit with a fault status", robust_exit_band, EXIT_FAULT_BASE},
    {"descriptors", robust_descriptors, 0},
    {"init, idle and oneself", robust_family, EXIT_KILLED},
    {"block oneself", robust_block_self, 0},
    {"semaphore names", robust_semaphore_names, 0},
    {"flags through calls", robust_flags, 0},
    {"terminal hand-overs", robust_hand_overs, 0},
    {"process table full", robust_process_table, 0},
    {"heap exhausted", robust_heap, 0},
    {"heap in tiny blocks", robust_heap_tiny, 0},
    {"a block's header overwritten", robust_header, 0},
    {"zombies left to init", robust_zombies, 0},
    {"pipe table full", robust_pipe_table, 0},
    {"semaphore table full", robust_semaphore_table, 0},
    {"pipe with no reader", robust_no_reader, 0},
    {"pipe whose writer dies", robust_writer_dies, 0},
    {"killed in sem_wait", robust_killed_in_sem_wait, 0},
    {"killed in a pipe read", robust_killed_in_pipe_read, 0},
    {"killed in a pipe write", robust_killed_in_pipe_write, 0},
    {"killed in waitpid", robust_killed_in_waitpid, 0},
};

/* What must be back where it was after every case. */
enum figure {
    HEAP_USED,
    HEAP_BLOCKS,
    FRAMES_FREE,
    KERNEL_HEAP_USED,
    PROCESSES,
    PIPES,
    SEMAPHORES,
    FIGURES,
};

static const char *const figure_names[FIGURES] = {
    [HEAP_USED] = "user heap bytes", [HEAP_BLOCKS] = "user heap blocks",
    [FRAMES_FREE] = "free frames",   [KERNEL_HEAP_USED] = "kernel heap bytes",
    [PROCESSES] = "processes",       [PIPES] = "pipes",
    [SEMAPHORES] = "semaphores",
};

struct health {
    int64_t figure[FIGURES];
};

/*
 * The figures now; false when a listing failed. The process table is read
 * first: it is the runner's only malloc, and the kernel keeps the array
 * that records the runner's blocks from the first one on, so the kernel
 * heap figure is the same at every reading.
 */
static bool read_health(struct health *h)
{
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    if (!procs)
        return false;
    free(procs);
    struct chalk_mem_stats mem;
    struct chalk_pipe_info pipe_list[PIPE_TABLE_SIZE];
    struct chalk_sem_info sem_list[SEM_TABLE_SIZE];
    int pipe_count = pipes(pipe_list, PIPE_TABLE_SIZE);
    int sem_count = sems(sem_list, SEM_TABLE_SIZE);
    if (memstats(&mem) < 0 || pipe_count < 0 || sem_count < 0)
        return false;
    *h = (struct health){{
        [HEAP_USED] = (int64_t)mem.heap_used,
        [HEAP_BLOCKS] = (int64_t)mem.heap_blocks,
        [FRAMES_FREE] = (int64_t)mem.frames_free,
        [KERNEL_HEAP_USED] = (int64_t)mem.kernel_heap_used,
        [PROCESSES] = count,
        [PIPES] = pipe_count,
        [SEMAPHORES] = sem_count,
    }};
    return true;
}

/* Whether the system is back to baseline; if not, why goes into failure. */
static bool healthy(const struct health *baseline, char *failure, size_t size)
{
    struct health now;
    if (!read_health(&now)) {
        snprintf(failure, size, "cannot read the figures");
        return false;
    }
    for (int i = 0; i < FIGURES; i++) {
        if (now.figure[i] != baseline->figure[i]) {
            snprintf(failure, size, "left behind: %s %ld, %ld before", figure_names[i],
                     (long)now.figure[i], (long)baseline->figure[i]);
            return false;
        }
    }
    return true;
}

/*
 * Runs fn(arg) as a child, waits for it and checks its status and the
 * system's health; prints the case's line. True when it passed.
 */
static bool run_case(const char *name, process_fn fn, const char *arg, int expect,
                     struct health *baseline)
{
    char failure[160] = "", leak[96] = "";
    char *args[] = {(char *)arg};
    int pid = spawn(name, fn, 1, args, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    int status = 0;
    if (pid < 0) {
        snprintf(failure, sizeof(failure), "spawn: %s", strerror(errno));
    } else if (waitpid(pid, &status, 0) != pid) {
        snprintf(failure, sizeof(failure), "waitpid: %s", strerror(errno));
    } else if (status != expect) {
        char got[64], wanted[64];
        snprintf(failure, sizeof(failure), "got %s, expected %s",
                 exit_status_text(status, got, sizeof(got)),
                 exit_status_text(expect, wanted, sizeof(wanted)));
    }
    if (!healthy(baseline, leak, sizeof(leak)))
        read_health(baseline); /* one leak fails one case, not every case after it */
    if (failure[0] || leak[0]) {
        printf("robust: %s: FAILED (%s%s%s)\n", name, failure, failure[0] && leak[0] ? "; " : "",
               leak);
        return false;
    }
    printf("robust: %s: ok\n", name);
    return true;
}

int64_t test_robust(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return tests_usage("robust");
    const struct program *fault = program_find("fault");
    struct health baseline;
    if (!fault || !read_health(&baseline))
        return tests_result("robust", "no fault program, or no figures to start from");

    int passed = 0, failed = 0;
    for (size_t i = 0; i < fault_kind_count; i++) {
        const struct fault_kind *kind = &fault_kinds[i];
        if (!kind->reason)
            continue; /* fault heap poisons the heap until reboot: not a case to recover from */
        char name[48];
        snprintf(name, sizeof(name), "fault %s", kind->name);
        if (run_case(name, fault->main, kind->name, EXIT_FAULT(kind->reason), &baseline))
            passed++;
        else
            failed++;
    }
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        if (run_case(cases[i].name, cases[i].run, cases[i].name, cases[i].expect, &baseline))
            passed++;
        else
            failed++;
    }
    printf("test robust: %d passed, %d failed\n", passed, failed);
    return failed;
}
