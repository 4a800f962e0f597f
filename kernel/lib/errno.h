/* Error codes: the kernel uses the same numbers user space sees. */
#ifndef CHALK_LIB_ERRNO_H
#define CHALK_LIB_ERRNO_H

#include "uapi/chalk/errno.h"

#endif
