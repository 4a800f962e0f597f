/*
 * The IDT and the C side of every interrupt.
 *
 * trap_entry.asm turns each vector into a call of trap_dispatch with the
 * saved registers. Dispatch is a table lookup: drivers and subsystems
 * register a handler per vector. What has no handler is an error: an
 * exception in user mode kills the process that caused it, while one in the
 * kernel is a kernel bug, so it panics with the registers and a backtrace.
 */
#include "arch/x86_64/trap.h"

#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/pic.h"
#include "lib/kprintf.h"
#include "uapi/chalk/ansi.h"
#include "lib/panic.h"
#include "mm/memlayout.h"
#include "proc/kstack.h"
#include "proc/sched.h"

#include <stddef.h>

#define GATE_INTERRUPT 0x8E /* present, DPL 0, 64-bit interrupt gate */
#define GATE_DPL3      0x60 /* reachable with int n from ring 3 */

struct idt_gate {
    uint16_t offset_low;
    uint16_t selector;
    uint8_t ist;
    uint8_t type_attr;
    uint16_t offset_mid;
    uint32_t offset_high;
    uint32_t reserved;
} __attribute__((packed));

struct idt_pointer {
    uint16_t limit;
    uint64_t base;
} __attribute__((packed));

extern const uint64_t trap_stubs[NUM_VECTORS];

static struct idt_gate idt[NUM_VECTORS];
static trap_handler_t handlers[NUM_VECTORS];

static const char *const exception_names[32] = {
    [0] = "Divide Error (#DE)",
    [1] = "Debug (#DB)",
    [2] = "Non-Maskable Interrupt",
    [3] = "Breakpoint (#BP)",
    [4] = "Overflow (#OF)",
    [5] = "Bound Range Exceeded (#BR)",
    [6] = "Invalid Opcode (#UD)",
    [7] = "Device Not Available (#NM)",
    [8] = "Double Fault (#DF)",
    [9] = "Coprocessor Segment Overrun",
    [10] = "Invalid TSS (#TS)",
    [11] = "Segment Not Present (#NP)",
    [12] = "Stack-Segment Fault (#SS)",
    [13] = "General Protection Fault (#GP)",
    [14] = "Page Fault (#PF)",
    [15] = "Reserved 15",
    [16] = "x87 Floating-Point Error (#MF)",
    [17] = "Alignment Check (#AC)",
    [18] = "Machine Check (#MC)",
    [19] = "SIMD Floating-Point Exception (#XM)",
    [20] = "Virtualization Exception (#VE)",
    [21] = "Control Protection Exception (#CP)",
    [22] = "Reserved 22",
    [23] = "Reserved 23",
    [24] = "Reserved 24",
    [25] = "Reserved 25",
    [26] = "Reserved 26",
    [27] = "Reserved 27",
    [28] = "Hypervisor Injection Exception (#HV)",
    [29] = "VMM Communication Exception (#VC)",
    [30] = "Security Exception (#SX)",
    [31] = "Reserved 31",
};

const char *trap_exception_name(unsigned vector)
{
    return vector < 32 ? exception_names[vector] : NULL;
}

static void set_gate(unsigned vector, uint64_t handler, uint8_t type_attr, uint8_t ist)
{
    idt[vector] = (struct idt_gate){
        .offset_low = handler & 0xFFFF,
        .selector = SEL_KERNEL_CODE,
        .ist = ist,
        .type_attr = type_attr,
        .offset_mid = (handler >> 16) & 0xFFFF,
        .offset_high = handler >> 32,
    };
}

void trap_init(void)
{
    for (unsigned v = 0; v < NUM_VECTORS; v++)
        set_gate(v, trap_stubs[v], GATE_INTERRUPT, 0);

    /* These must work even when the current stack is the problem. */
    set_gate(VEC_DOUBLE_FAULT, trap_stubs[VEC_DOUBLE_FAULT], GATE_INTERRUPT, IST_DOUBLE_FAULT);
    set_gate(VEC_NMI, trap_stubs[VEC_NMI], GATE_INTERRUPT, IST_NMI);
    set_gate(VEC_MACHINE_CHECK, trap_stubs[VEC_MACHINE_CHECK], GATE_INTERRUPT, IST_MACHINE_CHECK);
    /* int3 and int 0x80 from user code must reach us, not raise #GP. */
    set_gate(VEC_BREAKPOINT, trap_stubs[VEC_BREAKPOINT], GATE_INTERRUPT | GATE_DPL3, 0);
    set_gate(VEC_SYSCALL, trap_stubs[VEC_SYSCALL], GATE_INTERRUPT | GATE_DPL3, 0);

    struct idt_pointer pointer = {sizeof(idt) - 1, (uint64_t)idt};
    __asm__ volatile("lidt %0" : : "m"(pointer));
}

void trap_set_handler(unsigned vector, trap_handler_t handler)
{
    if (vector < NUM_VECTORS)
        handlers[vector] = handler;
}

