/*
 * kmain: where boot.asm hands over, in 64-bit mode on the boot stack with
 * interrupts off. It brings the kernel up one subsystem at a time, in
 * dependency order, and logs one line per stage on serial and screen, so a
 * machine that stops during boot shows where.
 */
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/smap.h"
#include "arch/x86_64/trap.h"
#include "arch/x86_64/usermode.h"
#include "boot/bootinfo.h"
#include "drivers/acpi.h"
#include "drivers/console.h"
#include "drivers/keyboard.h"
#include "drivers/screen.h"
#include "drivers/serial.h"
#include "drivers/timer.h"
#include "drivers/tsc.h"
#include "drivers/tty.h"
#include "kernel.h"
#include "lib/format.h"
#include "lib/kprintf.h"
#include "lib/panic.h"
#include "lib/string.h"
#include "mm/mm.h"
#include "proc/proc.h"
#include "proc/sched.h"
#include "syscall/syscall.h"
#include "test/selftest.h"

#include <stdarg.h>
#include <stdint.h>

static struct boot_info boot_info;

/* One line per init stage, on serial and screen: "boot: <stage> <detail>". */
__attribute__((format(printf, 2, 3))) static void boot_log(const char *stage, const char *fmt, ...)
{
    char detail[160];
    va_list args;
    va_start(args, fmt);
    kvsnprintf(detail, sizeof(detail), fmt, args);
    va_end(args);
    kprintf("boot: %-10s %s\n", stage, detail);
}

static void log_memory(void)
{
    struct frame_stats frames;
    struct heap_stats heap;
    mm_frame_stats(&frames);
    mm_kernel_heap_stats(&heap);
    boot_log("memory", "%lu MiB usable, %lu MiB free; kernel heap %zu KiB (%s)",
             frames.total * 4096 >> 20, frames.free * 4096 >> 20, heap.total >> 10,
             heap_manager_name);
}

static void apply_command_line(const char *cmdline)
{
    char value[16];
    if (cmdline_get(cmdline, "panic", value, sizeof(value)))
        panic_set_poweroff(strcmp(value, "poweroff") == 0);
}

void kmain(uint32_t magic, uint64_t info_phys)
{
    (void)magic; /* boot.asm refused to continue without the right one */
    bool has_serial = serial_init();
    kprintf(ANSI_BOLD "Chalk %s (mm=%s)" ANSI_RESET "\n", CHALK_VERSION, heap_manager_name);
    boot_log("serial", "%s", has_serial ? "COM1 at 115200 baud" : "no COM1; screen only");

    gdt_init();
    boot_log("gdt", "kernel and user segments, TSS with IST stacks for #DF, NMI, #MC");
    trap_init();
    boot_log("idt", "%d vectors, exceptions 0-31 report and halt", NUM_VECTORS);

    if (!bootinfo_parse(info_phys, &boot_info))
        panic("malformed multiboot2 information at %p", (void *)info_phys);
    apply_command_line(boot_info.cmdline);
    boot_log("bootinfo", "loader '%s', %u memory regions%s, %u modules, cmdline '%s'",
             boot_info.loader_name, boot_info.memory_count,
             boot_info.memory_truncated ? " (truncated)" : "", boot_info.module_count,
             boot_info.cmdline);

    mm_init(&boot_info);
    log_memory();
    boot_log("protect", "%s", smap_init());

    if (screen_init(&boot_info.framebuffer)) {
        console_attach_screen();
        boot_log("screen", "%s", screen_description());
    } else {
        boot_log("screen", "no usable display; serial only");
    }

    pic_init();
    timer_init();
    boot_log("timer", "PIT at %d Hz", TIMER_HZ);
    uint64_t hz = tsc_calibrate();
    if (hz)
        boot_log("tsc", "%lu.%03lu MHz, measured against the PIT", hz / 1000000, hz / 1000 % 1000);
    else
        boot_log("tsc", "not measured: the PIT did not answer");
    serial_enable_input();
    boot_log("keyboard", "%s",
             keyboard_init() ? "PS/2 keyboard ready" : "no PS/2 controller found");
    acpi_init(boot_info.rsdp);
    boot_log("acpi", "%s", acpi_description());

    interrupts_enable();
    if (cmdline_has(boot_info.cmdline, "selftest"))
        selftest_run(&boot_info);
    selftest_panic_test(boot_info.cmdline);
    interrupts_disable();

    usermode_init();
    syscall_init();
    boot_log("syscalls", "syscall/sysret and int 0x80, %d calls", SYS_COUNT);
    sched_init();
    tty_init();
    boot_log("userland", "%s", proc_init(&boot_info));
    if (CHALK_DEBUG)
        boot_log("debug", "invariant checks on: run queue and process table at every "
                          "switch, kernel heap at every allocation");
    boot_log("ready", "uptime %lu ms; scheduler starting", uptime_ms());
    sched_start();
}
