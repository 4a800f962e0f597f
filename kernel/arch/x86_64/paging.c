/*
 * The kernel's page tables.
 *
 * boot.asm left 2 MiB mappings of the first 4 GiB at three places. Here we
 * build the tables the kernel keeps:
 *   - the direct map, HHDM_BASE + p for every RAM and ACPI region of the
 *     memory map, in 2 MiB pages (regions are rounded out to 2 MiB: fewer
 *     tables, and the TLB holds more of memory), never executable; the
 *     blocks that hold the kernel image in 4 KiB pages, so the image's
 *     code and read-only data are read-only here as well;
 *   - the kernel image at KERNEL_VMA, in 4 KiB pages so each part gets
 *     exactly its rights (W^X: text is never writable, data never
 *     executable), but for the boot stack's guard page, left unmapped;
 *   - the kernel-stacks region (proc/kstack.c): its page tables now, its
 *     pages as processes come and go;
 *   - nothing in the lower half, which belongs to user space.
 * Intermediate entries are permissive (present + writable, + user below
 * USER_TOP); the leaf entry alone decides the rights.
 *
 * User address spaces get a PML4 of their own whose upper half is a copy of
 * the kernel's: the kernel's PML4 entries (the direct map's, the image's and
 * the kernel stacks') all exist before the first copy is made and never
 * change after, so every space shares the same kernel tables below them.
 * Page-table frames come from the frame allocator and are reached through
 * the direct map.
 */
#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "mm/memlayout.h"
#include "mm/mm.h"

#define ENTRIES 512

static uint64_t kernel_root; /* physical address of the kernel's PML4 */
static uint64_t nx;          /* PTE_NX when the CPU supports no-execute, else 0 */
/*
 * Set once the first user address space copied the kernel half. From then
 * on the kernel's PML4 must not gain entries: the copies would not see them.
 */
static bool kernel_half_shared;

static unsigned index_at(uint64_t virt, unsigned level)
{
    return (virt >> (12 + 9 * level)) & (ENTRIES - 1);
}

static uint64_t *table_at(uint64_t entry)
{
    return phys_to_virt(entry & PTE_ADDRESS_MASK);
}

/*
 * The table an entry points to, allocated (zeroed) if the entry is empty,
 * or NULL when memory is out. Tables under the lower half are marked user:
 * the leaf entry alone decides what user code may do.
 */
static uint64_t *next_table(uint64_t *entry, uint64_t virt)
{
    if (!(*entry & PTE_PRESENT)) {
        uint64_t frame = mm_alloc_frame();
        if (!frame)
            return NULL;
        *entry = frame | PTE_PRESENT | PTE_WRITE | (virt < USER_TOP ? PTE_USER : 0);
    }
    KASSERT(!(*entry & PTE_HUGE));
    return table_at(*entry);
}

/* Walks from the PML4 at root down to the table at level (1 = page directory). */
static uint64_t *table_for(uint64_t root, uint64_t virt, unsigned level)
{
    uint64_t *table = phys_to_virt(root);
    for (unsigned l = 3; l > level && table; l--) {
        KASSERT(!(l == 3 && root == kernel_root && kernel_half_shared &&
                  !(table[index_at(virt, 3)] & PTE_PRESENT)));
        table = next_table(&table[index_at(virt, l)], virt);
    }
    return table;
}

/* Boot-time mappings: running out of memory this early is fatal. */
static uint64_t *boot_table_for(uint64_t virt, unsigned level)
{
    uint64_t *table = table_for(kernel_root, virt, level);
    if (!table)
        panic("paging: out of memory for page tables");
    return table;
}

static void map_huge(uint64_t virt, uint64_t phys, uint64_t flags)
{
    uint64_t *pd = boot_table_for(virt, 1);
    uint64_t *entry = &pd[index_at(virt, 1)];
    if (!(*entry & PTE_PRESENT))
        *entry = phys | flags | PTE_HUGE | PTE_PRESENT;
}

uint64_t paging_query(uint64_t root, uint64_t virt)
{
    uint64_t *table = phys_to_virt(root);
    for (unsigned level = 3;; level--) {
        uint64_t entry = table[index_at(virt, level)];
        if (!(entry & PTE_PRESENT) || level == 0 || (level == 1 && (entry & PTE_HUGE)))
            return entry & PTE_PRESENT ? entry : 0;
        table = table_at(entry);
    }
}

