/* mem: memory statistics. */
#include <chalk.h>
#include <programs.h>
#include <stdio.h>

#define FRAME_KIB 4 /* a physical frame is 4 KiB */

static int64_t mem_main(uint64_t argc, char *argv[]);

PROGRAM(mem, .main = mem_main, .summary = "show memory use", .usage = "mem",
        .manual = "Shows the memory manager the kernel was built with (buddy or firstfit),\n"
                  "the user heap that malloc and free use (all processes share it), physical\n"
                  "memory, and the kernel's own heap. A process's blocks go back to the heap\n"
                  "when it ends, so after a test ends the heap's used bytes return to\n"
                  "where they were.\n");

static int64_t mem_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_mem);
    struct chalk_mem_stats s;
    if (memstats(&s) < 0) {
        perror("mem");
        return 1;
    }
    printf("memory manager   %s\n", s.manager);
    printf("user heap        %lu bytes\n", (unsigned long)s.heap_total);
    printf("  used           %lu bytes in %lu blocks\n", (unsigned long)s.heap_used,
           (unsigned long)s.heap_blocks);
    printf("  free           %lu bytes\n", (unsigned long)s.heap_free);
    printf("  largest free   %lu bytes\n", (unsigned long)s.heap_largest_free);
    if (s.heap_poisoned)
        printf("  POISONED: a program wrote over the heap's bookkeeping; malloc fails\n"
               "  for every program until the next boot\n");
    printf("physical memory  %lu KiB, %lu KiB free\n", (unsigned long)s.frames_total * FRAME_KIB,
           (unsigned long)s.frames_free * FRAME_KIB);
    printf("kernel heap      %lu of %lu bytes used\n", (unsigned long)s.kernel_heap_used,
           (unsigned long)s.kernel_heap_total);
    return 0;
}
