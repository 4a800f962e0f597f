/*
 * init, the first process (pid 1). The kernel starts the userland image at
 * its entry point, _start, as pid 1; init starts the shell and then spends
 * its life reaping: every process whose parent ends becomes init's child, and
 * a child that has ended stays a zombie until its parent waits for it. When
 * the shell itself ends, init starts a new one.
 */
#include <chalk.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "shell/shell.h"

/* The shell owns the console and must survive Ctrl+C (it receives the key instead). */
#define SHELL_FLAGS (SPAWN_NEW_JOB | SPAWN_FOREGROUND | SPAWN_IGNORE_INTERRUPT)

/* How long to wait before trying again when the shell cannot be started. */
#define RETRY_MS 1000

/* Global, for _start to name it from assembly. */
int64_t init_main(uint64_t argc, char *argv[]);

/*
 * The image's entry point: init runs like any other process, through
 * process_start, with no arguments.
 */
__asm__(".text\n"
        ".global _start\n"
        ".type _start, @function\n"
        "_start:\n"
        "    xor %edi, %edi\n"
        "    xor %esi, %esi\n"
        "    lea init_main(%rip), %rdx\n"
        "    jmp process_start\n"
        ".size _start, . - _start\n");

/* Reaps children until pid ends; returns its status. */
static int reap_until(int pid)
{
    for (;;) {
        int status;
        int ended = waitpid(-1, &status, 0);
        if (ended == pid)
            return status;
        if (ended < 0) { /* cannot happen while pid is our child */
            printf("init: waitpid: %s\n", strerror(errno));
            return EXIT_KILLED;
        }
    }
}

int64_t init_main(uint64_t argc, char *argv[])
{
    (void)argc;
    (void)argv;
    for (;;) {
        int shell = spawn("shell", shell_main, 0, NULL, PRIORITY_DEFAULT, SHELL_FLAGS,
                          SPAWN_INHERIT_FD, SPAWN_INHERIT_FD);
        if (shell < 0) {
            printf("init: cannot start the shell: %s\n", strerror(errno));
            sleep_ms(RETRY_MS);
            continue;
        }
        int status = reap_until(shell);
        printf("init: the shell ended (status %d); starting a new one\n", status);
    }
}
