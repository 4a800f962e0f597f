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
 *    are not both eating, and the new one is not eating at all. Then
 *    test(n-1) and test(0): either may have waited only for the other.
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
 * dines until killed. Killing every philosopher ends phylo too (it waits
 * for them); killing phylo alone orphans them, and its memory, the table
 * included, goes back to the heap. So each philosopher keeps the
 * semaphores' names on its own stack and looks at its parent after every
 * wait: an orphan leaves at once without touching the table, waking the
 * others on its way out (leave_orphaned). What remains is a window of a few
 * instructions between that look and a use of the table, a hazard of the
 * shared heap; q, or Ctrl+C in the foreground, is the clean way out.
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

/* The semaphores of one phylo, named after its pid so that two phylos never share one. */
struct sem_names {
    char mutex[SEM_NAME_MAX];
    char seat[SEATS_MAX][SEM_NAME_MAX];
};

/*
 * Shared by phylo and every philosopher. The names are set before any
 * philosopher starts and never change; everything after them is read and
 * written only with the semaphore names.mutex held.
 */
struct table {
    struct sem_names names;
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

static void lock(const struct sem_names *names)
{
    must(sem_wait(names->mutex), "sem_wait", names->mutex);
}

static void unlock(const struct sem_names *names)
{
    must(sem_post(names->mutex), "sem_post", names->mutex);
}

/* Opens the mutex and every seat's semaphore (any philosopher may post any seat). */
static bool open_all(const struct sem_names *names)
{
    if (sem_open(names->mutex, 1) < 0)
        return false;
    for (int i = 0; i < SEATS_MAX; i++) {
        if (sem_open(names->seat[i], 0) < 0) {
            while (--i >= 0)
                sem_close(names->seat[i]);
            sem_close(names->mutex);
            return false;
        }
    }
    return true;
}

static void close_all(const struct sem_names *names)
{
    for (int i = 0; i < SEATS_MAX; i++)
        sem_close(names->seat[i]);
    sem_close(names->mutex);
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
        must(sem_post(t->names.seat[i]), "sem_post", t->names.seat[i]);
    }
}

/* ---- a philosopher ---------------------------------------------------------- */

/*
 * What a philosopher keeps on its own stack. If phylo is killed alone, its
 * memory, the table included, goes with it, and an orphan must leave
 * without touching the table again: so it knows the semaphores' names by
 * heart, and looks at its parent after every wait.
 */
struct diner {
    struct table *table;
    struct sem_names names;
    int seat;
    int phylo; /* phylo's pid: our parent, until phylo dies */
};

/*
 * An orphan's way out. It gives back the mutex if it holds it, and posts
 * every seat, so that a hungry orphan asleep on its seat wakes, finds
 * itself an orphan too and leaves the same way. Extra units do no harm:
 * only orphans are left, and each leaves as soon as it wakes.
 */
__attribute__((noreturn)) static void leave_orphaned(const struct diner *d, bool holding_mutex)
{
    if (holding_mutex)
        sem_post(d->names.mutex);
    for (int i = 0; i < SEATS_MAX; i++)
        sem_post(d->names.seat[i]);
    close_all(&d->names);
    exit(0);
}

static void leave_if_orphaned(const struct diner *d, bool holding_mutex)
{
    if (getppid() != d->phylo)
        leave_orphaned(d, holding_mutex);
}

static void diner_lock(const struct diner *d)
{
    lock(&d->names);
    leave_if_orphaned(d, true);
}

/* Sleeps base_ms plus up to spread_ms, different for every philosopher and every time. */
static void nap(const struct diner *d, int base_ms, int spread_ms)
{
    uint64_t mix = (uptime_ms() ^ (uint64_t)getpid() << 20) * 0x9E3779B97F4A7C15ULL;
    sleep_ms((uint64_t)base_ms + (mix >> 40) % (uint64_t)spread_ms);
    leave_if_orphaned(d, false);
}