uint64_t paging_lookup(uint64_t virt)
{
    /* Before paging_init, boot.asm's tables are the kernel's (a panic's backtrace may ask). */
    return paging_query(kernel_root ? kernel_root : read_cr3() & PTE_ADDRESS_MASK, virt);
}

uint64_t paging_kernel_root(void)
{
    return kernel_root;
}

int paging_map(uint64_t root, uint64_t virt, uint64_t phys, uint64_t flags)
{
    uint64_t *pt = table_for(root, virt, 0);
    if (!pt)
        return -ENOMEM;
    if (!(flags & PTE_EXECUTE_OK))
        flags |= nx;
    pt[index_at(virt, 0)] = phys | (flags & ~PTE_EXECUTE_OK) | PTE_PRESENT;
    return 0;
}

static bool table_empty(const uint64_t *table)
{
    for (unsigned i = 0; i < ENTRIES; i++)
        if (table[i])
            return false;
    return true;
}

uint64_t paging_unmap(uint64_t root, uint64_t virt)
{
    /* path[l] is the table at level l on the way down; path[3] the PML4. */
    uint64_t *path[4];
    path[3] = phys_to_virt(root);
    for (unsigned level = 3; level > 0; level--) {
        uint64_t entry = path[level][index_at(virt, level)];
        if (!(entry & PTE_PRESENT) || (entry & PTE_HUGE))
            return 0;
        path[level - 1] = table_at(entry);
    }
    uint64_t old = path[0][index_at(virt, 0)];
    if (!(old & PTE_PRESENT))
        return 0;
    path[0][index_at(virt, 0)] = 0;
    invlpg(virt);
    /*
     * User tables left empty go too, so unmapping gives back every frame
     * mapping took. Kernel-half tables stay: every address space shares
     * them, and the next mapping there (a kernel stack) reuses them.
     */
    for (unsigned level = 0; virt < USER_TOP && level < 3 && table_empty(path[level]); level++) {
        mm_free_frames(virt_to_phys(path[level]), 1);
        path[level + 1][index_at(virt, level + 1)] = 0;
    }
    return old;
}

uint64_t paging_new_root(void)
{
    uint64_t root = mm_alloc_frame();
    if (!root)
        return 0;
    uint64_t *new_pml4 = phys_to_virt(root), *kernel_pml4 = phys_to_virt(kernel_root);
    for (unsigned i = ENTRIES / 2; i < ENTRIES; i++)
        new_pml4[i] = kernel_pml4[i];
    kernel_half_shared = true;
    return root;
}

/* Frees what entry at level (3 = PML4 entry, 0 = page) points to, recursively. */
static void free_tree(uint64_t entry, unsigned level)
{
    if (!(entry & PTE_PRESENT))
        return;
    KASSERT(!(entry & PTE_HUGE));
    if (level > 0) {
        uint64_t *table = table_at(entry);
        for (unsigned i = 0; i < ENTRIES; i++)
            free_tree(table[i], level - 1);
    }
    mm_free_frames(entry & PTE_ADDRESS_MASK, 1);
}

void paging_free_root(uint64_t root)
{
    uint64_t *pml4 = phys_to_virt(root);
    for (unsigned i = 0; i < ENTRIES / 2; i++)
        free_tree(pml4[i], 3);
    mm_free_frames(root, 1);
}

/* Calls fn for each page mapped under table, a table at level mapping from base on. */
static void walk(const uint64_t *table, unsigned level, uint64_t base, paging_visit_fn fn,
                 void *ctx)
{
    for (unsigned i = 0; i < ENTRIES; i++) {
        uint64_t entry = table[i];
        uint64_t virt = base + ((uint64_t)i << (12 + 9 * level));
        if (!(entry & PTE_PRESENT))
            continue;
        if (level == 0 || (entry & PTE_HUGE))
            fn(virt, entry, ctx);
        else
            walk(table_at(entry), level - 1, virt, fn, ctx);
    }
}

void paging_walk_kernel(paging_visit_fn fn, void *ctx)
{
    const uint64_t *pml4 = phys_to_virt(kernel_root);
    for (unsigned i = ENTRIES / 2; i < ENTRIES; i++) {
        /* Upper-half addresses are sign-extended from bit 47. */
        uint64_t base = 0xFFFF000000000000ULL | ((uint64_t)i << 39);
        if (pml4[i] & PTE_PRESENT)
            walk(table_at(pml4[i]), 2, base, fn, ctx);
    }
}

