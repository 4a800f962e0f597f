/* filter: copy standard input to standard output without its vowels. */
#include <programs.h>
#include <string.h>

static int64_t filter_main(uint64_t argc, char *argv[]);

PROGRAM(filter, .main = filter_main, .summary = "copy input to output with the vowels removed",
        .usage = "filter",
        .manual = "Copies what it reads to its output, leaving out a, e, i, o and u in both\n"
                  "cases, until end of file. Each piece goes out as soon as it is read, so\n"
                  "typed lines come back filtered one by one (cat | filter, then Ctrl+D).\n"
                  "Ends with status 1, quietly, when its output cannot take more.\n");

static bool is_vowel(char c)
{
    return c != '\0' && strchr("aeiouAEIOU", c) != NULL;
}

/* Drops the vowels of buf[0..n) in place: the count left. */
static size_t drop_vowels(char *buf, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++)
        if (!is_vowel(buf[i]))
            buf[kept++] = buf[i];
    return kept;
}

static int64_t filter_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_filter);
    return program_copy_input("filter", drop_vowels);
}
