/*
 * COM1, the 16550 UART at port 0x3F8: 115200 baud, 8N1. Output is polled
 * with a bounded wait; input arrives by interrupt (IRQ 4) into the console.
 */
#ifndef CHALK_DRIVERS_SERIAL_H
#define CHALK_DRIVERS_SERIAL_H

#include <stdbool.h>

/*
 * Programs the UART and checks it exists (many laptops have no COM1: its
 * registers read 0xFF). Returns false, leaving output disabled, if absent.
 * Usable before anything else: it needs neither memory nor interrupts.
 */
bool serial_init(void);

/* Routes IRQ 4 to the console input. Needs trap_init and pic_init first. */
void serial_enable_input(void);

void serial_write(const char *s, unsigned n);

#endif
