/*
 * User faults: a CPU exception raised by a program's own code. The process
 * is killed, not the kernel, and the line printed says what it did wrong
 * in words a programmer knows, the reason decoded from the faulting address
 * and the page fault's error code (docs/processes.md, "User faults").
 */
#include "proc/proc.h"

#include "arch/x86_64/cpu.h"
#include "lib/format.h"
#include "lib/kprintf.h"
#include "mm/memlayout.h"
#include "uapi/chalk/ansi.h"

/*
 * Why a user page fault at addr happened, in words a programmer knows. The
 * address decides first (the page below NULL, the kernel's half, the guard
 * below p's stack), then the error code: not present, or present and the
 * access not allowed (an instruction fetch from a no-execute page, a write
 * to a read-only one).
 */
static const char *page_fault_reason(const struct proc *p, uint64_t addr, uint64_t error)
{
    if (addr < USER_BASE)
        return "NULL pointer";
    if (addr >= USER_TOP)
        return "kernel memory";
    if (!(error & PF_PRESENT))
        return addr < p->user_stack && addr >= p->user_stack - USER_STACK_GUARD ? "stack overflow"
                                                                                : "unmapped page";
    if (error & PF_FETCH)
        return "non-executable page";
    if (error & PF_WRITE)
        return "write to read-only page";
    return "protection violation";
}

static void describe_fault(const struct trap_frame *f, char *buf, size_t size)
{
    switch (f->vector) {
    case VEC_PAGE_FAULT: {
        uint64_t e = f->error_code, addr = read_cr2();
        const char *access = e & PF_FETCH ? "executing" : (e & PF_WRITE ? "writing" : "reading");
        ksnprintf(buf, size, "page fault %s 0x%lx (%s)", access, addr,
                  page_fault_reason(proc_current(), addr, e));
        break;
    }
    case VEC_GP_FAULT:
        ksnprintf(buf, size, "general protection fault");
        break;
    case VEC_DIVIDE_ERROR:
        ksnprintf(buf, size, "divide error");
        break;
    case VEC_INVALID_OPCODE:
        ksnprintf(buf, size, "invalid opcode");
        break;
    default:
        ksnprintf(buf, size, "%s", trap_exception_name((unsigned)f->vector));
    }
}

void proc_user_fault(const struct trap_frame *frame)
{
    struct proc *p = proc_current();
    char what[96];
    describe_fault(frame, what, sizeof(what));
    kprintf(ANSI_BOLD_RED "%s[%d]: killed: %s at rip 0x%lx" ANSI_RESET "\n", p->name, p->pid, what,
            frame->rip);
    proc_kill(p->pid);
}
