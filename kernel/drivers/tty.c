/*
 * The terminal's line discipline and foreground job; see tty.h.
 *
 * Typed characters arrive here from console_input, in interrupt context.
 * What a read may take sits in `ready`: complete lines in cooked mode, each
 * key in raw mode. The line being typed in cooked mode sits in `line` until
 * Enter (or Ctrl+D) moves it to `ready`.
 */
#include "drivers/tty.h"

#include "drivers/console.h"
#include "lib/errno.h"
#include "lib/panic.h"
#include "lib/ringbuf.h"
#include "mm/uaccess.h"
#include "proc/sched.h"

#define READY_SIZE 1024
#define LINE_MAX   256
#define FG_DEPTH   8
/*
 * Reads and writes pass through a buffer of this size on the kernel stack:
 * the console draws from kernel memory, and a cooked read stops at a line's
 * end anyway. The console is slow enough that the extra copy is lost in it.
 */
#define COPY_CHUNK 256

static char ready_storage[READY_SIZE];
static struct ringbuf ready = {ready_storage, READY_SIZE, 0, 0};
static char line[LINE_MAX];
static size_t line_len;
static unsigned eofs_pending; /* Ctrl+D on an empty line, not yet read */
static bool raw;
static struct waitq readers;

/* Jobs that own the terminal, innermost last; fg_stack[0] is the kernel's. */
static int fg_stack[FG_DEPTH];
static unsigned fg_depth = 1;

static struct file *terminal;

static void echo(const char *s, size_t n)
{
    console_write(s, n);
}

static void deliver(const char *s, size_t n)
{
    ringbuf_write(&ready, s, n);
    waitq_wake_all(&readers);
}

static void erase_chars(size_t n)
{
    for (; n > 0 && line_len > 0; n--, line_len--)
        echo("\b \b", 3);
}

static void interrupt(void)
{
    if (proc_kill_job(tty_foreground()) > 0 || !raw) {
        echo("^C\n", 3);
        line_len = 0;
        return;
    }
    char c = CTRL('C');
    deliver(&c, 1); /* the foreground ignores Ctrl+C: it is just a key */
}

static void edit_line(char c)
{
    switch (c) {
    case CTRL('D'):
        if (line_len == 0) {
            eofs_pending++;
            waitq_wake_all(&readers);
        } else {
            deliver(line, line_len);
            line_len = 0;
        }
        break;
    case '\b':
        erase_chars(1);
        break;
    case CTRL('U'):
        erase_chars(line_len);
        break;
    case '\n':
        line[line_len++] = '\n';
        echo("\n", 1);
        deliver(line, line_len);
        line_len = 0;
        break;
    default:
        /* Other control keys (Esc of an arrow key, ...) have no meaning here. */
        if ((unsigned char)c < ' ' && c != '\t')
            break;
        if (line_len < LINE_MAX - 1) {
            line[line_len++] = c;
            echo(&c, 1);
        }
    }
}

static void receive(char c)
{
    if (c == CTRL('C'))
        interrupt();
    else if (raw)
        deliver(&c, 1);
    else
        edit_line(c);
}

/* In cooked mode a read ends at the end of a line. */
static long take_ready(char *buf, size_t n)
{
    size_t got = 0;
    while (got < n && ringbuf_read(&ready, &buf[got], 1) == 1)
        if (buf[got++] == '\n' && !raw)
            break;
    return (long)got;
}

static long tty_read(struct file *file, uint64_t ubuf, size_t n)
{
    (void)file;
    struct proc *self = proc_current();
    for (;;) {
        if (self->pgid != tty_foreground())
            return 0; /* background: end of file */
        if (ringbuf_used(&ready)) {
            /* A copy that fails (the buffer was unmapped while this process
             * slept, by another one of the shared address space) loses the
             * keys taken: a corner case the console can afford. */
            char buf[COPY_CHUNK];
            long got = take_ready(buf, n < sizeof(buf) ? n : sizeof(buf));
            return copy_to_user(ubuf, buf, (size_t)got) < 0 ? -EFAULT : got;
        }
        if (eofs_pending) {
            eofs_pending--;
            return 0;
        }
        int err = waitq_sleep(&readers);
        if (err < 0)
            return err;
    }
}

static long tty_write(struct file *file, uint64_t ubuf, size_t n)
{
    (void)file;
    size_t done = 0;
    while (done < n) {
        char buf[COPY_CHUNK];
        size_t len = n - done < sizeof(buf) ? n - done : sizeof(buf);
        if (copy_from_user(buf, ubuf + done, len) < 0)
            return done ? (long)done : -EFAULT;
        console_write(buf, len);
        done += len;
    }
    return (long)done;
}

static const struct file_ops tty_ops = {.read = tty_read, .write = tty_write};

void tty_init(void)
{
    waitq_init(&readers);
    terminal = file_open(&tty_ops, NULL);
    if (!terminal)
        panic("tty: out of memory");
    console_set_input_handler(receive);
}

struct file *tty_file(void)
{
    return file_get(terminal);
}

int tty_foreground(void)
{
    return fg_stack[fg_depth - 1];
}

int tty_push_foreground(int pgid)
{
    if (fg_depth == FG_DEPTH)
        return -EBUSY;
    fg_stack[fg_depth++] = pgid;
    return 0;
}

void tty_job_gone(int pgid)
{
    unsigned kept = 1;
    for (unsigned i = 1; i < fg_depth; i++)
        if (fg_stack[i] != pgid)
            fg_stack[kept++] = fg_stack[i];
    fg_depth = kept;
    /* A reader of the old foreground may now be in the background: let it see EOF. */
    waitq_wake_all(&readers);
}

void tty_set_raw(bool on)
{
    raw = on;
    line_len = 0;
}
