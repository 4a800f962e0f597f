/*
 * Thin wrappers around x86-64 instructions that C cannot express: port I/O,
 * control registers, MSRs, CPUID and interrupt control. Each is one
 * instruction; the "memory" clobbers keep the compiler from moving memory
 * accesses across the ones that order things (cli/sti, cr3 writes).
 */
#ifndef CHALK_ARCH_CPU_H
#define CHALK_ARCH_CPU_H

#include <stdbool.h>
#include <stdint.h>

#define RFLAGS_IF (1ULL << 9)

#define MSR_EFER 0xC0000080
#define EFER_NXE (1ULL << 11) /* no-execute page protection enabled */

static inline void outb(uint16_t port, uint8_t value)
{
    __asm__ volatile("outb %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t value;
    __asm__ volatile("inb %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void outw(uint16_t port, uint16_t value)
{
    __asm__ volatile("outw %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint16_t inw(uint16_t port)
{
    uint16_t value;
    __asm__ volatile("inw %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

static inline void outl(uint16_t port, uint32_t value)
{
    __asm__ volatile("outl %0, %1" : : "a"(value), "Nd"(port));
}

static inline uint32_t inl(uint16_t port)
{
    uint32_t value;
    __asm__ volatile("inl %1, %0" : "=a"(value) : "Nd"(port));
    return value;
}

/* A write to an unused port takes about a microsecond: old devices need it. */
static inline void io_wait(void)
{
    outb(0x80, 0);
}

static inline uint64_t read_cr0(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr0, %0" : "=r"(v));
    return v;
}

static inline void write_cr0(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr0" : : "r"(v) : "memory");
}

static inline uint64_t read_cr2(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr2, %0" : "=r"(v));
    return v;
}

static inline uint64_t read_cr3(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr3, %0" : "=r"(v));
    return v;
}

static inline void write_cr3(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr3" : : "r"(v) : "memory");
}

static inline uint64_t read_cr4(void)
{
    uint64_t v;
    __asm__ volatile("mov %%cr4, %0" : "=r"(v));
    return v;
}

static inline void write_cr4(uint64_t v)
{
    __asm__ volatile("mov %0, %%cr4" : : "r"(v) : "memory");
}

static inline uint64_t rdmsr(uint32_t msr)
{
    uint32_t lo, hi;
    __asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
    return ((uint64_t)hi << 32) | lo;
}

static inline void wrmsr(uint32_t msr, uint64_t value)
{
    __asm__ volatile("wrmsr" : : "c"(msr), "a"((uint32_t)value), "d"((uint32_t)(value >> 32)));
}

static inline void cpuid(uint32_t leaf, uint32_t subleaf, uint32_t *a, uint32_t *b, uint32_t *c,
                         uint32_t *d)
{
    __asm__ volatile("cpuid" : "=a"(*a), "=b"(*b), "=c"(*c), "=d"(*d) : "a"(leaf), "c"(subleaf));
}

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return ((uint64_t)hi << 32) | lo;
}

static inline void invlpg(uint64_t addr)
{
    __asm__ volatile("invlpg (%0)" : : "r"(addr) : "memory");
}

static inline uint64_t read_rflags(void)
{
    uint64_t flags;
    __asm__ volatile("pushfq; popq %0" : "=r"(flags));
    return flags;
}

static inline void interrupts_enable(void)
{
    __asm__ volatile("sti" : : : "memory");
}

static inline void interrupts_disable(void)
{
    __asm__ volatile("cli" : : : "memory");
}

static inline bool interrupts_enabled(void)
{
    return read_rflags() & RFLAGS_IF;
}

/*
 * Disables interrupts and returns whether they were on, for a matching
 * irq_restore(). Nests correctly, unlike a bare cli/sti pair.
 */
static inline bool irq_save(void)
{
    bool was_enabled = interrupts_enabled();
    interrupts_disable();
    return was_enabled;
}

static inline void irq_restore(bool was_enabled)
{
    if (was_enabled)
        interrupts_enable();
}

/* Sleeps until the next interrupt. With interrupts off it stops the CPU. */
static inline void cpu_halt(void)
{
    __asm__ volatile("hlt" : : : "memory");
}

/* sti;hlt waits for an interrupt without the race of a separate sti: the
 * interrupt shadow of sti guarantees hlt executes before any interrupt. */
static inline void cpu_wait_for_interrupt(void)
{
    __asm__ volatile("sti; hlt" : : : "memory");
}

static inline void cpu_pause(void)
{
    __asm__ volatile("pause" : : : "memory");
}

#endif