void paging_map_direct(uint64_t phys, uint64_t size)
{
    uint64_t start = ALIGN_DOWN(phys, HUGE_PAGE_SIZE);
    uint64_t end = ALIGN_UP(phys + size, HUGE_PAGE_SIZE);
    for (uint64_t p = start; p < end; p += HUGE_PAGE_SIZE)
        map_huge(HHDM_BASE + p, p, PTE_WRITE | PTE_GLOBAL | nx);
}

/* Boot-time 4 KiB mapping: sets the page-table entry of virt. */
static void set_boot_entry(uint64_t virt, uint64_t entry)
{
    boot_table_for(virt, 0)[index_at(virt, 0)] = entry;
}

/*
 * The direct map of [start, end) in 4 KiB pages, writable, for the 2 MiB
 * blocks that hold the kernel image: map_kernel_range then takes the right
 * to write away where the image is read-only. (paging_map_direct leaves
 * these blocks alone: their entries are present.)
 */
static void map_direct_small(uint64_t start, uint64_t end)
{
    for (uint64_t p = start; p < end; p += PAGE_SIZE)
        set_boot_entry(HHDM_BASE + p, p | PTE_WRITE | PTE_GLOBAL | nx | PTE_PRESENT);
}

/*
 * Maps kernel image virtual range [start, end) with flags, and its alias in
 * the direct map with the same right to write and never to execute: code
 * and read-only data are read-only under both of their addresses, so no
 * stray write through phys_to_virt can change them either.
 */
static void map_kernel_range(const char *start, const char *end, uint64_t flags)
{
    for (uint64_t v = ALIGN_DOWN((uint64_t)start, PAGE_SIZE); v < (uint64_t)end; v += PAGE_SIZE) {
        uint64_t phys = v - KERNEL_VMA;
        set_boot_entry(v, phys | flags | PTE_GLOBAL | PTE_PRESENT);
        set_boot_entry(HHDM_BASE + phys,
                       phys | (flags & PTE_WRITE) | nx | PTE_GLOBAL | PTE_PRESENT);
    }
}

static bool direct_mapped_type(uint32_t type)
{
    return type == MEMORY_AVAILABLE || type == MEMORY_ACPI_RECLAIMABLE || type == MEMORY_ACPI_NVS;
}

void paging_init(const struct boot_info *info)
{
    if (rdmsr(MSR_EFER) & EFER_NXE)
        nx = PTE_NX;

    uint64_t root = mm_alloc_frame();
    if (!root)
        panic("paging: out of memory for the kernel page table");
    kernel_root = root;

    map_direct_small(ALIGN_DOWN((uint64_t)__kernel_phys_start, HUGE_PAGE_SIZE),
                     ALIGN_UP((uint64_t)__kernel_phys_end, HUGE_PAGE_SIZE));
    /* The first MiB holds firmware tables (EBDA, possibly the RSDP). */
    paging_map_direct(0, 1 << 20);
    for (unsigned i = 0; i < info->memory_count; i++)
        if (direct_mapped_type(info->memory[i].type))
            paging_map_direct(info->memory[i].base, info->memory[i].length);

    map_kernel_range(__text_start, __text_end, 0);
    map_kernel_range(__rodata_start, __rodata_end, nx);
    map_kernel_range(__data_start, __data_end, PTE_WRITE | nx);
    map_kernel_range(__ksyms_start, __kernel_end, nx);
    /* The boot stack's guard (proc/kstack.c): a page of .bss nobody may touch. */
    KASSERT((uint64_t)boot_stack_guard % PAGE_SIZE == 0 &&
            boot_stack - boot_stack_guard == PAGE_SIZE);
    set_boot_entry((uint64_t)boot_stack_guard, 0);
    /*
     * The kernel stacks' page tables, made now for the whole region: they
     * exist before any address space copies the kernel half, and a process
     * costs the same frames (its stack's) whichever slot it gets.
     */
    for (uint64_t v = KSTACKS_BASE; v < KSTACKS_BASE + KSTACKS_SIZE; v += HUGE_PAGE_SIZE)
        boot_table_for(v, 0);

    /* Global pages survive CR3 reloads: the kernel half is in every space. */
    write_cr4(read_cr4() | (1 << 7));
    write_cr3(root);
}
