/*
 * The shell's background jobs: which processes make up each job started
 * with '&', so that the shell reports a job once, when its last process has
 * ended, rather than once per process of a pipeline. A pure module (no
 * system calls): the host's unit tests compile it as it is.
 *
 * Before each prompt the shell asks, for every process jobs_running lists,
 * whether it has ended, and hands each one that has to jobs_reaped. (It
 * asks pid by pid because a killed process is reaped by the kernel at once
 * when its parent is not waiting for it: waitpid(-1) would never see it,
 * and waitpid(pid) says ECHILD.) A pid that is in no job is ignored.
 */
#ifndef CHALK_SHELL_JOBS_H
#define CHALK_SHELL_JOBS_H

#include <stdbool.h>

#define JOBS_MAX      16 /* background jobs the shell follows at once */
#define JOB_PROCS_MAX 8  /* processes in one job: a pipeline's stages */

struct job {
    int leader;              /* the job's id: its leader's pid; 0 for a free entry */
    int leader_status;       /* the leader's exit status, once it has ended */
    int pids[JOB_PROCS_MAX]; /* 0 once that process has ended */
    int running;             /* how many of pids have not ended */
};

struct jobs {
    struct job list[JOBS_MAX];
};

void jobs_init(struct jobs *jobs);

/*
 * Follows a job of count processes (1..JOB_PROCS_MAX), pids[0] being its
 * leader. False when JOBS_MAX jobs are already followed (the job runs on,
 * unreported).
 */
bool jobs_add(struct jobs *jobs, const int *pids, int count);

/* Lists the processes of every job that have not ended: how many (at most max). */
int jobs_running(const struct jobs *jobs, int *pids, int max);

/*
 * Records that pid ended with status. When that was the last process of
 * its job, the job is forgotten, *leader and *leader_status describe it, and
 * the result is true.
 */
bool jobs_reaped(struct jobs *jobs, int pid, int status, int *leader, int *leader_status);

#endif
