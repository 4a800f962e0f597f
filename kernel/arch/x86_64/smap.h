/*
 * SMEP and SMAP: the CPU keeping the kernel out of user pages (Intel SDM
 * 3A, 4.6). With SMEP the kernel cannot execute a user page; with SMAP it
 * cannot read or write one either, except inside a user-access window
 * (RFLAGS.AC set, by stac; clac ends it). The checked copy helpers
 * (mm/uaccess.c) and the user heap's manager (mm/uheap.c) open windows;
 * any other kernel access to user memory faults, which is a kernel bug
 * caught at the access instead of a hole.
 */
#ifndef CHALK_ARCH_SMAP_H
#define CHALK_ARCH_SMAP_H

#include <stdbool.h>

#define CR4_SMEP (1ULL << 20)
#define CR4_SMAP (1ULL << 21)

/* Whether SMAP is on (set once at boot by smap_init, read-only after). */
extern bool smap_enabled;

/*
 * Turns on SMEP and SMAP where CPUID says the CPU has them; returns a line
 * for the boot log saying which protections are on. Needs the kernel's
 * final page tables (paging_init).
 */
const char *smap_init(void);

/*
 * Opens a user-access window: until user_access_end, the kernel may touch
 * user pages. Keep it to the access itself: no call that may sleep or
 * switch inside (RFLAGS is not part of a parked context, and the next
 * process would run with the window open). stac exists only on CPUs with
 * SMAP, so without SMAP both are no-ops.
 */
static inline void user_access_begin(void)
{
    if (smap_enabled)
        __asm__ volatile("stac" : : : "memory");
}

static inline void user_access_end(void)
{
    if (smap_enabled)
        __asm__ volatile("clac" : : : "memory");
}

#endif
