#include "proc/pid.h"

#include "lib/errno.h"

int pid_next(int last_pid, unsigned slots, slot_in_use_fn in_use, void *ctx)
{
    int pid = last_pid;
    /* slots consecutive pids visit every slot once; the wrap skips pid 0, so
     * the count starts again there (pids 1 .. slots cover every slot). */
    for (unsigned seen = 0; seen < slots; seen++) {
        if (pid + 1 >= PID_LIMIT) {
            pid = 0;
            seen = 0;
        }
        pid++;
        if (!in_use(pid_slot(pid, slots), ctx))
            return pid;
    }
    return -EAGAIN;
}
