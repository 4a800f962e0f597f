/*
 * The console multiplexer. Output goes to the serial port and, once it is
 * attached, the screen. Until then output is also kept in an early log, so
 * the screen can show the boot lines printed before memory (which the
 * screen needs) was up.
 *
 * Locking: console_write and console_input run with interrupts disabled, so
 * a line printed from an interrupt handler never lands inside another line's
 * characters and the input queue has one writer at a time.
 */
#include "drivers/console.h"

#include "arch/x86_64/cpu.h"
#include "drivers/screen.h"
#include "drivers/serial.h"
#include "lib/ringbuf.h"
#include "lib/string.h"

#define EARLY_LOG_SIZE 8192
#define INPUT_SIZE     256

static char early_log[EARLY_LOG_SIZE];
static size_t early_log_len;
static bool screen_attached;

static char input_storage[INPUT_SIZE];
static struct ringbuf input = {input_storage, INPUT_SIZE, 0, 0};
static void (*input_handler)(char c);

void console_write(const char *s, size_t n)
{
    bool irq = irq_save();
    serial_write(s, n);
    if (screen_attached) {
        screen_write(s, n);
    } else {
        size_t room = EARLY_LOG_SIZE - early_log_len;
        size_t keep = n < room ? n : room;
        memcpy(early_log + early_log_len, s, keep);
        early_log_len += keep;
    }
    irq_restore(irq);
}

void console_attach_screen(void)
{
    bool irq = irq_save();
    screen_write(early_log, early_log_len);
    screen_attached = true;
    irq_restore(irq);
}

void console_input(char c)
{
    if (c == '\r')
        c = '\n';
    else if (c == 0x7F)
        c = '\b';
    bool irq = irq_save();
    if (input_handler)
        input_handler(c);
    else
        ringbuf_write(&input, &c, 1);
    irq_restore(irq);
}

void console_set_input_handler(void (*handler)(char c))
{
    bool irq = irq_save();
    input_handler = handler;
    irq_restore(irq);
}

bool console_try_getc(char *c)
{
    bool irq = irq_save();
    bool got = ringbuf_read(&input, c, 1) == 1;
    irq_restore(irq);
    return got;
}
