/*
 * 8259A programming (the chip's datasheet; OSDev "8259 PIC"). The master
 * handles IRQs 0-7 and receives the slave's output on its line 2.
 */
#include "arch/x86_64/pic.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/trap.h"

#define MASTER_CMD  0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD   0xA0
#define SLAVE_DATA  0xA1

#define ICW1_INIT_WITH_ICW4 0x11
#define ICW4_8086           0x01
#define OCW3_READ_ISR       0x0B
#define CMD_EOI             0x20
#define CASCADE_LINE        2

void pic_init(void)
{
    outb(MASTER_CMD, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(SLAVE_CMD, ICW1_INIT_WITH_ICW4);
    io_wait();
    outb(MASTER_DATA, VEC_IRQ_BASE); /* ICW2: vector offsets */
    io_wait();
    outb(SLAVE_DATA, VEC_IRQ_BASE + 8);
    io_wait();
    outb(MASTER_DATA, 1 << CASCADE_LINE); /* ICW3: where the slave hangs */
    io_wait();
    outb(SLAVE_DATA, CASCADE_LINE);
    io_wait();
    outb(MASTER_DATA, ICW4_8086);
    io_wait();
    outb(SLAVE_DATA, ICW4_8086);
    io_wait();

    /* Everything masked except the cascade, which slave IRQs need. */
    outb(MASTER_DATA, (uint8_t) ~(1 << CASCADE_LINE));
    outb(SLAVE_DATA, 0xFF);
}

static uint16_t data_port(unsigned irq)
{
    return irq < 8 ? MASTER_DATA : SLAVE_DATA;
}

void pic_unmask(unsigned irq)
{
    uint16_t port = data_port(irq);
    outb(port, inb(port) & ~(1 << (irq & 7)));
}

void pic_mask(unsigned irq)
{
    uint16_t port = data_port(irq);
    outb(port, inb(port) | (1 << (irq & 7)));
}

/*
 * A spurious IRQ 7/15 arrives when a request vanished before the CPU
 * acknowledged it; the in-service register then shows no line active. It
 * must not be acknowledged, except that a spurious 15 still needs an EOI to
 * the master, which did see the cascade line.
 */
bool pic_is_spurious(unsigned irq)
{
    if (irq != 7 && irq != 15)
        return false;
    uint16_t cmd = irq == 7 ? MASTER_CMD : SLAVE_CMD;
    outb(cmd, OCW3_READ_ISR);
    if (inb(cmd) & 0x80)
        return false;
    if (irq == 15)
        outb(MASTER_CMD, CMD_EOI);
    return true;
}

void pic_send_eoi(unsigned irq)
{
    if (irq >= 8)
        outb(SLAVE_CMD, CMD_EOI);
    outb(MASTER_CMD, CMD_EOI);
}
