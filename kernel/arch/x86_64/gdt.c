/*
 * Replaces boot.asm's minimal GDT with the full one: kernel and user
 * segments and a TSS. The TSS holds rsp0 (the kernel stack for interrupts
 * from user mode) and the IST stacks used for double faults, NMIs and
 * machine checks, so those still find a good stack when the kernel stack
 * itself is what went wrong.
 */
#include "arch/x86_64/gdt.h"

#include <stdint.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

struct gdt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

#define IST_STACK_SIZE 8192

static struct tss tss;
static uint8_t ist_stacks[3][IST_STACK_SIZE] __attribute__((aligned(16)));

/*
 * Descriptors (Intel SDM 3A, 3.4.5). Code: present, DPL, code/exec/read,
 * L (64-bit). Data: present, DPL, writable. The TSS takes two slots.
 */
static uint64_t gdt[7] = {
    0,
    0x00AF9A000000FFFF, /* kernel code, DPL 0 */
    0x00CF92000000FFFF, /* kernel data, DPL 0 */
    0x00CFF2000000FFFF, /* user data, DPL 3 */
    0x00AFFA000000FFFF, /* user code, DPL 3 */
    0,                  /* TSS, low half: filled in by gdt_init */
    0,                  /* TSS, high half */
};

static void set_tss_descriptor(void)
{
    uint64_t base = (uint64_t)&tss;
    uint64_t limit = sizeof(tss) - 1;

    gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
             (0x89ULL << 40) /* present, 64-bit TSS */
             | (((limit >> 16) & 0xF) << 48) | (((base >> 24) & 0xFF) << 56);
    gdt[6] = base >> 32;
}

void gdt_init(void)
{
    tss.iomap_base = sizeof(tss); /* no I/O bitmap: ring 3 gets no port access */
    tss.ist[IST_DOUBLE_FAULT - 1] = (uint64_t)&ist_stacks[0][IST_STACK_SIZE];
    tss.ist[IST_NMI - 1] = (uint64_t)&ist_stacks[1][IST_STACK_SIZE];
    tss.ist[IST_MACHINE_CHECK - 1] = (uint64_t)&ist_stacks[2][IST_STACK_SIZE];
    set_tss_descriptor();

    struct gdt_pointer pointer = {sizeof(gdt) - 1, (uint64_t)gdt};
    /* Reload CS with a far return, then the data segments, then the TSS. */
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movw %w2, %%ax\n\t"
                     "movw %%ax, %%ds\n\t"
                     "movw %%ax, %%es\n\t"
                     "movw %%ax, %%ss\n\t"
                     "xorw %%ax, %%ax\n\t"
                     "movw %%ax, %%fs\n\t"
                     "movw %%ax, %%gs\n\t"
                     "ltr %w3"
                     :
                     : "m"(pointer), "i"(SEL_KERNEL_CODE), "r"(SEL_KERNEL_DATA), "r"(SEL_TSS)
                     : "rax", "memory");
}

void gdt_set_kernel_stack(uint64_t rsp0)
{
    tss.rsp[0] = rsp0;
}
