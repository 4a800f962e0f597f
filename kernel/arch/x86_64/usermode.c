#include "arch/x86_64/usermode.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "lib/string.h"

#define MSR_STAR   0xC0000081
#define MSR_LSTAR  0xC0000082
#define MSR_SFMASK 0xC0000084
#define EFER_SCE   (1ULL << 0)

#define CR0_MP         (1ULL << 1)
#define CR0_EM         (1ULL << 2)
#define CR0_NE         (1ULL << 5)
#define CR4_OSFXSR     (1ULL << 9)
#define CR4_OSXMMEXCPT (1ULL << 10)

#define RFLAGS_TF 0x100
#define RFLAGS_DF 0x400
#define RFLAGS_NT 0x4000  /* nested task: in long mode, iretq faults while it is set */
#define RFLAGS_AC 0x40000 /* with SMAP on: user pages accessible (smap.h) */

extern char syscall_entry[];
extern uint64_t syscall_kernel_rsp;

void usermode_init(void)
{
    /*
     * STAR: syscall loads CS = STAR[47:32] (SS = +8); sysret loads
     * CS = STAR[63:48] + 16 and SS = STAR[63:48] + 8, with RPL 3. gdt.h
     * orders the selectors so that both land on the right descriptors.
     */
    uint64_t star = ((uint64_t)SEL_KERNEL_CODE << 32) | ((uint64_t)(SEL_USER_DATA - 8) << 48);
    wrmsr(MSR_STAR, star);
    wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
    /*
     * Enter with interrupts off, and with the flags the C code assumes: AC
     * clear too, or a program that set it would turn SMAP off for its
     * system calls; NT clear too. A switch keeps the flags as they are
     * (context.asm saves none), so a program's NT would go on to whichever
     * process runs next, and the first of them to leave the kernel by
     * iretq (an interrupt's return, a new process's first entry) would
     * fault in ring 0: a panic any program could cause. (Interrupts and
     * exceptions clear NT themselves.)
     */
    wrmsr(MSR_SFMASK, RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_NT | RFLAGS_AC);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);

    /*
     * SSE on, for user code: the kernel itself is built without it. NE:
     * an x87 error a program unmasked raises #MF, which kills it, instead
     * of the PC's old way (the FERR# line, IRQ 13), which nothing handles:
     * the program would run on as if nothing had happened.
     */
    write_cr0((read_cr0() & ~CR0_EM) | CR0_MP | CR0_NE);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
}

void fpu_state_init(struct fpu_state *state)
{
    memset(state, 0, sizeof(*state));
    uint16_t fcw = 0x037F;   /* x87: all exceptions masked, extended precision */
    uint32_t mxcsr = 0x1F80; /* SSE: all exceptions masked, round to nearest */
    memcpy(&state->bytes[0], &fcw, sizeof(fcw));
    memcpy(&state->bytes[24], &mxcsr, sizeof(mxcsr));
}

void fpu_save(struct fpu_state *state)
{
    __asm__ volatile("fxsave64 %0" : "=m"(*state));
}

void fpu_restore(const struct fpu_state *state)
{
    __asm__ volatile("fxrstor64 %0" : : "m"(*state));
}

void usermode_set_kernel_stack(uint64_t top)
{
    gdt_set_kernel_stack(top);
    syscall_kernel_rsp = top;
}
