/*
 * In-kernel self-tests, run when the command line says "selftest". Each
 * test prints "selftest: <name>: ok" or "selftest: <name>: FAILED (...)";
 * the run ends with "selftest: N passed, N failed" and powers the machine
 * off, so an automated run (tests/qemu) reads the results over serial and
 * sees QEMU exit by itself.
 */
#ifndef CHALK_TEST_SELFTEST_H
#define CHALK_TEST_SELFTEST_H

#include "boot/bootinfo.h"

__attribute__((noreturn)) void selftest_run(const struct boot_info *info);

/* Faults on purpose (command line "panictest"), to check the panic report. */
__attribute__((noreturn)) void selftest_trigger_page_fault(void);

/*
 * The panic tests the command line asks for: "panictest" faults at once
 * (selftest_trigger_page_fault); "panictest=kstack" makes int3 from user
 * mode recurse on the process's kernel stack until it overflows into its
 * guard page (the shell's `fault breakpoint` executes int3). Otherwise
 * nothing.
 */
void selftest_panic_test(const char *cmdline);

#endif
