/*
 * The kernel monitor: a minimal command line inside the kernel, for
 * looking at a running system before user space exists (and, later, when
 * user space is broken). Commands: help, mem, uptime, shutdown, reboot.
 */
#ifndef CHALK_MONITOR_H
#define CHALK_MONITOR_H

__attribute__((noreturn)) void monitor_run(void);

#endif
