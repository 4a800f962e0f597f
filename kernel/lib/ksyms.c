/*
 * Symbol lookup. The table (see toolchain/mksyms.py for the format) is a
 * header, an array of entries sorted by address, and the names:
 *
 *   "KSYM" u32 count | { u64 address, u32 name offset, u32 0 } * count | names
 *
 * The build links the kernel once without the table, generates the table
 * from that ELF and links again with it in the .ksyms section, the last in
 * the image, so adding it moves no symbol.
 */
#include "lib/ksyms.h"

#include "lib/string.h"
#include "mm/memlayout.h"

#include <stddef.h>

struct ksym_header {
    char magic[4];
    uint32_t count;
};

struct ksym_entry {
    uint64_t address;
    uint32_t name_offset;
    uint32_t reserved;
};

static const struct ksym_header *table(void)
{
    const struct ksym_header *h = (const void *)__ksyms_start;
    if ((size_t)(__ksyms_end - __ksyms_start) < sizeof(*h) || memcmp(h->magic, "KSYM", 4) != 0)
        return NULL;
    return h;
}

static const struct ksym_entry *entries(const struct ksym_header *h)
{
    return (const struct ksym_entry *)(h + 1);
}

static const char *name_of(const struct ksym_header *h, const struct ksym_entry *e)
{
    return (const char *)(entries(h) + h->count) + e->name_offset;
}

const char *ksyms_lookup(uint64_t addr, uint64_t *offset)
{
    const struct ksym_header *h = table();
    if (!h || h->count == 0 || addr < (uint64_t)__text_start || addr >= (uint64_t)__text_end)
        return NULL;

    /* Binary search for the last entry at or below addr. */
    const struct ksym_entry *e = entries(h);
    uint32_t lo = 0, hi = h->count;
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (e[mid].address <= addr)
            lo = mid;
        else
            hi = mid;
    }
    if (e[lo].address > addr)
        return NULL;
    *offset = addr - e[lo].address;
    return name_of(h, &e[lo]);
}

uint64_t ksyms_address(const char *name)
{
    const struct ksym_header *h = table();
    if (!h)
        return 0;
    for (uint32_t i = 0; i < h->count; i++)
        if (strcmp(name_of(h, &entries(h)[i]), name) == 0)
            return entries(h)[i].address;
    return 0;
}
