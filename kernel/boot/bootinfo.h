/*
 * What the boot loader told us, copied out of the multiboot2 information
 * into kernel memory so nothing depends on GRUB's block afterwards.
 */
#ifndef CHALK_BOOT_BOOTINFO_H
#define CHALK_BOOT_BOOTINFO_H

#include <stdbool.h>
#include <stdint.h>

#define BOOT_MAX_MEMORY_REGIONS 128
#define BOOT_MAX_MODULES        8
#define BOOT_CMDLINE_MAX        256

/* Memory map types (multiboot2 spec 3.6.8, the same as the BIOS E820 types). */
enum memory_type {
    MEMORY_AVAILABLE = 1,
    MEMORY_RESERVED = 2,
    MEMORY_ACPI_RECLAIMABLE = 3,
    MEMORY_ACPI_NVS = 4,
    MEMORY_BAD = 5,
};

struct memory_region {
    uint64_t base;
    uint64_t length;
    uint32_t type;
};

struct boot_module {
    uint64_t start; /* physical */
    uint64_t end;   /* physical, exclusive */
    char name[64];
};

enum framebuffer_kind {
    FRAMEBUFFER_NONE,
    FRAMEBUFFER_RGB,      /* linear framebuffer, direct colour */
    FRAMEBUFFER_EGA_TEXT, /* 80x25 text mode at 0xB8000 */
};

struct framebuffer_info {
    enum framebuffer_kind kind;
    uint64_t address; /* physical; may be above 4 GiB */
    uint32_t pitch;   /* bytes per line */
    uint32_t width;   /* pixels, or characters in text mode */
    uint32_t height;
    uint8_t bpp;
    uint8_t red_shift, red_bits;
    uint8_t green_shift, green_bits;
    uint8_t blue_shift, blue_bits;
};

struct boot_info {
    char cmdline[BOOT_CMDLINE_MAX];
    char loader_name[64];
    struct memory_region memory[BOOT_MAX_MEMORY_REGIONS];
    unsigned memory_count;
    bool memory_truncated; /* more regions than fit; the rest are ignored */
    struct boot_module modules[BOOT_MAX_MODULES];
    unsigned module_count;
    struct framebuffer_info framebuffer;
    uint64_t rsdp;       /* physical address of a copy of the ACPI RSDP, or 0 */
    uint64_t info_start; /* where GRUB's information block lies (physical) */
    uint64_t info_end;
};

/*
 * Parses the multiboot2 information at physical address info_phys (which
 * must be reachable through the boot direct map). Returns false when the
 * block is malformed.
 */
bool bootinfo_parse(uint64_t info_phys, struct boot_info *info);

/* True when the command line contains the word word (e.g. "selftest"). */
bool cmdline_has(const char *cmdline, const char *word);

/*
 * Copies the value of key=value from the command line into value (at most
 * size - 1 characters). Returns false when the key is absent.
 */
bool cmdline_get(const char *cmdline, const char *key, char *value, unsigned size);

#endif
