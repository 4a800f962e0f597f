/*
 * The PS/2 keyboard (or the USB legacy emulation that firmware presents as
 * one). Scancode set 1 as translated by the 8042, US layout, with shift,
 * caps lock and ctrl. Every key becomes console input: printable ASCII,
 * Ctrl+letter as its control code (Ctrl+C = 0x03, Ctrl+D = 0x04), Enter as
 * '\n', Backspace as '\b', and the arrow keys as the ANSI sequences a serial
 * terminal sends (ESC [ A/B/C/D), so programs see one kind of input.
 */
#ifndef CHALK_DRIVERS_KEYBOARD_H
#define CHALK_DRIVERS_KEYBOARD_H

#include <stdbool.h>
#include <stdint.h>

/*
 * Probes the 8042 controller (every wait bounded: it may be absent or slow),
 * and routes IRQ 1 to the keyboard. Returns false when no controller answers.
 */
bool keyboard_init(void);

/*
 * Translates one scancode byte into console input; the decoding state (shift,
 * ctrl, caps lock, the 0xE0 prefix) persists between calls. Exposed for the
 * self-test.
 */
void keyboard_handle_scancode(uint8_t scancode);

#endif
