/*
 * The PS/2 keyboard behind the 8042 controller (OSDev "8042 PS/2
 * Controller", "PS/2 Keyboard"; IBM PC AT Technical Reference).
 *
 * The 8042 has two ports: 0x64 reads the status and takes controller
 * commands, 0x60 carries data both ways. Every wait on it is bounded,
 * because on many machines there is no 8042 at all (the status port then
 * reads 0xFF) and on others it is firmware emulating one over USB (SMM
 * "legacy support"), which is slow and sometimes wrong.
 *
 * The keyboard itself speaks scancode set 2; the controller translates to
 * set 1, which is what this file decodes: one byte per key press ("make"),
 * the same byte with bit 7 set on release ("break"), and 0xE0 before the
 * keys the original 83-key keyboard did not have (arrows, right ctrl).
 */
#include "drivers/keyboard.h"

#include "arch/x86_64/cpu.h"
#include "arch/x86_64/pic.h"
#include "arch/x86_64/trap.h"
#include "drivers/console.h"

#define PORT_DATA    0x60
#define PORT_STATUS  0x64 /* read */
#define PORT_COMMAND 0x64 /* write */

#define STATUS_OUTPUT_FULL 0x01 /* a byte waits in PORT_DATA for us */
#define STATUS_INPUT_FULL  0x02 /* the controller has not taken our last byte */
#define STATUS_AUX_DATA    0x20 /* the waiting byte came from port 2 (mouse) */

#define CMD_READ_CONFIG   0x20
#define CMD_WRITE_CONFIG  0x60
#define CMD_DISABLE_PORT2 0xA7
#define CMD_DISABLE_PORT1 0xAD
#define CMD_ENABLE_PORT1  0xAE

#define CONFIG_PORT1_IRQ      0x01
#define CONFIG_PORT2_IRQ      0x02
#define CONFIG_PORT1_NO_CLOCK 0x10
#define CONFIG_PORT2_NO_CLOCK 0x20
#define CONFIG_TRANSLATE      0x40

#define KBD_ENABLE_SCANNING 0xF4
#define KBD_ACK             0xFA

/*
 * Each poll of the status port is followed by io_wait (about 1 us), so this
 * bounds one wait near 100 ms: far beyond what a real or emulated 8042
 * needs, short enough that a machine without one still boots promptly.
 */
#define WAIT_POLLS 100000

/* More bytes than a working controller ever has queued: it holds one. */
#define FLUSH_LIMIT 64

/* ---- talking to the controller ------------------------------------------ */

static bool wait_input_empty(void)
{
    for (int i = 0; i < WAIT_POLLS; i++) {
        if (!(inb(PORT_STATUS) & STATUS_INPUT_FULL))
            return true;
        io_wait();
    }
    return false;
}

static bool wait_output_full(void)
{
    for (int i = 0; i < WAIT_POLLS; i++) {
        if (inb(PORT_STATUS) & STATUS_OUTPUT_FULL)
            return true;
        io_wait();
    }
    return false;
}

static bool send_command(uint8_t command)
{
    if (!wait_input_empty())
        return false;
    outb(PORT_COMMAND, command);
    return true;
}

static bool send_data(uint8_t data)
{
    if (!wait_input_empty())
        return false;
    outb(PORT_DATA, data);
    return true;
}

static bool read_data(uint8_t *data)
{
    if (!wait_output_full())
        return false;
    *data = inb(PORT_DATA);
    return true;
}

/* Drops whatever the controller holds (key presses during boot, stale replies). */
static void flush_output(void)
{
    for (int i = 0; i < FLUSH_LIMIT && (inb(PORT_STATUS) & STATUS_OUTPUT_FULL); i++)
        inb(PORT_DATA);
}

static bool read_config(uint8_t *config)
{
    return send_command(CMD_READ_CONFIG) && read_data(config);
}

static bool write_config(uint8_t config)
{
    return send_command(CMD_WRITE_CONFIG) && send_data(config);
}

