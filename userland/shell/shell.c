/*
 * Chalk's shell: reads a line, parses it, runs it as a job, repeats.
 *
 * Reading is done in raw console mode so the shell can offer history and
 * Ctrl+U (editor.c); commands run with the console back in line mode, so a
 * program reading its input gets the kernel's line editing. Every command
 * is a program from the registry (<programs.h>) started as a process of its
 * own; a line (one command, or a pipeline of several running at the same
 * time) is a job of its own: in the foreground the shell waits for it, and
 * Ctrl+C (which the kernel turns into a kill of the foreground job) ends it;
 * in the background the shell prints the job's id and reports its end
 * before a later prompt. The shell itself ignores Ctrl+C (init spawns it so): in raw
 * mode the kernel hands it the key as a byte instead.
 */
#include "shell.h"

#include <chalk.h>
#include <chalk/ansi.h>
#include <errno.h>
#include <programs.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "editor.h"
#include "jobs.h"
#include "parse.h"

/* One colour for the whole prompt, so its text stays in one piece for whoever reads the serial
 * line. */
#define PROMPT ANSI_BOLD_GREEN "chalk:~$ " ANSI_RESET

_Static_assert(EDITOR_LINE_MAX <= PARSE_LINE_MAX, "the parser must take any line the editor gives");
_Static_assert(PARSE_MAX_ARGS <= SPAWN_MAX_ARGS,
               "the kernel must take any command the parser gives");
_Static_assert(PARSE_MAX_COMMANDS <= JOB_PROCS_MAX,
               "a job must hold any pipeline the parser gives");

/* The shell's own error messages: "chalk: ..." on stderr, in the error colour. */
__attribute__((format(printf, 1, 2))) static void complain(const char *fmt, ...)
{
    va_list args;
    va_start(args, fmt);
    fprintf(stderr, ANSI_BOLD_RED "chalk: ");
    vfprintf(stderr, fmt, args);
    fprintf(stderr, ANSI_RESET "\n");
    va_end(args);
}

/* Some 8 KiB: allocated once, rather than kept on the 64 KiB stack. */
struct shell {
    struct editor editor;
    struct command_line line;
    struct jobs jobs; /* in the background */
};

/*
 * Reads one line in raw mode, echoing as the editor says; *event tells how
 * the line ended. False when the console gives no more input (read returned
 * 0 or an error: the shell has lost the console).
 */
static bool read_line(struct editor *editor, enum editor_event *event)
{
    bool ok = true;
    console_raw(true);
    editor_begin(editor);
    *event = EDITOR_CONTINUE;
    while (*event == EDITOR_CONTINUE) {
        char key;
        if (read(STDIN_FILENO, &key, 1) != 1) {
            ok = false;
            break;
        }
        *event = editor_key(editor, key);
        write(STDOUT_FILENO, editor->echo, editor->echo_length);
    }
    console_raw(false);
    return ok;
}

static void report_job(int pid, int status)
{
    char text[64];
    printf("[%d] done (%s)\n", pid, exit_status_text(status, text, sizeof(text)));
}

/*
 * Background jobs whose last process ended since the last prompt. A
 * process the kernel already reaped (killed while the shell was not
 * waiting for it: docs/processes.md) answers ECHILD, and counts as killed.
 */
static void report_finished_jobs(struct jobs *jobs)
{
    int pids[JOBS_MAX * JOB_PROCS_MAX];
    int count = jobs_running(jobs, pids, JOBS_MAX * JOB_PROCS_MAX);
    for (int i = 0; i < count; i++) {
        int status, leader, leader_status;
        int ended = waitpid(pids[i], &status, WAIT_NOHANG);
        if (ended == 0)
            continue;
        if (ended < 0)
            status = EXIT_KILLED;
        if (jobs_reaped(jobs, pids[i], status, &leader, &leader_status))
            report_job(leader, leader_status);
    }
    /* Children in no job: a job the table had no room for. */
    while (waitpid(-1, NULL, WAIT_NOHANG) > 0)
        ;
}

/*
 * Waits for every process of a foreground job. Nothing is printed for a job
 * ended by Ctrl+C or a fault: the kernel has already ended the line (it
 * echoes ^C, or reports the fault). A stage killed while the shell waited
 * for another one was reaped by the kernel at once (docs/processes.md), so
 * ECHILD just means it is gone.
 */
static void wait_foreground(const int *pids, int count)
{
    for (int i = 0; i < count; i++)
        if (waitpid(pids[i], NULL, 0) < 0 && errno != ECHILD)
            perror("chalk: waitpid");
}

