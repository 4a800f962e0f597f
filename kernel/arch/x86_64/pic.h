/*
 * The two cascaded 8259A interrupt controllers (legacy IRQs 0-15).
 * Remapped to vectors 32-47 so they do not collide with CPU exceptions.
 */
#ifndef CHALK_ARCH_PIC_H
#define CHALK_ARCH_PIC_H

#include <stdbool.h>

#define IRQ_TIMER    0
#define IRQ_KEYBOARD 1
#define IRQ_COM1     4

/* Remaps both PICs and masks every line. */
void pic_init(void);
void pic_unmask(unsigned irq);
void pic_mask(unsigned irq);
/* True when the PIC raised irq 7 or 15 without a real request behind it. */
bool pic_is_spurious(unsigned irq);
void pic_send_eoi(unsigned irq);

#endif