/*
 * Asks the keyboard to send scancodes. Firmware normally leaves scanning on,
 * so a missing acknowledgement (no keyboard plugged in) is not an error:
 * the controller still works and a keyboard plugged in later will talk.
 */
static void enable_scanning(void)
{
    uint8_t reply;
    if (send_data(KBD_ENABLE_SCANNING))
        read_data(&reply);
}

/* Reads every byte the controller holds and decodes the keyboard's ones. */
static void keyboard_irq(struct trap_frame *frame)
{
    (void)frame;
    for (int i = 0; i < FLUSH_LIMIT; i++) {
        uint8_t status = inb(PORT_STATUS);
        if (!(status & STATUS_OUTPUT_FULL))
            break;
        uint8_t byte = inb(PORT_DATA);
        if (!(status & STATUS_AUX_DATA))
            keyboard_handle_scancode(byte);
    }
}

/*
 * The probe never runs the controller self-test (command 0xAA): on some
 * machines it resets the configuration byte and the USB emulation, and a
 * configuration byte that reads back is proof enough that a controller is
 * there. Port 2 (the mouse) stays disabled with its interrupt off.
 */
bool keyboard_init(void)
{
    /* A floating bus reads all ones: nothing decodes these ports. */
    if (inb(PORT_STATUS) == 0xFF)
        return false;

    /* Quiet both ports so no key press lands in the middle of a reply. */
    if (!send_command(CMD_DISABLE_PORT1) || !send_command(CMD_DISABLE_PORT2))
        return false;
    flush_output();

    uint8_t config;
    if (!read_config(&config))
        return false;
    config &= ~(CONFIG_PORT1_IRQ | CONFIG_PORT2_IRQ | CONFIG_PORT1_NO_CLOCK);
    config |= CONFIG_PORT2_NO_CLOCK | CONFIG_TRANSLATE;
    if (!write_config(config))
        return false;

    /* Interrupts still off: the keyboard's acknowledgement is read by polling. */
    if (!send_command(CMD_ENABLE_PORT1))
        return false;
    enable_scanning();
    flush_output();

    trap_set_handler(VEC_IRQ_BASE + IRQ_KEYBOARD, keyboard_irq);
    if (!write_config(config | CONFIG_PORT1_IRQ))
        return false;
    pic_unmask(IRQ_KEYBOARD);
    return true;
}

/* ---- scancode set 1 to characters --------------------------------------- */

#define SC_LEFT_CTRL     0x1D /* 0xE0 0x1D is right ctrl */
#define SC_LEFT_SHIFT    0x2A
#define SC_RIGHT_SHIFT   0x36
#define SC_CAPS_LOCK     0x3A
#define SC_RELEASED      0x80 /* bit 7: the key went up */
#define SC_EXTENDED      0xE0 /* the next byte is an extended key */
#define SC_PAUSE         0xE1 /* Pause: E1 1D 45 E1 9D C5, press only */
#define PAUSE_TAIL_BYTES 2    /* the bytes after each 0xE1 in that sequence */

/* Extended keys (after 0xE0) that produce input. */
#define SC_EXT_KEYPAD_ENTER 0x1C
#define SC_EXT_KEYPAD_SLASH 0x35
#define SC_EXT_UP           0x48
#define SC_EXT_LEFT         0x4B
#define SC_EXT_RIGHT        0x4D
#define SC_EXT_DOWN         0x50

#define KEYMAP_SIZE 0x54

/*
 * US layout, indexed by make code, one keyboard row per line. Zero means the
 * key types nothing (modifiers, function keys). The keypad (0x47-0x53)
 * always types digits: num lock is not tracked.
 */
