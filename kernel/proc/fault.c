/*
 * User faults: a CPU exception raised by a program's own code. The process
 * is killed, not the kernel, and the line printed says what it did wrong
 * in words a programmer knows, the reason decoded from the faulting address
 * and the page fault's error code (docs/processes.md, "User faults"). The
 * same reason reaches the parent in the exit status, EXIT_FAULT(reason):
 * the words come from uapi's one table, chalk_fault_name.
 */
#include "proc/proc.h"

#include "arch/x86_64/cpu.h"
#include "lib/format.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "mm/memlayout.h"
#include "uapi/chalk/ansi.h"

/*
 * Why a user page fault at addr happened. The address decides first (the
 * page below NULL, the kernel's half, the guard below p's stack), then the
 * error code: not present, or present and the access not allowed (an
 * instruction fetch from a no-execute page, a write to a read-only one).
 */
static enum chalk_fault page_fault_reason(const struct proc *p, uint64_t addr, uint64_t error)
{
    if (addr < USER_BASE)
        return FAULT_NULL_POINTER;
    if (addr >= USER_TOP)
        return FAULT_KERNEL_MEMORY;
    if (!(error & PF_PRESENT))
        return addr < p->user_stack && addr >= p->user_stack - USER_STACK_GUARD
                   ? FAULT_STACK_OVERFLOW
                   : FAULT_UNMAPPED_PAGE;
    if (error & PF_FETCH)
        return FAULT_NOT_EXECUTABLE;
    if (error & PF_WRITE)
        return FAULT_READ_ONLY;
    return FAULT_PAGE_PROTECTION;
}

/* The other exceptions a program can raise; any vector not here is FAULT_OTHER. */
static const enum chalk_fault exception_reasons[32] = {
    [VEC_DIVIDE_ERROR] = FAULT_DIVIDE,
    [VEC_BREAKPOINT] = FAULT_BREAKPOINT,
    [VEC_INVALID_OPCODE] = FAULT_INVALID_OPCODE,
    [VEC_STACK_SEGMENT] = FAULT_GENERAL_PROTECTION, /* a non-canonical stack address */
    [VEC_GP_FAULT] = FAULT_GENERAL_PROTECTION,
    [VEC_X87_FPU] = FAULT_FLOATING_POINT,
    [VEC_SIMD_FPU] = FAULT_FLOATING_POINT, /* on a CPU that raises it: QEMU's TCG does not */
};

/* The reason for the exception in f; what gets the kill line's words for it. */
static enum chalk_fault describe_fault(const struct trap_frame *f, char *what, size_t size)
{
    if (f->vector == VEC_PAGE_FAULT) {
        uint64_t e = f->error_code, addr = read_cr2();
        const char *access = e & PF_FETCH ? "executing" : (e & PF_WRITE ? "writing" : "reading");
        enum chalk_fault reason = page_fault_reason(proc_current(), addr, e);
        ksnprintf(what, size, "page fault %s 0x%lx (%s)", access, addr, chalk_fault_name(reason));
        return reason;
    }
    enum chalk_fault reason = exception_reasons[f->vector];
    if (!reason) {
        ksnprintf(what, size, "%s", trap_exception_name((unsigned)f->vector));
        return FAULT_OTHER;
    }
    ksnprintf(what, size, "%s", chalk_fault_name(reason));
    return reason;
}

void proc_user_fault(const struct trap_frame *frame)
{
    KASSERT(frame->vector < 32);
    struct proc *p = proc_current();
    char what[96];
    enum chalk_fault reason = describe_fault(frame, what, sizeof(what));
    kprintf(ANSI_BOLD_RED "%s[%d]: killed: %s at rip 0x%lx" ANSI_RESET "\n", p->name, p->pid, what,
            frame->rip);
    /*
     * Its own doing, as an exit is: it ends here, and stays a zombie until
     * its parent collects the reason (the reaping rule in proc.h).
     */
    proc_exit(EXIT_FAULT(reason));
}
