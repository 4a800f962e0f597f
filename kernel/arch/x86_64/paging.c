/*
 * The kernel's page tables.
 *
 * boot.asm left 2 MiB mappings of the first 4 GiB at three places. Here we
 * build the tables the kernel keeps:
 *   - the direct map, HHDM_BASE + p for every RAM and ACPI region of the
 *     memory map, in 2 MiB pages (regions are rounded out to 2 MiB: fewer
 *     tables, and the TLB holds more of memory);
 *   - the kernel image at KERNEL_VMA, in 4 KiB pages so each part gets
 *     exactly its rights (W^X: text is never writable, data never
 *     executable);
 *   - nothing in the lower half, which belongs to user space.
 * Intermediate entries are permissive (present + writable); the leaf entry
 * alone decides the rights. Page-table frames come from the frame allocator
 * and are reached through the direct map.
 */
#include "arch/x86_64/paging.h"

#include "arch/x86_64/cpu.h"
#include "lib/panic.h"
#include "mm/memlayout.h"
#include "mm/mm.h"

#define ENTRIES 512

static uint64_t *kernel_pml4;
static uint64_t nx; /* PTE_NX when the CPU supports no-execute, else 0 */

static unsigned index_at(uint64_t virt, unsigned level)
{
    return (virt >> (12 + 9 * level)) & (ENTRIES - 1);
}

/* The table an entry points to, allocated (zeroed) if the entry is empty. */
static uint64_t *next_table(uint64_t *entry)
{
    if (!(*entry & PTE_PRESENT)) {
        uint64_t frame = mm_alloc_frame();
        if (!frame)
            panic("paging: out of memory for page tables");
        *entry = frame | PTE_PRESENT | PTE_WRITE;
    }
    KASSERT(!(*entry & PTE_HUGE));
    return phys_to_virt(*entry & PTE_ADDRESS_MASK);
}

/* Walks from the PML4 down to the table at level (1 = page table). */
static uint64_t *table_for(uint64_t virt, unsigned level)
{
    uint64_t *table = kernel_pml4;
    for (unsigned l = 3; l > level; l--)
        table = next_table(&table[index_at(virt, l)]);
    return table;
}

static void map_huge(uint64_t virt, uint64_t phys, uint64_t flags)
{
    uint64_t *pd = table_for(virt, 1);
    uint64_t *entry = &pd[index_at(virt, 1)];
    if (!(*entry & PTE_PRESENT))
        *entry = phys | flags | PTE_HUGE | PTE_PRESENT;
}

static void map_page(uint64_t virt, uint64_t phys, uint64_t flags)
{
    uint64_t *pt = table_for(virt, 0);
    pt[index_at(virt, 0)] = phys | flags | PTE_PRESENT;
}

uint64_t paging_lookup(uint64_t virt)
{
    uint64_t *table = kernel_pml4;
    for (unsigned level = 3;; level--) {
        uint64_t entry = table[index_at(virt, level)];
        if (!(entry & PTE_PRESENT) || level == 0 || (level == 1 && (entry & PTE_HUGE)))
            return entry & PTE_PRESENT ? entry : 0;
        table = phys_to_virt(entry & PTE_ADDRESS_MASK);
    }
}

void paging_map_direct(uint64_t phys, uint64_t size)
{
    uint64_t start = ALIGN_DOWN(phys, HUGE_PAGE_SIZE);
    uint64_t end = ALIGN_UP(phys + size, HUGE_PAGE_SIZE);
    for (uint64_t p = start; p < end; p += HUGE_PAGE_SIZE)
        map_huge(HHDM_BASE + p, p, PTE_WRITE | PTE_GLOBAL | nx);
}

/* Maps kernel image virtual range [start, end) with flags. */
static void map_kernel_range(const char *start, const char *end, uint64_t flags)
{
    for (uint64_t v = ALIGN_DOWN((uint64_t)start, PAGE_SIZE); v < (uint64_t)end; v += PAGE_SIZE)
        map_page(v, v - KERNEL_VMA, flags | PTE_GLOBAL);
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
    kernel_pml4 = phys_to_virt(root);

    /* The first MiB holds firmware tables (EBDA, possibly the RSDP). */
    paging_map_direct(0, 1 << 20);
    for (unsigned i = 0; i < info->memory_count; i++)
        if (direct_mapped_type(info->memory[i].type))
            paging_map_direct(info->memory[i].base, info->memory[i].length);

    map_kernel_range(__text_start, __text_end, 0);
    map_kernel_range(__rodata_start, __rodata_end, nx);
    map_kernel_range(__data_start, __data_end, PTE_WRITE | nx);
    map_kernel_range(__ksyms_start, __kernel_end, nx);

    /* Global pages survive CR3 reloads: the kernel half is in every space. */
    write_cr4(read_cr4() | (1 << 7));
    write_cr3(root);
}
