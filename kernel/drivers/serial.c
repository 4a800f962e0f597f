/*
 * 16550 UART driver (registers per the PC16550D datasheet; OSDev "Serial
 * Ports"). Every wait on the chip is bounded: a missing or wedged port must
 * slow the kernel down at most a little, never hang it.
 */
#include "drivers/serial.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "drivers/console.h"

#define COM1              0x3F8
#define REG_DATA          0 /* with DLAB=1: divisor low byte */
#define REG_IRQ_ENABLE    1 /* with DLAB=1: divisor high byte */
#define REG_FIFO_CONTROL  2
#define REG_LINE_CONTROL  3
#define REG_MODEM_CONTROL 4
#define REG_LINE_STATUS   5
#define REG_SCRATCH       7

#define LCR_8N1          0x03
#define LCR_DLAB         0x80
#define LSR_DATA_READY   0x01
#define LSR_TX_EMPTY     0x20
#define MCR_DTR_RTS_OUT2 0x0B /* OUT2 gates the UART's interrupt line */
#define MCR_LOOPBACK     0x10
#define IER_DATA_READY   0x01

#define TX_SPIN_LIMIT 100000
#define TX_STALLS_MAX 16

static bool present;

bool serial_init(void)
{
    /* A port that keeps a scratch value is at least a UART-shaped device. */
    outb(COM1 + REG_SCRATCH, 0x5A);
    if (inb(COM1 + REG_SCRATCH) != 0x5A)
        return false;

    outb(COM1 + REG_IRQ_ENABLE, 0);
    outb(COM1 + REG_LINE_CONTROL, LCR_DLAB);
    outb(COM1 + REG_DATA, 1); /* divisor 1: 115200 baud */
    outb(COM1 + REG_IRQ_ENABLE, 0);
    outb(COM1 + REG_LINE_CONTROL, LCR_8N1);
    outb(COM1 + REG_FIFO_CONTROL, 0xC7); /* enable and clear FIFOs, 14-byte threshold */

    /* Loopback: what we send must come straight back. */
    outb(COM1 + REG_MODEM_CONTROL, MCR_LOOPBACK | MCR_DTR_RTS_OUT2);
    outb(COM1 + REG_DATA, 0xAE);
    bool echoed = false;
    for (int i = 0; i < TX_SPIN_LIMIT && !echoed; i++)
        echoed = inb(COM1 + REG_LINE_STATUS) & LSR_DATA_READY;
    if (!echoed || inb(COM1 + REG_DATA) != 0xAE)
        return false;

    outb(COM1 + REG_MODEM_CONTROL, MCR_DTR_RTS_OUT2);
    present = true;
    return true;
}

static void serial_irq(struct trap_frame *frame)
{
    (void)frame;
    /* Drain the FIFO; bounded in case the chip keeps reporting data. */
    for (int i = 0; i < 64 && (inb(COM1 + REG_LINE_STATUS) & LSR_DATA_READY); i++)
        console_input((char)inb(COM1 + REG_DATA));
}

void serial_enable_input(void)
{
    if (!present)
        return;
    trap_set_handler(VEC_IRQ_BASE + IRQ_COM1, serial_irq);
    outb(COM1 + REG_IRQ_ENABLE, IER_DATA_READY);
    pic_unmask(IRQ_COM1);
}

/*
 * Waits (boundedly) for room in the transmitter, then sends c. One slow
 * character is dropped, not fatal: an emulator's UART can stall for a
 * while when its host is busy. Only a port that stays wedged for
 * TX_STALLS_MAX characters in a row is given up, so the kernel does not
 * crawl on a dead port.
 */
static void put(char c)
{
    static int stalls;
    for (int i = 0; !(inb(COM1 + REG_LINE_STATUS) & LSR_TX_EMPTY); i++) {
        if (i == TX_SPIN_LIMIT) {
            if (++stalls == TX_STALLS_MAX)
                present = false;
            return;
        }
        cpu_pause();
    }
    stalls = 0;
    outb(COM1 + REG_DATA, c);
}

void serial_write(const char *s, unsigned n)
{
    for (unsigned i = 0; i < n && present; i++) {
        if (s[i] == '\n')
            put('\r');
        put(s[i]);
    }
}
