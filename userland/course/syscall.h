/*
 * What the course's test files get from #include "syscall.h": the my_*
 * calls. Chalk declares them in <course.h> and implements them in
 * userland/libc/course.c, so the course's own syscall.h and syscall.c are
 * not needed here (README.md).
 */
#ifndef CHALK_COURSE_SYSCALL_H
#define CHALK_COURSE_SYSCALL_H

#include <course.h>

#endif
