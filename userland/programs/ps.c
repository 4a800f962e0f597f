/* ps: the process table. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>

static int64_t ps_main(uint64_t argc, char *argv[]);

PROGRAM(ps, .main = ps_main, .summary = "list the processes", .usage = "ps",
        .manual = "Prints one line per process:\n"
                  "  PID      its process id\n"
                  "  PPID     its parent's (orphans belong to init, pid 1)\n"
                  "  PRIO     its priority, 0 (highest) to 4 (lowest)\n"
                  "  STATE    READY, RUNNING, BLOCKED (by block), SLEEPING (waiting for\n"
                  "           input, a child or time) or ZOMBIE (ended, not yet waited for)\n"
                  "  FG/BG    whether its job has the console\n"
                  "  CPU(ms)  the processor time it has used\n"
                  "  NAME     the program it runs\n");

static const char *state_name(int32_t state)
{
    static const char *const names[] = {
        [PROC_READY] = "READY",       [PROC_RUNNING] = "RUNNING", [PROC_BLOCKED] = "BLOCKED",
        [PROC_SLEEPING] = "SLEEPING", [PROC_ZOMBIE] = "ZOMBIE",
    };
    if (state < 0 || (size_t)state >= sizeof(names) / sizeof(names[0]))
        return "?";
    return names[state];
}

static int64_t ps_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_ps);
    int count;
    struct chalk_proc_info *procs = process_table(&count);
    if (!procs) {
        perror("ps");
        return 1;
    }
    printf("  PID  PPID PRIO STATE    FG/BG  CPU(ms) NAME\n");
    for (int i = 0; i < count; i++) {
        const struct chalk_proc_info *p = &procs[i];
        printf("%5d %5d %4d %-8s %-5s %8lu %s\n", p->pid, p->ppid, p->priority,
               state_name(p->state), p->foreground ? "fg" : "bg", (unsigned long)p->cpu_ms,
               p->name);
    }
    free(procs);
    return 0;
}
