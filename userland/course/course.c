/*
 * course: run one of the course's official tests, as the course wrote it.
 *
 * The tests are the files a teacher drops into this folder (README.md); each
 * defines its entry, test_mm, test_prio, test_processes or test_sync, with
 * the shape f(argc, argv), argv[0] the first argument. They are weak
 * references here, so the image links with any subset of the files, and
 * `course NAME` says which file is missing instead of failing to build.
 */
#include <programs.h>
#include <stdio.h>
#include <string.h>

extern int64_t test_mm(uint64_t argc, char *argv[]) __attribute__((weak));
extern int64_t test_prio(uint64_t argc, char *argv[]) __attribute__((weak));
extern int64_t test_processes(uint64_t argc, char *argv[]) __attribute__((weak));
extern int64_t test_sync(uint64_t argc, char *argv[]) __attribute__((weak));

static int64_t course_main(uint64_t argc, char *argv[]);

PROGRAM(course, .main = course_main, .summary = "run one of the course's official tests",
        .usage = "course mm|prio|processes|sync [ARG...]",
        .manual = "Runs the course's own test file, dropped into userland/course/ (see\n"
                  "userland/course/README.md), with the arguments given:\n"
                  "  course mm MAX_BYTES         allocate, fill, check, free, forever\n"
                  "  course prio MAX_VALUE       three processes at three priorities\n"
                  "                              (no argument for the older version)\n"
                  "  course processes MAX_PROCS  create, kill, block, unblock, forever\n"
                  "  course sync N USE_SEM       four racing processes; Final value: 0\n"
                  "                              expected with USE_SEM 1\n"
                  "The tests that loop forever end with Ctrl+C (or kill, in the\n"
                  "background); the processes they started end with them. Without\n"
                  "arguments, lists which tests are built in.\n");

static const struct {
    const char *name;
    const char *file;
    int64_t (*run)(uint64_t argc, char *argv[]);
} course_tests[] = {
    {"mm", "test_mm.c", test_mm},
    {"prio", "test_prio.c", test_prio},
    {"processes", "test_processes.c", test_processes},
    {"sync", "test_sync.c", test_sync},
};

#define COURSE_TESTS (sizeof(course_tests) / sizeof(course_tests[0]))

static void list_tests(void)
{
    for (size_t i = 0; i < COURSE_TESTS; i++)
        printf("  %-10s %s\n", course_tests[i].name,
               course_tests[i].run ? "built in" : "missing: drop its file into userland/course/");
}

static int64_t course_main(uint64_t argc, char *argv[])
{
    if (argc == 0) {
        program_usage(&program_course);
        list_tests();
        return 2;
    }
    for (size_t i = 0; i < COURSE_TESTS; i++) {
        if (strcmp(argv[0], course_tests[i].name) != 0)
            continue;
        if (!course_tests[i].run) {
            fprintf(stderr,
                    "course: %s is not built in: copy the course's %s into userland/course/\n"
                    "and run make all (userland/course/README.md)\n",
                    course_tests[i].name, course_tests[i].file);
            return 1;
        }
        /* -1 is how the tests refuse their arguments; some return nothing (void). */
        if (course_tests[i].run(argc - 1, argv + 1) == -1) {
            fprintf(stderr, "course: test_%s refused its arguments\n", course_tests[i].name);
            return program_usage(&program_course);
        }
        return 0;
    }
    return program_usage(&program_course);
}
