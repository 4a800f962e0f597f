/*
 * The two ways into the kernel. `syscall` is the fast one: the CPU jumps to
 * the kernel's entry without going through the IDT, and it saves the return
 * address in rcx and the flags in r11, so those two are lost. `int 0x80`
 * goes through the IDT like any interrupt; the kernel accepts both with the
 * same registers, and the syscalls test checks that they agree.
 *
 * The fourth argument travels in r10, not rcx as in a C call, because
 * `syscall` overwrites rcx.
 */
#include <chalk.h>

/* One operand list for both instructions, so the two entries cannot drift apart. */
#define SYSCALL_VIA(instruction)                                                                   \
    register uint64_t r10 __asm__("r10") = a4;                                                     \
    register uint64_t r8 __asm__("r8") = a5;                                                       \
    register uint64_t r9 __asm__("r9") = a6;                                                       \
    int64_t result;                                                                                \
    __asm__ volatile(instruction                                                                   \
                     : "=a"(result)                                                                \
                     : "a"(n), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)               \
                     : "rcx", "r11", "memory");                                                    \
    return result

int64_t chalk_syscall(uint64_t n, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4, uint64_t a5,
                      uint64_t a6)
{
    SYSCALL_VIA("syscall");
}

int64_t chalk_syscall_int80(uint64_t n, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
                            uint64_t a5, uint64_t a6)
{
    SYSCALL_VIA("int $0x80");
}