/* clang-format off */
static const char keymap[KEYMAP_SIZE] = {
    [0x01] = '\033', '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', '\b', '\t',
    [0x10] = 'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\n',
    [0x1E] = 'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`',
    [0x2B] = '\\', 'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/',
    [0x37] = '*',
    [0x39] = ' ',
    [0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};

/* The same keys with shift held. */
static const char keymap_shifted[KEYMAP_SIZE] = {
    [0x01] = '\033', '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', '\b', '\t',
    [0x10] = 'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\n',
    [0x1E] = 'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~',
    [0x2B] = '|', 'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?',
    [0x37] = '*',
    [0x39] = ' ',
    [0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};
/* clang-format on */

/*
 * Decoder state. Only keyboard_handle_scancode touches it, and its callers
 * run with interrupts off (the IRQ handler always does), so one key's bytes
 * are never decoded by two callers at once.
 */
static struct {
    bool left_shift, right_shift;
    bool left_ctrl, right_ctrl;
    bool caps_lock;      /* toggled on each press of caps lock */
    bool caps_lock_down; /* held: the keyboard repeats the make code */
    bool extended;       /* the previous byte was 0xE0 */
    int pause_skip;      /* bytes of a Pause sequence still to ignore */
} kbd;

static void input_string(const char *s)
{
    while (*s)
        console_input(*s++);
}

static bool is_letter(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Applies caps lock and ctrl, which act on letters only. */
static char apply_modifiers(char c)
{
    if (!is_letter(c))
        return c;
    /* Caps lock inverts the case the shift state chose: shift undoes it. */
    if (kbd.caps_lock)
        c ^= 'a' ^ 'A';
    /* Ctrl+letter is its control code whatever the case: Ctrl+C = 3. */
    if (kbd.left_ctrl || kbd.right_ctrl)
        c = (char)CTRL(c);
    return c;
}

/* A key without the 0xE0 prefix: a modifier, or one that types something. */
static void handle_plain_key(uint8_t code, bool released)
{
    switch (code) {
    case SC_LEFT_SHIFT:
        kbd.left_shift = !released;
        return;
    case SC_RIGHT_SHIFT:
        kbd.right_shift = !released;
        return;
    case SC_LEFT_CTRL:
        kbd.left_ctrl = !released;
        return;
    case SC_CAPS_LOCK:
        if (!released && !kbd.caps_lock_down)
            kbd.caps_lock = !kbd.caps_lock;
        kbd.caps_lock_down = !released;
        return;
    }
    if (released || code >= KEYMAP_SIZE)
        return;
    bool shift = kbd.left_shift || kbd.right_shift;
    char c = shift ? keymap_shifted[code] : keymap[code];
    if (c)
        console_input(apply_modifiers(c));
}

/*
 * A key after 0xE0. Keyboards also send 0xE0 0x2A / 0xE0 0xAA ("fake
 * shifts") around some extended keys; those fall through to the default
 * case and so never touch the real shift state.
 */
static void handle_extended_key(uint8_t code, bool released)
{
    if (code == SC_LEFT_CTRL) {
        kbd.right_ctrl = !released;
        return;
    }
    if (released)
        return;
    switch (code) {
    case SC_EXT_KEYPAD_ENTER:
        console_input('\n');
        break;
    case SC_EXT_KEYPAD_SLASH:
        console_input('/');
        break;
    case SC_EXT_UP:
        input_string("\033[A");
        break;
    case SC_EXT_DOWN:
        input_string("\033[B");
        break;
    case SC_EXT_RIGHT:
        input_string("\033[C");
        break;
    case SC_EXT_LEFT:
        input_string("\033[D");
        break;
    }
}

void keyboard_handle_scancode(uint8_t scancode)
{
    if (kbd.pause_skip > 0) {
        kbd.pause_skip--;
        return;
    }
    if (scancode == SC_PAUSE) {
        kbd.pause_skip = PAUSE_TAIL_BYTES;
        kbd.extended = false;
        return;
    }
    if (scancode == SC_EXTENDED) {
        kbd.extended = true;
        return;
    }
    bool released = scancode & SC_RELEASED;
    uint8_t code = scancode & ~SC_RELEASED;
    if (kbd.extended)
        handle_extended_key(code, released);
    else
        handle_plain_key(code, released);
    kbd.extended = false;
}
