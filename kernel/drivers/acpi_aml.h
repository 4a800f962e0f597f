/*
 * The little AML that Chalk reads: the \_S5 object of the DSDT, which holds
 * the sleep type values that select "soft off". Internal to the ACPI driver;
 * a pure function over bytes, so the host unit tests exercise it directly.
 */
#ifndef CHALK_DRIVERS_ACPI_AML_H
#define CHALK_DRIVERS_ACPI_AML_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Searches length bytes of AML (a DSDT without its header) for
 * Name(\_S5, Package() {SLP_TYPa, SLP_TYPb, ...}) and stores the two 3-bit
 * sleep types. Never reads outside [aml, aml + length). Returns false when
 * there is no such package or it does not parse.
 */
bool acpi_aml_find_s5(const uint8_t *aml, size_t length, uint8_t *slp_typa, uint8_t *slp_typb);

#endif
