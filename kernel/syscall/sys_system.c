/* Time and power calls. */
#include "drivers/acpi.h"
#include "drivers/timer.h"
#include "drivers/tsc.h"
#include "lib/errno.h"
#include "proc/sched.h"
#include "syscall/handlers.h"

/* Longer sleeps are cut to this (about 35 years): keeps tick arithmetic exact. */
#define SLEEP_MAX_MS (1ULL << 40)

int64_t sys_sleep(const struct syscall_args *args)
{
    uint64_t ms = args->arg[0];
    if (ms == 0)
        return 0;
    return sched_sleep_ms(ms < SLEEP_MAX_MS ? ms : SLEEP_MAX_MS);
}

int64_t sys_uptime(const struct syscall_args *args)
{
    (void)args;
    return (int64_t)uptime_ms();
}

int64_t sys_shutdown(const struct syscall_args *args)
{
    (void)args;
    acpi_poweroff();
    return -EIO; /* no ACPI power-off on this machine */
}

int64_t sys_reboot(const struct syscall_args *args)
{
    (void)args;
    acpi_reboot();
}

int64_t sys_tsc_hz(const struct syscall_args *args)
{
    (void)args;
    return (int64_t)tsc_hz();
}
