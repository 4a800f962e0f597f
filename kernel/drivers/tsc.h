/*
 * The time-stamp counter: a 64-bit count of CPU clock cycles (rdtsc), the
 * finest clock there is, and cheap to read from user mode too. Its rate is
 * not announced anywhere portable, so it is measured once at boot against
 * the PIT, whose input clock is a known 1.193182 MHz.
 */
#ifndef CHALK_DRIVERS_TSC_H
#define CHALK_DRIVERS_TSC_H

#include <stdint.h>

/*
 * Measures the TSC's frequency with PIT channel 2 (interrupts not needed)
 * and returns it in Hz, or 0 when the PIT did not answer in time.
 */
uint64_t tsc_calibrate(void);

/* The frequency tsc_calibrate measured (0 before, or when it failed). */
uint64_t tsc_hz(void);

#endif
