/*
 * The system timer: the PIT (8254) interrupting TIMER_HZ times a second,
 * and the monotonic uptime counted from it.
 */
#ifndef CHALK_DRIVERS_TIMER_H
#define CHALK_DRIVERS_TIMER_H

#include <stdint.h>

#define TIMER_HZ 1000

/* Programs the PIT and routes IRQ 0. Needs trap_init and pic_init first. */
void timer_init(void);

/* Timer interrupts since timer_init. */
uint64_t timer_ticks(void);

/* Milliseconds since timer_init; never goes backwards. */
uint64_t uptime_ms(void);

/* Waits at least ms milliseconds, halting between ticks (interrupts on). */
void timer_wait_ms(uint64_t ms);

#endif
