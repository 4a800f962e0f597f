/*
 * The kernel's own symbol table, embedded at build time by
 * toolchain/mksyms.py, so backtraces can name functions.
 */
#ifndef CHALK_LIB_KSYMS_H
#define CHALK_LIB_KSYMS_H

#include <stdint.h>

/*
 * Finds the function containing addr. Returns its name and stores the offset
 * of addr from its start in *offset, or returns NULL when addr lies outside
 * the kernel's code.
 */
const char *ksyms_lookup(uint64_t addr, uint64_t *offset);

/* The address of the function called name, or 0 if there is none. */
uint64_t ksyms_address(const char *name);

#endif
