/*
 * TSC calibration against PIT channel 2 (the speaker channel), the one
 * channel whose output the CPU can read back without an interrupt: bit 5
 * of port 0x61 follows it. In mode 0 ("interrupt on terminal count") the
 * output goes high when the count runs out, so counting TSC cycles from
 * loading the count until that bit rises measures a known interval.
 *
 * Three 10 ms runs, and the median is kept: an emulator (or an SMI on real
 * hardware) can stretch one run, rarely two.
 */
#include "drivers/tsc.h"

#include "arch/x86_64/cpu.h"

#define PIT_INPUT_HZ     1193182ULL
#define PIT_CHANNEL2     0x42
#define PIT_COMMAND      0x43
#define PIT_CH2_LOHI_ONE 0xB0 /* channel 2, lobyte/hibyte access, mode 0 */
#define PORT_B           0x61 /* system control port B */
#define PORT_B_GATE2     0x01 /* channel 2 counts while this is set */
#define PORT_B_SPEAKER   0x02 /* channel 2's output drives the speaker */
#define PORT_B_OUT2      0x20 /* channel 2's output, read-only */

#define RUN_MS     10
#define RUNS       3        /* median_of_3 takes them */
#define POLL_LIMIT 10000000 /* far more than 10 ms of polling anywhere: a missing PIT ends here */

static uint64_t measured_hz;

/* TSC cycles for one RUN_MS interval of the PIT, or 0 when its output never rose. */
static uint64_t cycles_per_run(void)
{
    const uint16_t count = (uint16_t)(PIT_INPUT_HZ * RUN_MS / 1000);
    uint8_t port_b = inb(PORT_B);
    outb(PORT_B, (uint8_t)((port_b & ~PORT_B_SPEAKER) & ~PORT_B_GATE2)); /* silent, stopped */
    outb(PIT_COMMAND, PIT_CH2_LOHI_ONE);
    outb(PIT_CHANNEL2, count & 0xFF);
    outb(PIT_CHANNEL2, count >> 8);
    outb(PORT_B, (uint8_t)((port_b & ~PORT_B_SPEAKER) | PORT_B_GATE2)); /* go */
    uint64_t start = rdtsc();
    for (int i = 0; i < POLL_LIMIT; i++) {
        if (inb(PORT_B) & PORT_B_OUT2) {
            uint64_t cycles = rdtsc() - start;
            outb(PORT_B, port_b);
            return cycles;
        }
    }
    outb(PORT_B, port_b);
    return 0;
}

static uint64_t median_of_3(uint64_t a, uint64_t b, uint64_t c)
{
    if (a > b) {
        uint64_t t = a;
        a = b;
        b = t;
    }
    /* now a <= b: the median is b, unless c lies below it */
    return c >= b ? b : (c > a ? c : a);
}

uint64_t tsc_calibrate(void)
{
    uint64_t runs[RUNS];
    for (int i = 0; i < RUNS; i++) {
        runs[i] = cycles_per_run();
        if (runs[i] == 0)
            return 0;
    }
    measured_hz = median_of_3(runs[0], runs[1], runs[2]) * 1000 / RUN_MS;
    return measured_hz;
}

uint64_t tsc_hz(void)
{
    return measured_hz;
}
