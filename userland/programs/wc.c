/* wc: count the lines, words and bytes of standard input. */
#include <ctype.h>
#include <programs.h>
#include <stdio.h>
#include <unistd.h>

#define CHUNK 512

static int64_t wc_main(uint64_t argc, char *argv[]);

PROGRAM(wc, .main = wc_main, .summary = "count lines, words and bytes of standard input",
        .usage = "wc",
        .manual = "Reads until end of file, then prints three numbers: the newlines, the\n"
                  "words (runs of characters other than white space) and the bytes it read.\n"
                  "echo hello | wc prints 1 1 6.\n");

struct counts {
    int lines, words, bytes;
    bool in_word; /* the last byte seen belongs to a word: a word may span two reads */
};

static void count(struct counts *c, const char *buf, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool space = isspace((unsigned char)buf[i]);
        c->lines += buf[i] == '\n';
        c->words += !space && !c->in_word;
        c->in_word = !space;
    }
    c->bytes += (int)n;
}

static int64_t wc_main(uint64_t argc, char *argv[])
{
    (void)argv;
    if (argc != 0)
        return program_usage(&program_wc);
    struct counts c = {0};
    char buf[CHUNK]; /* on the stack: globals are shared by every process */
    ssize_t n;
    while ((n = read(STDIN_FILENO, buf, sizeof(buf))) > 0)
        count(&c, buf, (size_t)n);
    if (n < 0) {
        perror("wc");
        return 1;
    }
    printf("%d %d %d\n", c.lines, c.words, c.bytes);
    return 0;
}
