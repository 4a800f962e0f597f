/*
 * Limits of the integer types, from the compiler's own definitions. (gcc's
 * <limits.h> wants to include the hosted C library's too, which user
 * programs do not see.)
 */
#ifndef CHALK_USER_LIMITS_H
#define CHALK_USER_LIMITS_H

#define CHAR_BIT  __CHAR_BIT__
#define INT_MAX   __INT_MAX__
#define INT_MIN   (-INT_MAX - 1)
#define UINT_MAX  (INT_MAX * 2U + 1U)
#define LONG_MAX  __LONG_MAX__
#define LONG_MIN  (-LONG_MAX - 1L)
#define ULONG_MAX (LONG_MAX * 2UL + 1UL)

#endif
