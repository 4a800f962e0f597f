/*
 * The escape sequences of Chalk's console (kernel/drivers/screen.c parses
 * them; a serial terminal understands them too): the few that the kernel
 * and the programs use to colour their output. ESC [ n m sets the colour n,
 * ESC [ 0 m goes back to the defaults.
 */
#ifndef CHALK_UAPI_ANSI_H
#define CHALK_UAPI_ANSI_H

#define ANSI_RESET      "\033[0m"
#define ANSI_BOLD_RED   "\033[1;31m" /* errors: panics, faults, a command that failed */
#define ANSI_BOLD_GREEN "\033[1;32m" /* the shell's prompt */

#endif
