/* Kernel console output: everything goes to the serial port and the screen. */
#ifndef CHALK_LIB_KPRINTF_H
#define CHALK_LIB_KPRINTF_H

#include <stdarg.h>

int kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int kvprintf(const char *fmt, va_list args);

#endif
