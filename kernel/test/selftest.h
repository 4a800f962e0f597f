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

#endif
