/* sem: the named semaphores and who waits on them. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>

/* More entries than the kernel's semaphore table has (128), so one call sees them all. */
#define SEM_LIST_MAX 160

static int64_t sem_main(uint64_t argc, char *argv[]);

PROGRAM(sem, .main = sem_main, .summary = "list the named semaphores", .usage = "sem",
        .manual = "Prints one line per semaphore, in table order:\n"
                  "  NAME     its name\n"
                  "  VALUE    units available (never above 0 while someone waits)\n"
                  "  USERS    processes that have it open\n"
                  "  WAITING  processes asleep in sem_wait, then their pids, longest\n"
                  "           waiting first: the order sem_post wakes them in\n"
                  "A semaphore goes away when its last user closes it or ends.\n");

static void print_waiters(const struct chalk_sem_info *sem)
{
    int listed = sem->waiting < SEM_INFO_WAITERS ? sem->waiting : SEM_INFO_WAITERS;
    for (int i = 0; i < listed; i++)
        printf(" %d", sem->waiters[i]);
    if (sem->waiting > listed)
        printf(" ...");
    printf("\n");
}

static int64_t sem_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_sem);
    /* 160 entries of 76 bytes: too much for a 64 KiB stack to spend on a listing. */
    struct chalk_sem_info *info = malloc(SEM_LIST_MAX * sizeof(*info));
    if (!info) {
        perror("sem");
        return 1;
    }
    int count = sems(info, SEM_LIST_MAX);
    if (count < 0)
        perror("sem");
    else if (count == 0)
        printf("no semaphores\n");
    else
        printf("NAME                             VALUE USERS WAITING\n");
    for (int i = 0; i < count; i++) {
        printf("%-32s %5d %5d %7d", info[i].name, info[i].value, info[i].users, info[i].waiting);
        print_waiters(&info[i]);
    }
    free(info);
    return count < 0;
}
