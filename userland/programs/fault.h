/*
 * The kinds of misbehaviour `fault KIND` knows (programs/fault.c), each with
 * the reason the kernel must give when it kills the program for it: its
 * exit status must be EXIT_FAULT(reason). A student runs one by hand;
 * test robust runs every one and checks the status.
 */
#ifndef CHALK_PROGRAMS_FAULT_H
#define CHALK_PROGRAMS_FAULT_H

#include <chalk.h>
#include <stddef.h>

struct fault_kind {
    const char *name;
    const char *what; /* what it does, as fault prints it */
    void (*misbehave)(void);
    enum chalk_fault reason; /* why the kernel must kill it; 0: it must survive */
};

extern const struct fault_kind fault_kinds[];
extern const size_t fault_kind_count;

/* The kind called name, or NULL. */
const struct fault_kind *fault_kind_find(const char *name);

#endif
