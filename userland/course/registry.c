/*
 * The names the course's tests start with my_create_process, registered
 * whether or not the course's files are here.
 *
 * Each name is a weak reference: when the file that defines the function
 * (test_util.c, test_sync.c, test_prio.c) is built in, the entry points at
 * it; when it is not, the reference resolves to NULL, the image still
 * links, and my_create_process of that name returns -1.
 *
 * The course declares some of these functions differently (void
 * endless_loop(), void endless_loop_print(uint64_t wait)). They are only
 * ever called through the registry as fn(argc, argv), which passes argc in
 * the first argument register, so such a function sees argc as its first
 * parameter, and one declared void returns an exit status nobody reads.
 * The two declarations never meet in one file, so the compiler sees no
 * conflict.
 */
#include <course.h>

#define COURSE_FUNCTION(name)                                                                      \
    extern int64_t name(uint64_t argc, char *argv[]) __attribute__((weak));                        \
    PROCESS_ENTRY(name, name)

COURSE_FUNCTION(endless_loop);       /* test_util.c: loops forever */
COURSE_FUNCTION(endless_loop_print); /* test_util.c: prints its pid forever */
COURSE_FUNCTION(my_process_inc);     /* test_sync.c: the racing adder */
COURSE_FUNCTION(zero_to_max);        /* test_prio.c: counts to a maximum */
