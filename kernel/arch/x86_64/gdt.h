/*
 * The GDT and the TSS. In long mode segments no longer translate addresses;
 * what remains is the privilege level of code (ring 0 or 3) and the TSS,
 * which tells the CPU which stack to switch to when an interrupt arrives.
 */
#ifndef CHALK_ARCH_GDT_H
#define CHALK_ARCH_GDT_H

#include <stdint.h>

/*
 * Selector order is dictated by syscall/sysret (Intel SDM 3A, 5.8.8):
 * kernel code, kernel data, then user data, user code, at fixed offsets.
 */
#define SEL_KERNEL_CODE 0x08
#define SEL_KERNEL_DATA 0x10
#define SEL_USER_DATA   (0x18 | 3)
#define SEL_USER_CODE   (0x20 | 3)
#define SEL_TSS         0x28

/* Interrupt stack table slots, for faults that must not use a bad stack. */
#define IST_DOUBLE_FAULT  1
#define IST_NMI           2
#define IST_MACHINE_CHECK 3

void gdt_init(void);

/* The stack the CPU switches to when an interrupt arrives from ring 3. */
void gdt_set_kernel_stack(uint64_t rsp0);

#endif
