/*
 * phylo [N]: the dining philosophers, 5 to 10 of them, with seats added and
 * removed while they dine.
 *
 * Philosophers sit at a round table, a fork between each two. A philosopher
 * thinks, gets hungry, eats with both forks (the ones on either side), puts
 * them down and thinks again. Two neighbours share a fork, so they must
 * never eat at the same time; and nobody may wait forever.
 *
 * The scheme (Tanenbaum's): each seat has a state, THINKING, HUNGRY or
 * EATING, and a semaphore of its own, and one mutex semaphore guards all
 * states. A hungry philosopher is let eat, by test(), exactly when neither
 * neighbour eats; test() is run on a seat when it gets hungry and on both
 * neighbours when a philosopher puts its forks down:
 *
 *   take_forks(i):  lock; i is HUNGRY; test(i); unlock; wait on seat i
 *   put_forks(i):   lock; i is THINKING; test(left); test(right); unlock
 *   test(i):        if i is HUNGRY and neither neighbour EATING:
 *                   i is EATING; post seat i
 *
 * No two neighbours eat together, because a seat only turns EATING inside
 * test(), under the mutex, after checking both neighbours. No deadlock,
 * because a philosopher never holds one fork while waiting for the other:
 * it takes both at once, or none and sleeps. A hungry philosopher waits only
 * while a neighbour eats, and that neighbour's put_forks tests it again.
 * (A philosopher may still starve in theory, if its two neighbours take
 * turns eating forever; the random thinking times make that vanishingly
 * unlikely, and the output shows it if it ever happens.)
 *
 * Changing the table keeps it consistent by changing it only when the
 * seats around the change are known not to be eating:
 *
 *  - Adding: phylo seats a new THINKING philosopher after the last seat,
 *    between seats n-1 and 0. Those two were neighbours until now, so they
 *    are not both eating, and the new one is not eating at all.
 *  - Removing: phylo marks the last seat, n-1, as leaving. Its philosopher
 *    goes on with its cycle until it has eaten, and leaves in its
 *    put_forks, under the mutex: while it was eating, its neighbours n-2
 *    and 0 could not eat, so when they become neighbours they are not both
 *    eating. Then test(n-2) and test(0), as after any meal.
 *
 * Every change of who eats, and every change of the table, prints one line
 * with a mark per seat, E (eating) or . (not), printed under the mutex so
 * the line is the table as it is; right there a checker looks for two
 * neighbours eating (wrap-around included) and prints phylo: ERROR if it
 * finds them. tests/qemu/test_apps.py reads the lines to check the same.
 *
 * Processes and memory: each philosopher is a process in phylo's job, so
 * Ctrl+C ends them all. The table is one malloc'd struct shared through
 * its address (all processes share the image and the heap); phylo owns it
 * and frees it only after every philosopher has left. The semaphores' names
 * start with phylo's pid, so two phylos do not share a table. q asks every
 * philosopher to leave at the end of its cycle, waits for all, closes the
 * semaphores and frees the table.
 *
 * In the background phylo has no keyboard (reads give end of file): it
 * dines until killed. Killing phylo alone (kill PID) orphans the
 * philosophers: each notices when it next finishes a cycle and leaves. They
 * may touch the freed table until then, a hazard of the shared heap; Ctrl+C
 * in the foreground, or q, is the clean way out.
 */
#include <chalk.h>
#include <errno.h>
#include <programs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SEATS_MIN       5
#define SEATS_MAX       10
#define THINK_MS        300 /* thinking lasts THINK_MS to THINK_MS + THINK_SPREAD_MS */
#define THINK_SPREAD_MS 600
#define EAT_MS          200
#define EAT_SPREAD_MS   300

enum seat_state { THINKING, HUNGRY, EATING };

struct seat {
    enum seat_state state;
    int pid;      /* the philosopher in it; 0 once it has left */
    bool leaving; /* phylo asked it to leave after its next meal */
};

/*
 * Shared by phylo and every philosopher. phylo_pid and the names are set
 * before any philosopher starts and never change; everything after them is
 * read and written only with the semaphore `mutex` held.
 */
struct table {
    int phylo_pid;
    char mutex[SEM_NAME_MAX];
    char seat_sem[SEATS_MAX][SEM_NAME_MAX];
    int count;     /* seats at the table: seats[0 .. count-1] */
    bool quitting; /* q was pressed: everyone leaves at the end of its cycle */
    struct seat seats[SEATS_MAX];
};

static int64_t phylo_main(uint64_t argc, char *argv[]);

