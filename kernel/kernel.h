/* The kernel's version and its C entry point. */
#ifndef CHALK_KERNEL_H
#define CHALK_KERNEL_H

#include <stdint.h>

#ifndef CHALK_VERSION /* set by the Makefile */
#define CHALK_VERSION "dev"
#endif

/* The C entry point, called by boot.asm with the multiboot2 magic and info. */
__attribute__((noreturn)) void kmain(uint32_t magic, uint64_t info_phys);

#endif
