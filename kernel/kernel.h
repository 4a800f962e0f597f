/* Version and boot-log helpers shared by kmain and the self-tests. */
#ifndef CHALK_KERNEL_H
#define CHALK_KERNEL_H

#ifndef CHALK_VERSION /* set by the Makefile */
#define CHALK_VERSION "dev"
#include <stdint.h>

/* The C entry point, called by boot.asm with the multiboot2 magic and info. */
__attribute__((noreturn)) void kmain(uint32_t magic, uint64_t info_phys);

#endif

/* One line per init stage, on serial and screen: "boot: <stage>: <detail>". */
#define boot_log(stage, ...)                                                                       \
    do {                                                                                           \
        kprintf("boot: %-10s ", stage);                                                            \
        kprintf(__VA_ARGS__);                                                                      \
        kprintf("\n");                                                                             \
    } while (0)

#include <stdint.h>

/* The C entry point, called by boot.asm with the multiboot2 magic and info. */
__attribute__((noreturn)) void kmain(uint32_t magic, uint64_t info_phys);

#endif
