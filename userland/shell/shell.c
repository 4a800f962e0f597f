/*
 * Chalk's shell: reads a line, parses it, runs it as a job, repeats.
 *
 * Reading is done in raw console mode so the shell can offer history and
 * Ctrl+U (editor.c); commands run with the console back in line mode, so a
 * program reading its input gets the kernel's line editing. Every command
 * is a program from the registry (<programs.h>) started as a process of its
 * own, in a job of its own: in the foreground the shell waits for it, and
 * Ctrl+C (which the kernel turns into a kill of the foreground job) ends it;
 * in the background the shell prints its pid and reports its end before a
 * later prompt. The shell itself ignores Ctrl+C (init spawns it so): in raw
 * mode the kernel hands it the key as a byte instead.
 */
#include "shell.h"

#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "editor.h"
#include "parse.h"

#define PROMPT "chalk:~$ "

_Static_assert(EDITOR_LINE_MAX <= PARSE_LINE_MAX, "the parser must take any line the editor gives");
_Static_assert(PARSE_MAX_ARGS <= SPAWN_MAX_ARGS,
               "the kernel must take any command the parser gives");

/* Some 8 KiB: allocated once, rather than kept on the 64 KiB stack. */
struct shell {
    struct editor editor;
    struct command_line line;
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
    if (status == EXIT_KILLED)
        printf("[%d] done (status %d: killed)\n", pid, status);
    else
        printf("[%d] done (status %d)\n", pid, status);
}

/* Background jobs that ended since the last prompt. */
static void report_finished_jobs(void)
{
    int pid, status;
    while ((pid = waitpid(-1, &status, WAIT_NOHANG)) > 0)
        report_job(pid, status);
}

/*
 * Nothing is printed for a job ended by Ctrl+C or a fault: the kernel has
 * already ended the line (it echoes ^C, or reports the fault).
 */
static void wait_foreground(int pid)
{
    if (waitpid(pid, NULL, 0) < 0)
        perror("chalk: waitpid");
}

static void run_command(const struct command *command, bool background)
{
    const struct program *program = program_find(command->argv[0]);
    if (!program) {
        fprintf(stderr, "chalk: no such command: %s\n", command->argv[0]);
        return;
    }
    unsigned flags = SPAWN_NEW_JOB | (background ? 0 : SPAWN_FOREGROUND);
    int pid = spawn(program->name, program->main, (uint64_t)command->argc - 1, command->argv + 1,
                    PRIORITY_DEFAULT, flags, SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
    if (pid < 0) {
        fprintf(stderr, "chalk: cannot start %s: %s\n", program->name, strerror(errno));
        return;
    }
    if (background)
        printf("[%d]\n", pid);
    else
        wait_foreground(pid);
}

static void run_line(struct shell *shell)
{
    enum parse_result result = parse_line(shell->editor.line, &shell->line);
    if (result != PARSE_OK) {
        fprintf(stderr, "chalk: syntax error: %s\n", parse_message(result));
        return;
    }
    if (shell->line.count > 1) {
        fprintf(stderr, "chalk: pipes are not supported yet\n");
        return;
    }
    if (shell->line.count == 1)
        run_command(&shell->line.commands[0], shell->line.background);
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
    printf("Chalk shell: help lists the commands, man COMMAND explains one.\n");

    for (;;) {
        report_finished_jobs();
        printf(PROMPT);
        enum editor_event event;
        if (!read_line(&shell->editor, &event))
            break;
        if (event == EDITOR_LINE)
            run_line(shell);
        else if (event == EDITOR_END)
            printf("chalk: Ctrl+D does not end the shell; type shutdown or reboot\n");
    }
    fprintf(stderr, "chalk: the console gives no more input\n");
    free(shell);
    return 1;
}
