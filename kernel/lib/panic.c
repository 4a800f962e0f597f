#include "lib/panic.h"

#include "arch/x86_64/backtrace.h"
#include "arch/x86_64/cpu.h"
#include "drivers/acpi.h"
#include "lib/kprintf.h"
#include "uapi/chalk/ansi.h"

#include <stdarg.h>

static bool poweroff_on_panic;
static bool panicking;

void panic_set_poweroff(bool poweroff)
{
    poweroff_on_panic = poweroff;
}

void panic_begin(void)
{
    interrupts_disable();
    if (panicking) {
        /* A panic while reporting one: printing may be what fails. */
        for (;;)
            cpu_halt();
    }
    panicking = true;
}

void panic_end(void)
{
    kprintf("System halted.\n");
    if (poweroff_on_panic)
        acpi_poweroff();
    for (;;)
        cpu_halt();
}

void panic(const char *fmt, ...)
{
    panic_begin();
    kprintf(ANSI_BOLD_RED "PANIC: ");
    va_list args;
    va_start(args, fmt);
    kvprintf(fmt, args);
    va_end(args);
    kprintf(ANSI_RESET "\n");
    backtrace_print_here();
    panic_end();
}
