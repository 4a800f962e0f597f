/*
 * The 8254 programmable interval timer, channel 0, in rate-generator mode
 * (mode 2): it divides its 1.193182 MHz input clock by a 16-bit divisor and
 * raises IRQ 0 at each wrap. At TIMER_HZ = 1000 the divisor is 1193, so a
 * tick is 0.99985 ms; uptime_ms converts ticks with the exact rate so the
 * clock does not drift by that difference.
 */
#include "drivers/timer.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "proc/sched.h"

#define PIT_INPUT_HZ      1193182ULL
#define PIT_CHANNEL0      0x40
#define PIT_COMMAND       0x43
#define PIT_CH0_LOHI_RATE 0x34 /* channel 0, lobyte/hibyte access, mode 2 */

#define DIVISOR ((PIT_INPUT_HZ + TIMER_HZ / 2) / TIMER_HZ)

/* Written only by the timer interrupt; a 64-bit aligned load is atomic. */
static volatile uint64_t ticks;

static void timer_irq(struct trap_frame *frame)
{
    (void)frame;
    ticks++;
    sched_tick();
}

void timer_init(void)
{
    outb(PIT_COMMAND, PIT_CH0_LOHI_RATE);
    outb(PIT_CHANNEL0, DIVISOR & 0xFF);
    outb(PIT_CHANNEL0, DIVISOR >> 8);
    trap_set_handler(VEC_IRQ_BASE + IRQ_TIMER, timer_irq);
    pic_unmask(IRQ_TIMER);
}

uint64_t timer_ticks(void)
{
    return ticks;
}

uint64_t uptime_ms(void)
{
    return ticks * DIVISOR * 1000 / PIT_INPUT_HZ;
}

void timer_wait_ms(uint64_t ms)
{
    uint64_t end = uptime_ms() + ms;
    while (uptime_ms() < end)
        cpu_wait_for_interrupt();
}