/* Returns once the philosopher eats; false instead when phylo is quitting (nothing taken). */
static bool take_forks(const struct diner *d)
{
    struct table *t = d->table;
    diner_lock(d);
    if (t->quitting) {
        unlock(&d->names);
        return false;
    }
    t->seats[d->seat].state = HUNGRY;
    test(t, d->seat);
    unlock(&d->names);
    must(sem_wait(d->names.seat[d->seat]), "sem_wait", d->names.seat[d->seat]);
    leave_if_orphaned(d, false);
    return true;
}

/* Ends the meal; true when the philosopher must now leave the table. */
static bool put_forks(const struct diner *d)
{
    struct table *t = d->table;
    diner_lock(d);
    struct seat *seat = &t->seats[d->seat];
    bool leave = seat->leaving || t->quitting;
    int left = left_of(t, d->seat), right = right_of(t, d->seat);
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
    unlock(&d->names);
    return leave;
}

/* argv: the table's address, the seat, phylo's pid. */
static int64_t philosopher(uint64_t argc, char *argv[])
{
    if (argc != 3)
        return 2;
    struct diner d = {
        .table = (struct table *)strtol(argv[0], NULL, 16),
        .seat = atoi(argv[1]),
        .phylo = atoi(argv[2]),
    };
    if (getppid() != d.phylo)
        return 0; /* phylo is gone already, and the table with it */
    d.names = d.table->names;
    if (!open_all(&d.names))
        return 1;
    for (;;) {
        nap(&d, THINK_MS, THINK_SPREAD_MS);
        if (!take_forks(&d))
            break;
        nap(&d, EAT_MS, EAT_SPREAD_MS);
        if (put_forks(&d))
            break;
    }
    close_all(&d.names);
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
    snprintf(phylo, sizeof(phylo), "%d", getpid());
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
    lock(&t->names);
    if (t->count == SEATS_MAX) {
        unlock(&t->names);
        printf("phylo: the table seats at most %d\n", SEATS_MAX);
        return;
    }
    if (seat_one(t)) {
        show(t);
        /* Seats n-1 and 0 are no longer neighbours: either may now eat. */
        test(t, t->count - 2);
        test(t, 0);
    }
    unlock(&t->names);
}

/* Asks the last philosopher to leave after its meal, and waits until it has. */
static void remove_one(struct table *t)
{
    lock(&t->names);
    if (t->count == SEATS_MIN) {
        unlock(&t->names);
        printf("phylo: at least %d philosophers stay at the table\n", SEATS_MIN);
        return;
    }
    int seat = t->count - 1;
    struct seat *last = &t->seats[seat];
    last->leaving = true;
    int pid = last->pid;
    unlock(&t->names);
    printf("phylo: the philosopher in seat %d leaves after its meal\n", seat);
    waitpid(pid, NULL, 0);
}

/* Everyone leaves at the end of its cycle; returns once all have. */
static void quit(struct table *t)
{
    lock(&t->names);
    t->quitting = true;
    int pids[SEATS_MAX], count = t->count;
    for (int i = 0; i < count; i++)
        pids[i] = t->seats[i].pid;
    unlock(&t->names);
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
    *t = (struct table){0};
    snprintf(t->names.mutex, SEM_NAME_MAX, "phylo%d.mutex", getpid());
    for (int i = 0; i < SEATS_MAX; i++)
        snprintf(t->names.seat[i], SEM_NAME_MAX, "phylo%d.%d", getpid(), i);
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
    if (!open_all(&t->names)) {
        perror("phylo: sem_open");
        free(t);
        return 1;
    }
    printf("phylo: %ld philosophers; keys: a adds one, r removes one, q quits\n", (long)n);

    lock(&t->names);
    while (t->count < n && seat_one(t))
        ;
    bool seated = t->count == n;
    show(t);
    unlock(&t->names);

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
    close_all(&t->names);
    free(t);
    printf("phylo: the table is empty\n");
    return 0;
}