/*
 * Decodes a page-fault error code. A kernel access refused on a present
 * user page can only be SMEP or SMAP (smap.h) at work: say so, since the
 * bug is then a missing user-access window, not a bad pointer.
 */
static void print_page_fault_cause(uint64_t error, uint64_t addr)
{
    kprintf("  cause: %s %s in %s mode%s%s\n",
            error & PF_PRESENT ? "protection violation on" : "non-present page on",
            error & PF_FETCH ? "instruction fetch" : (error & PF_WRITE ? "write" : "read"),
            error & PF_USER ? "user" : "kernel", error & PF_RESERVED ? ", reserved bit set" : "",
            error & PF_PKEY ? ", protection key" : "");
    if (!(error & PF_USER) && (error & PF_PRESENT) && addr < USER_TOP)
        kprintf("  %s\n", error & PF_FETCH
                              ? "SMEP: the kernel jumped into a user page"
                              : "SMAP: the kernel touched a user page outside the uaccess.h "
                                "helpers");
}

void trap_dump_frame(const struct trap_frame *f)
{
    kprintf("  rip %p  rsp %p  rflags %p\n", (void *)f->rip, (void *)f->rsp, (void *)f->rflags);
    kprintf("  rax %p  rbx %p  rcx %p\n", (void *)f->rax, (void *)f->rbx, (void *)f->rcx);
    kprintf("  rdx %p  rsi %p  rdi %p\n", (void *)f->rdx, (void *)f->rsi, (void *)f->rdi);
    kprintf("  rbp %p  r8  %p  r9  %p\n", (void *)f->rbp, (void *)f->r8, (void *)f->r9);
    kprintf("  r10 %p  r11 %p  r12 %p\n", (void *)f->r10, (void *)f->r11, (void *)f->r12);
    kprintf("  r13 %p  r14 %p  r15 %p\n", (void *)f->r13, (void *)f->r14, (void *)f->r15);
    kprintf("  cs %#lx  ss %#lx  cr3 %p\n", f->cs, f->ss, (void *)read_cr3());
}

/*
 * Whether a kernel-mode fault is the running process's kernel stack
 * overflowing into its guard page (proc/kstack.c). The overflow arrives as
 * a double fault when the page fault's frame could not be pushed either
 * (the usual case, since the stack pointer is in the guard), and as a page
 * fault otherwise. CR2 holds the address of the page fault in both cases.
 */
static bool kernel_stack_overflow(const struct trap_frame *f)
{
    return (f->vector == VEC_PAGE_FAULT || f->vector == VEC_DOUBLE_FAULT) &&
           kstack_guard_hit(proc_current()->kernel_stack, read_cr2());
}

/* An exception nobody handles: in the kernel, a bug. Never returns. */
static void unhandled_exception(struct trap_frame *f)
{
    panic_begin();
    if (kernel_stack_overflow(f))
        kprintf(ANSI_BOLD_RED "PANIC: kernel stack overflow in %s[%d]: %s on its guard page"
                              " at %p" ANSI_RESET "\n",
                proc_current()->name, proc_current()->pid, exception_names[f->vector],
                (void *)read_cr2());
    else
        kprintf(ANSI_BOLD_RED "PANIC: %s in %s mode, error code %#lx" ANSI_RESET "\n",
                exception_names[f->vector], trap_from_user(f) ? "user" : "kernel", f->error_code);
    if (f->vector == VEC_PAGE_FAULT) {
        kprintf("  cr2 %p (faulting address)\n", (void *)read_cr2());
        print_page_fault_cause(f->error_code, read_cr2());
    }
    trap_dump_frame(f);
    backtrace_print(f->rip, f->rbp);
    panic_end();
}

static void dispatch_irq(struct trap_frame *f)
{
    unsigned irq = f->vector - VEC_IRQ_BASE;
    if (pic_is_spurious(irq))
        return;
    if (handlers[f->vector])
        handlers[f->vector](f);
    pic_send_eoi(irq);
}

/*
 * Whether an exception is the running program's doing. An NMI, a double
 * fault or a machine check may interrupt user code but is about the machine
 * (or the kernel), so it stays fatal.
 */
static bool caused_by_program(uint64_t vector)
{
    return vector != VEC_NMI && vector != VEC_DOUBLE_FAULT && vector != VEC_MACHINE_CHECK;
}

static void dispatch(struct trap_frame *f)
{
    if (f->vector >= VEC_IRQ_BASE && f->vector < VEC_IRQ_BASE + 16)
        dispatch_irq(f);
    else if (handlers[f->vector])
        handlers[f->vector](f);
    else if (f->vector < 32 && trap_from_user(f) && caused_by_program(f->vector))
        proc_user_fault(f); /* the process dies, the kernel goes on */
    else if (f->vector < 32)
        unhandled_exception(f);
    else
        kprintf("trap: unexpected interrupt vector %lu ignored\n", f->vector);
}

void trap_dispatch(struct trap_frame *f)
{
    dispatch(f);
    /* The one place every interrupt, fault and int 0x80 returns to user mode. */
    if (trap_from_user(f))
        sched_return_to_user();
}
