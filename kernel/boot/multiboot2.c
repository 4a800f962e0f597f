/*
 * Reads the multiboot2 boot information (multiboot2 spec, section 3.6):
 * a u32 total size, a u32 reserved, then tags, each 8-byte aligned, each
 * starting with u32 type and u32 size, ending with a tag of type 0.
 *
 * Every tag is bounds-checked against the block's total size: a loader (or
 * firmware) bug must give a clear boot log line, not a wild read.
 */
#include "boot/bootinfo.h"

#include "lib/string.h"
#include "mm/memlayout.h"

#include <stddef.h>

enum {
    TAG_END = 0,
    TAG_CMDLINE = 1,
    TAG_LOADER_NAME = 2,
    TAG_MODULE = 3,
    TAG_MEMORY_MAP = 6,
    TAG_FRAMEBUFFER = 8,
    TAG_ACPI_OLD_RSDP = 14,
    TAG_ACPI_NEW_RSDP = 15,
};

struct tag {
    uint32_t type;
    uint32_t size;
};

struct tag_module {
    struct tag tag;
    uint32_t start;
    uint32_t end;
    char name[];
};

struct tag_memory_map {
    struct tag tag;
    uint32_t entry_size;
    uint32_t entry_version;
};

struct memory_map_entry {
    uint64_t base;
    uint64_t length;
    uint32_t type;
    uint32_t reserved;
};

struct tag_framebuffer {
    struct tag tag;
    uint64_t address;
    uint32_t pitch;
    uint32_t width;
    uint32_t height;
    uint8_t bpp;
    uint8_t type;
    uint16_t reserved;
    /* For type 1 (direct RGB) the colour layout follows. */
    uint8_t red_shift, red_bits;
    uint8_t green_shift, green_bits;
    uint8_t blue_shift, blue_bits;
};

/* A copy of the RSDP kept in kernel memory: GRUB's copy is in its info block. */
static uint8_t rsdp_copy[36];

/* Copies a string of a tag whose payload is payload_size bytes long. */
static void copy_tag_string(char *dst, size_t dst_size, const char *src, size_t payload_size)
{
    size_t n = strnlen(src, payload_size);
    if (n >= dst_size)
        n = dst_size - 1;
    memcpy(dst, src, n);
    dst[n] = '\0';
}

static void parse_memory_map(const struct tag_memory_map *tag, struct boot_info *info)
{
    if (tag->entry_size < sizeof(struct memory_map_entry))
        return;
    const uint8_t *p = (const uint8_t *)(tag + 1);
    const uint8_t *end = (const uint8_t *)tag + tag->tag.size;
    for (; p + tag->entry_size <= end; p += tag->entry_size) {
        const struct memory_map_entry *e = (const void *)p;
        if (info->memory_count == BOOT_MAX_MEMORY_REGIONS) {
            info->memory_truncated = true;
            return;
        }
        info->memory[info->memory_count++] = (struct memory_region){e->base, e->length, e->type};
    }
}

static void parse_module(const struct tag_module *tag, struct boot_info *info)
{
    if (info->module_count == BOOT_MAX_MODULES)
        return;
    struct boot_module *m = &info->modules[info->module_count++];
    m->start = tag->start;
    m->end = tag->end;
    copy_tag_string(m->name, sizeof(m->name), tag->name, tag->tag.size - sizeof(*tag));
}

static void parse_framebuffer(const struct tag_framebuffer *tag, struct boot_info *info)
{
    struct framebuffer_info *fb = &info->framebuffer;
    fb->address = tag->address;
    fb->pitch = tag->pitch;
    fb->width = tag->width;
    fb->height = tag->height;
    fb->bpp = tag->bpp;
    /* The tag ends after blue_bits: 38 bytes, less than the padded sizeof. */
    bool has_colour_layout = tag->tag.size >= offsetof(struct tag_framebuffer, blue_bits) + 1;
    if (tag->type == 1 && has_colour_layout) {
        fb->kind = FRAMEBUFFER_RGB;
        fb->red_shift = tag->red_shift;
        fb->red_bits = tag->red_bits;
        fb->green_shift = tag->green_shift;
        fb->green_bits = tag->green_bits;
        fb->blue_shift = tag->blue_shift;
        fb->blue_bits = tag->blue_bits;
    } else if (tag->type == 2) {
        fb->kind = FRAMEBUFFER_EGA_TEXT;
    }
    /* Type 0 (indexed colour) is not supported: the console falls back. */
}

static void parse_rsdp(const struct tag *tag, struct boot_info *info)
{
    size_t n = tag->size - sizeof(*tag);
    if (n > sizeof(rsdp_copy))
        n = sizeof(rsdp_copy);
    /* Prefer the ACPI 2.0 RSDP (tag 15) when both are present. */
    if (info->rsdp && tag->type == TAG_ACPI_OLD_RSDP)
        return;
    memcpy(rsdp_copy, tag + 1, n);
    info->rsdp = virt_to_phys(rsdp_copy);
}

bool bootinfo_parse(uint64_t info_phys, struct boot_info *info)
{
    memset(info, 0, sizeof(*info));
    const uint8_t *base = phys_to_virt(info_phys);
    uint32_t total = *(const uint32_t *)base;
    info->info_start = info_phys;
    info->info_end = info_phys + total;
    if (total < 16)
        return false;

    for (uint32_t off = 8; off + sizeof(struct tag) <= total;) {
        const struct tag *tag = (const void *)(base + off);
        if (tag->size < sizeof(struct tag) || off + tag->size > total)
            return false;
        switch (tag->type) {
        case TAG_END:
            return true;
        case TAG_CMDLINE:
            copy_tag_string(info->cmdline, sizeof(info->cmdline), (const char *)(tag + 1),
                            tag->size - sizeof(*tag));
            break;
        case TAG_LOADER_NAME:
            copy_tag_string(info->loader_name, sizeof(info->loader_name), (const char *)(tag + 1),
                            tag->size - sizeof(*tag));
            break;
        case TAG_MODULE:
            parse_module((const void *)tag, info);
            break;
        case TAG_MEMORY_MAP:
            parse_memory_map((const void *)tag, info);
            break;
        case TAG_FRAMEBUFFER:
            parse_framebuffer((const void *)tag, info);
            break;
        case TAG_ACPI_OLD_RSDP:
        case TAG_ACPI_NEW_RSDP:
            parse_rsdp(tag, info);
            break;
        }
        off += (tag->size + 7) & ~7u;
    }
    return false; /* no end tag */
}