PROGRAM(phylo, .main = phylo_main, .summary = "the dining philosophers",
        .usage = "phylo [N] (N from 5 to 10, 5 by default)",
        .manual = "N philosophers think and eat at a round table, each a process; two\n"
                  "neighbours never eat at once. Every change prints the table, E for a\n"
                  "philosopher eating and . for one who is not, e.g. E . . E .\n"
                  "Keys: a seats one more (up to 10), r removes the last one once it has\n"
                  "eaten (down to 5), q ends: each leaves after its meal, then phylo\n"
                  "closes its semaphores. In the background it has no keyboard and dines\n"
                  "until killed.\n");

/* ---- shared by phylo and the philosophers -------------------------------- */

/* A semaphore call that cannot fail while its semaphore is open; if it does, give up. */
static void must(int result, const char *call, const char *name)
{
    if (result < 0) {
        fprintf(stderr, "phylo: %s %s: %s\n", call, name, strerror(errno));
        exit(1);
    }
}

static void lock(struct table *t)
{
    must(sem_wait(t->mutex), "sem_wait", t->mutex);
}

static void unlock(struct table *t)
{
    must(sem_post(t->mutex), "sem_post", t->mutex);
}

/* Opens the mutex and every seat's semaphore (any philosopher may post any seat). */
static bool open_all(struct table *t)
{
    if (sem_open(t->mutex, 1) < 0)
        return false;
    for (int i = 0; i < SEATS_MAX; i++) {
        if (sem_open(t->seat_sem[i], 0) < 0) {
            while (--i >= 0)
                sem_close(t->seat_sem[i]);
            sem_close(t->mutex);
            return false;
        }
    }
    return true;
}

static void close_all(struct table *t)
{
    for (int i = 0; i < SEATS_MAX; i++)
        sem_close(t->seat_sem[i]);
    sem_close(t->mutex);
}

static int left_of(const struct table *t, int i)
{
    return (i + t->count - 1) % t->count;
}

static int right_of(const struct table *t, int i)
{
    return (i + 1) % t->count;
}

/* Prints the table and checks it. The caller holds the mutex. */
static void show(const struct table *t)
{
    char line[2 * SEATS_MAX];
    int length = 0;
    for (int i = 0; i < t->count; i++) {
        line[length++] = t->seats[i].state == EATING ? 'E' : '.';
        line[length++] = i + 1 < t->count ? ' ' : '\n';
    }
    write(STDOUT_FILENO, line, (size_t)length);
    for (int i = 0; i < t->count; i++) {
        int right = right_of(t, i);
        if (t->seats[i].state == EATING && t->seats[right].state == EATING)
            printf("phylo: ERROR: neighbours %d and %d eat together\n", i, right);
    }
}

/* Lets seat i eat if it is hungry and no neighbour eats. The caller holds the mutex. */
static void test(struct table *t, int i)
{
    if (t->seats[i].state == HUNGRY && t->seats[left_of(t, i)].state != EATING &&
        t->seats[right_of(t, i)].state != EATING) {
        t->seats[i].state = EATING;
        show(t);
        must(sem_post(t->seat_sem[i]), "sem_post", t->seat_sem[i]);
    }
}

/* ---- a philosopher ---------------------------------------------------------- */

/* Sleeps base_ms plus up to spread_ms, different for every philosopher and every time. */
static void nap(int base_ms, int spread_ms)
{
    uint64_t mix = (uptime_ms() ^ (uint64_t)getpid() << 20) * 0x9E3779B97F4A7C15ULL;
    sleep_ms((uint64_t)base_ms + (mix >> 40) % (uint64_t)spread_ms);
}

/* Returns once seat i eats; false instead when phylo is quitting (nothing taken). */
static bool take_forks(struct table *t, int i)
{
    lock(t);
    if (t->quitting) {
        unlock(t);
        return false;
    }
    t->seats[i].state = HUNGRY;
    test(t, i);
    unlock(t);
    must(sem_wait(t->seat_sem[i]), "sem_wait", t->seat_sem[i]);
    return true;
}

/* Ends seat i's meal; true when the philosopher must now leave the table. */
static bool put_forks(struct table *t, int i)
{
    lock(t);
    struct seat *seat = &t->seats[i];
    bool leave = seat->leaving || t->quitting;
    int left = left_of(t, i), right = right_of(t, i);
    seat->state = THINKING;
    if (seat->leaving) {
        /* Only the last seat is ever removed: left and right (0) become neighbours. */
        seat->pid = 0;
        seat->leaving = false;
        t->count--;
    }
    show(t);
    test(t, left);
    test(t, right);
    unlock(t);
    return leave;
}

