#include "proc/elf.h"

#include "arch/x86_64/paging.h"
#include "lib/errno.h"
#include "lib/string.h"
#include "mm/memlayout.h"

#define PT_LOAD     1
#define PF_X        1
#define PF_W        2
#define ET_EXEC     2
#define EM_X86_64   62
#define ELFCLASS64  2
#define ELFDATA2LSB 1

struct elf64_header {
    uint8_t ident[16];
    uint16_t type;
    uint16_t machine;
    uint32_t version;
    uint64_t entry;
    uint64_t phoff;
    uint64_t shoff;
    uint32_t flags;
    uint16_t ehsize;
    uint16_t phentsize;
    uint16_t phnum;
    uint16_t shentsize;
    uint16_t shnum;
    uint16_t shstrndx;
};

struct elf64_phdr {
    uint32_t type;
    uint32_t flags;
    uint64_t offset;
    uint64_t vaddr;
    uint64_t paddr;
    uint64_t filesz;
    uint64_t memsz;
    uint64_t align;
};

static bool header_ok(const struct elf64_header *h, size_t size)
{
    return size >= sizeof(*h) && memcmp(h->ident, "\177ELF", 4) == 0 && h->ident[4] == ELFCLASS64 &&
           h->ident[5] == ELFDATA2LSB && h->type == ET_EXEC && h->machine == EM_X86_64 &&
           h->phentsize == sizeof(struct elf64_phdr) && h->phoff <= size &&
           h->phnum <= (size - h->phoff) / sizeof(struct elf64_phdr);
}

/* A loadable segment must lie in the file and in user space, and not be W+X. */
static bool segment_ok(const struct elf64_phdr *ph, size_t size)
{
    return ph->filesz <= ph->memsz && ph->offset <= size && ph->filesz <= size - ph->offset &&
           ph->vaddr >= USER_BASE && ph->vaddr < USER_MAP_END &&
           ph->memsz <= USER_MAP_END - ph->vaddr && !((ph->flags & PF_W) && (ph->flags & PF_X));
}

/* Copies n bytes to user address virt of space, page by page (space need not be active). */
static void copy_into(struct vm_space *space, uint64_t virt, const uint8_t *src, uint64_t n)
{
    while (n > 0) {
        uint64_t chunk = PAGE_SIZE - virt % PAGE_SIZE;
        if (chunk > n)
            chunk = n;
        memcpy(vm_kernel_address(space, virt), src, chunk);
        virt += chunk;
        src += chunk;
        n -= chunk;
    }
}

static int load_segment(struct vm_space *space, const uint8_t *file, const struct elf64_phdr *ph)
{
    uint64_t start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
    uint64_t end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
    /* Segments sharing a page would need the union of their rights: refuse. */
    for (uint64_t page = start; page < end; page += PAGE_SIZE)
        if (paging_query(space->root, page))
            return -EINVAL;
    unsigned rights = (ph->flags & PF_W ? VM_WRITE : 0) | (ph->flags & PF_X ? VM_EXEC : 0);
    int err = vm_map_zeroed(space, start, end - start, rights);
    if (err < 0)
        return err;
    copy_into(space, ph->vaddr, file + ph->offset, ph->filesz);
    return 0;
}

int elf_load(struct vm_space *space, const void *file, size_t size, struct elf_image *image)
{
    const struct elf64_header *h = file;
    if (!header_ok(h, size))
        return -EINVAL;
    const struct elf64_phdr *phdrs = (const void *)((const uint8_t *)file + h->phoff);
    *image = (struct elf_image){.entry = h->entry, .start = USER_TOP, .end = 0};
    for (unsigned i = 0; i < h->phnum; i++) {
        const struct elf64_phdr *ph = &phdrs[i];
        if (ph->type != PT_LOAD || ph->memsz == 0)
            continue;
        if (!segment_ok(ph, size))
            return -EINVAL;
        int err = load_segment(space, file, ph);
        if (err < 0)
            return err; /* what was mapped goes with the space */
        if (ph->vaddr < image->start)
            image->start = ALIGN_DOWN(ph->vaddr, PAGE_SIZE);
        if (ph->vaddr + ph->memsz > image->end)
            image->end = ALIGN_UP(ph->vaddr + ph->memsz, PAGE_SIZE);
    }
    if (image->end == 0 || h->entry < image->start || h->entry >= image->end)
        return -EINVAL;
    return 0;
}
