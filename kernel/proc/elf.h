/*
 * Loading ELF64 executables (the System V gABI and its x86-64 supplement)
 * into a user address space. Today the one executable is the userland image
 * that GRUB loads as a module; exec will load programs the same way.
 */
#ifndef CHALK_PROC_ELF_H
#define CHALK_PROC_ELF_H

#include "mm/vm.h"

#include <stddef.h>
#include <stdint.h>

struct elf_image {
    uint64_t entry;
    uint64_t start; /* lowest address loaded */
    uint64_t end;   /* end of the highest segment, page-aligned */
};

/*
 * Checks the executable in [file, file + size) and maps each PT_LOAD
 * segment into space with the rights its flags ask for (never both
 * writable and executable), copying the file's bytes and zeroing the rest.
 * Returns 0, -EINVAL for a malformed or unsuitable file, or -ENOMEM.
 */
int elf_load(struct vm_space *space, const void *file, size_t size, struct elf_image *image);

#endif