/* argv: the table's address, the seat, phylo's pid. */
static int64_t philosopher(uint64_t argc, char *argv[])
{
    if (argc != 3)
        return 2;
    struct table *t = (struct table *)strtol(argv[0], NULL, 16);
    int seat = atoi(argv[1]);
    int phylo = atoi(argv[2]);
    if (!open_all(t))
        return 1;
    /* An orphan (phylo was killed alone) leaves at the end of its cycle. */
    while (getppid() == phylo) {
        nap(THINK_MS, THINK_SPREAD_MS);
        if (!take_forks(t, seat))
            break;
        nap(EAT_MS, EAT_SPREAD_MS);
        if (put_forks(t, seat))
            break;
    }
    close_all(t);
    return 0;
}

/* ---- phylo itself ------------------------------------------------------------ */

/* Seats a new philosopher after the last seat. The caller holds the mutex. */
static bool seat_one(struct table *t)
{
    int i = t->count;
    char address[24], seat[8], phylo[16];
    snprintf(address, sizeof(address), "%lx", (unsigned long)t);
    snprintf(seat, sizeof(seat), "%d", i);
    snprintf(phylo, sizeof(phylo), "%d", t->phylo_pid);
    char *args[] = {address, seat, phylo};
    int pid = spawn("philosopher", philosopher, 3, args, PRIORITY_DEFAULT, 0, SPAWN_INHERIT_FD,
                    SPAWN_INHERIT_FD);
    if (pid < 0) {
        perror("phylo: spawn");
        return false;
    }
    t->seats[i] = (struct seat){.state = THINKING, .pid = pid};
    t->count++;
    return true;
}

static void add_one(struct table *t)
{
    lock(t);
    if (t->count == SEATS_MAX) {
        unlock(t);
        printf("phylo: the table seats at most %d\n", SEATS_MAX);
        return;
    }
    if (seat_one(t)) {
        show(t);
        /* Seats n-1 and 0 are no longer neighbours: either may now eat. */
        test(t, t->count - 2);
        test(t, 0);
    }
    unlock(t);
}

/* Asks the last philosopher to leave after its meal, and waits until it has. */
static void remove_one(struct table *t)
{
    lock(t);
    if (t->count == SEATS_MIN) {
        unlock(t);
        printf("phylo: at least %d philosophers stay at the table\n", SEATS_MIN);
        return;
    }
    struct seat *last = &t->seats[t->count - 1];
    last->leaving = true;
    int pid = last->pid;
    unlock(t);
    printf("phylo: the last philosopher leaves after its meal\n");
    waitpid(pid, NULL, 0);
}

/* Everyone leaves at the end of its cycle; returns once all have. */
static void quit(struct table *t)
{
    lock(t);
    t->quitting = true;
    int pids[SEATS_MAX], count = t->count;
    for (int i = 0; i < count; i++)
        pids[i] = t->seats[i].pid;
    unlock(t);
    printf("phylo: the philosophers leave after their meals\n");
    for (int i = 0; i < count; i++)
        waitpid(pids[i], NULL, 0);
}

/* Handles keys until q (true) or the end of input (false). */
static bool read_keys(struct table *t)
{
    char key;
    while (read(STDIN_FILENO, &key, 1) == 1) {
        if (key == 'a')
            add_one(t);
        else if (key == 'r')
            remove_one(t);
        else if (key == 'q')
            return true;
    }
    return false;
}

static void table_init(struct table *t)
{
    *t = (struct table){.phylo_pid = getpid()};
    snprintf(t->mutex, SEM_NAME_MAX, "phylo%d.mutex", t->phylo_pid);
    for (int i = 0; i < SEATS_MAX; i++)
        snprintf(t->seat_sem[i], SEM_NAME_MAX, "phylo%d.%d", t->phylo_pid, i);
}

static int64_t phylo_main(uint64_t argc, char *argv[])
{
    int64_t n = SEATS_MIN;
    if (argc > 1 || (argc == 1 && !program_arg_int(argv[0], SEATS_MIN, SEATS_MAX, &n)))
        return program_usage(&program_phylo);
    struct table *t = malloc(sizeof(*t));
    if (!t) {
        perror("phylo");
        return 1;
    }
    table_init(t);
    if (!open_all(t)) {
        perror("phylo: sem_open");
        free(t);
        return 1;
    }
    printf("phylo: %ld philosophers; keys: a adds one, r removes one, q quits\n", (long)n);

    lock(t);
    while (t->count < n && seat_one(t))
        ;
    bool seated = t->count == n;
    show(t);
    unlock(t);

    bool keyboard = seated && console_raw(true) == 0;
    if (!seated || (keyboard && read_keys(t))) {
        quit(t);
    } else {
        printf("phylo: no keyboard: dining until killed\n");
        while (waitpid(-1, NULL, 0) > 0)
            ;
    }
    if (keyboard)
        console_raw(false);
    close_all(t);
    free(t);
    printf("phylo: the table is empty\n");
    return 0;
}
