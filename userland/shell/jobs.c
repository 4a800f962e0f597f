#include "jobs.h"

void jobs_init(struct jobs *jobs)
{
    *jobs = (struct jobs){0};
}

bool jobs_add(struct jobs *jobs, const int *pids, int count)
{
    for (int i = 0; i < JOBS_MAX; i++) {
        struct job *job = &jobs->list[i];
        if (job->leader != 0)
            continue;
        *job = (struct job){.leader = pids[0], .running = count};
        for (int p = 0; p < count; p++)
            job->pids[p] = pids[p];
        return true;
    }
    return false;
}

int jobs_running(const struct jobs *jobs, int *pids, int max)
{
    int count = 0;
    for (int i = 0; i < JOBS_MAX; i++) {
        const struct job *job = &jobs->list[i];
        for (int p = 0; job->leader != 0 && p < JOB_PROCS_MAX && count < max; p++)
            if (job->pids[p] != 0)
                pids[count++] = job->pids[p];
    }
    return count;
}

bool jobs_reaped(struct jobs *jobs, int pid, int status, int *leader, int *leader_status)
{
    for (int i = 0; i < JOBS_MAX; i++) {
        struct job *job = &jobs->list[i];
        for (int p = 0; job->leader != 0 && p < JOB_PROCS_MAX; p++) {
            if (job->pids[p] != pid)
                continue;
            job->pids[p] = 0;
            if (pid == job->leader)
                job->leader_status = status;
            if (--job->running > 0)
                return false;
            *leader = job->leader;
            *leader_status = job->leader_status;
            job->leader = 0;
            return true;
        }
    }
    return false;
}
