/*
 * ACPI, just enough to power off and reset the machine: the RSDP from the
 * multiboot2 tags, the RSDT/XSDT, the FADT (PM1 control ports, reset
 * register) and the \_S5 sleep type from the DSDT's AML.
 */
#ifndef CHALK_DRIVERS_ACPI_H
#define CHALK_DRIVERS_ACPI_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Finds the tables from the RSDP at physical address rsdp (0 when the boot
 * loader passed none: then the BIOS areas are searched). Checksums are
 * verified. Returns false when power-off will not be possible.
 */
bool acpi_init(uint64_t rsdp);

/* One line for the boot log ("ACPI 2.0, FADT at ..., S5 = 5"). */
const char *acpi_description(void);

/* Enters S5 (soft off). Returns only if the machine did not turn off. */
void acpi_poweroff(void);

/*
 * Resets the machine: the FADT reset register when there is one, then the
 * 8042 reset line, then a triple fault. Never returns.
 */
__attribute__((noreturn)) void acpi_reboot(void);

#endif