static void close_fd(int fd)
{
    if (fd != SPAWN_INHERIT_FD)
        close(fd);
}

static int start_stage(const struct command *command, const struct program *program, unsigned flags,
                       int job, int stdin_fd, int stdout_fd)
{
    struct chalk_spawn spec = {
        .name = program->name,
        .argc = (uint64_t)command->argc - 1,
        .argv = command->argv + 1,
        .priority = PRIORITY_DEFAULT,
        .flags = flags,
        .stdin_fd = stdin_fd,
        .stdout_fd = stdout_fd,
        .job = job,
    };
    int pid = spawn_request(&spec, program->main);
    if (pid < 0)
        complain("cannot start %s: %s", program->name, strerror(errno));
    return pid;
}

/*
 * Starts every stage of a pipeline at once, each one's stdout a pipe into
 * the next one's stdin, all in one job: pids[0] gets the job's leader, the
 * last stage, which the shell waits for and whose end gives the terminal
 * back; the stages before it join its job, so Ctrl+C ends them together.
 * The pipes are made close-on-spawn, so no stage inherits the shell's
 * copies of other pipes' ends: a stage holding the write end of its own
 * input would never see end of file, one holding the read end of its own
 * output would never get EPIPE. The shell closes its copies as soon as
 * they are handed over, for the same reason; going from the last stage to
 * the first, it never holds more than three pipe ends.
 * Returns how many started, or 0 when one could not (those already
 * started are killed).
 */
static int start_pipeline(const struct command_line *line, const struct program **programs,
                          int *pids)
{
    int started = 0;
    int stdout_fd = SPAWN_INHERIT_FD; /* for the stage being started */
    for (int stage = line->count - 1; stage >= 0; stage--) {
        int ends[2] = {SPAWN_INHERIT_FD, SPAWN_INHERIT_FD};
        if (stage > 0 && pipe2(ends, FD_CLOSE_ON_SPAWN) < 0) {
            perror("chalk: pipe");
            close_fd(stdout_fd);
            break;
        }
        unsigned flags = SPAWN_JOIN_JOB;
        if (started == 0)
            flags = SPAWN_NEW_JOB | (line->background ? 0 : SPAWN_FOREGROUND);
        int pid = start_stage(&line->commands[stage], programs[stage], flags, pids[0], ends[0],
                              stdout_fd);
        close_fd(ends[0]);
        close_fd(stdout_fd);
        stdout_fd = ends[1];
        if (pid < 0) {
            close_fd(stdout_fd);
            break;
        }
        pids[started++] = pid;
    }
    if (started == line->count)
        return started;
    for (int i = 0; i < started; i++)
        kill(pids[i]);
    return 0;
}

static void run_line(struct shell *shell)
{
    struct command_line *line = &shell->line;
    enum parse_result result = parse_line(shell->editor.line, line);
    if (result != PARSE_OK) {
        complain("syntax error: %s", parse_message(result));
        return;
    }
    const struct program *programs[PARSE_MAX_COMMANDS];
    for (int i = 0; i < line->count; i++) {
        programs[i] = program_find(line->commands[i].argv[0]);
        if (!programs[i]) {
            complain("no such command: %s", line->commands[i].argv[0]);
            return;
        }
    }
    int pids[PARSE_MAX_COMMANDS] = {0};
    int count = line->count ? start_pipeline(line, programs, pids) : 0;
    if (count == 0)
        return;
    if (!line->background) {
        wait_foreground(pids, count);
        return;
    }
    printf("[%d]\n", pids[0]);
    if (!jobs_add(&shell->jobs, pids, count))
        printf("chalk: too many background jobs: [%d] will end unreported\n", pids[0]);
}

int64_t shell_main(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    struct shell *shell = malloc(sizeof(*shell));
    if (!shell) {
        perror("chalk");
        return 1;
    }
    editor_init(&shell->editor);
    jobs_init(&shell->jobs);
    printf("Chalk shell: help lists the commands, man COMMAND explains one.\n");

    for (;;) {
        report_finished_jobs(&shell->jobs);
        printf(PROMPT);
        enum editor_event event;
        if (!read_line(&shell->editor, &event))
            break;
        if (event == EDITOR_LINE)
            run_line(shell);
        else if (event == EDITOR_END)
            printf("chalk: Ctrl+D does not end the shell; type shutdown or reboot\n");
    }
    complain("the console gives no more input");
    free(shell);
    return 1;
}
