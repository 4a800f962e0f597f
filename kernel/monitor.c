#include "monitor.h"

#include "drivers/acpi.h"
#include "drivers/console.h"
#include "drivers/timer.h"
#include "lib/kprintf.h"
#include "lib/string.h"
#include "mm/mm.h"

#define LINE_MAX 128

struct command {
    const char *name;
    const char *help;
    void (*run)(void);
};

static void cmd_help(void);

static void cmd_mem(void)
{
    struct frame_stats frames;
    struct heap_stats heap;
    mm_frame_stats(&frames);
    mm_kernel_heap_stats(&heap);
    kprintf("frames: %lu total, %lu free (4 KiB each)\n", frames.total, frames.free);
    kprintf("kernel heap (%s): total %zu, used %zu, free %zu, largest free %zu, "
            "free blocks %zu, allocations %zu\n",
            heap_manager_name, heap.total, heap.used, heap.free, heap.largest_free,
            heap.free_blocks, heap.allocations);
}

static void cmd_uptime(void)
{
    uint64_t ms = uptime_ms();
    kprintf("up %lu.%03lu s\n", ms / 1000, ms % 1000);
}

static void cmd_shutdown(void)
{
    kprintf("Powering off.\n");
    acpi_poweroff();
    kprintf(ANSI_RED "ACPI power-off failed; it is now safe to turn off the machine." ANSI_RESET
                     "\n");
}

static void cmd_reboot(void)
{
    kprintf("Rebooting.\n");
    acpi_reboot();
}

static const struct command commands[] = {
    {"help", "list the commands", cmd_help},
    {"mem", "frame allocator and kernel heap statistics", cmd_mem},
    {"uptime", "time since boot", cmd_uptime},
    {"shutdown", "power the machine off (ACPI S5)", cmd_shutdown},
    {"reboot", "reset the machine", cmd_reboot},
};

#define NUM_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static void cmd_help(void)
{
    for (unsigned i = 0; i < NUM_COMMANDS; i++)
        kprintf("  %-10s %s\n", commands[i].name, commands[i].help);
}

/* Reads a line with echo and backspace; returns its length. */
static unsigned read_line(char *line, unsigned size)
{
    unsigned len = 0;
    for (;;) {
        char c = console_getc();
        if (c == '\n') {
            kprintf("\n");
            line[len] = '\0';
            return len;
        }
        if (c == '\033') {
            /* An arrow key's ESC [ X: no history here, so drop it whole. */
            console_getc();
            console_getc();
        } else if (c == '\b') {
            if (len > 0) {
                len--;
                kprintf("\b \b");
            }
        } else if (c >= ' ' && c < 0x7F && len + 1 < size) {
            line[len++] = c;
            console_write(&c, 1);
        }
    }
}

void monitor_run(void)
{
    char line[LINE_MAX];
    kprintf("Kernel monitor: type 'help'.\n");
    for (;;) {
        kprintf(ANSI_GREEN "chalk-monitor> " ANSI_RESET);
        if (read_line(line, sizeof(line)) == 0)
            continue;
        unsigned i = 0;
        while (i < NUM_COMMANDS && strcmp(line, commands[i].name) != 0)
            i++;
        if (i < NUM_COMMANDS)
            commands[i].run();
        else
            kprintf(ANSI_RED "unknown command '%s'" ANSI_RESET " (try 'help')\n", line);
    }
}
