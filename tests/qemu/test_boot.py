"""In-QEMU tests of the foundation: boot, self-tests, panic reports, consoles.

Each test is a function test_*(mm) run once per memory manager; it raises
TestFailure (or AssertionError) to fail. Images come from build/<mm>/.
"""
import os
import re
import socket
import subprocess
import sys

from machine import ROOT, PROMPT, Bochs, Machine, TestFailure

DEFAULT_FONT = "/usr/share/consolefonts/Lat15-Terminus16.psf.gz"  # the Makefile's FONT_PSF
SELFTESTS = ["frames", "paging", "kstacks", "smep", "smap", "heap", "bad-free", "exceptions",
             "timer", "format", "keyboard", "console"]


def image(mm, kind):
    return os.path.join(ROOT, "build", mm, f"{kind}.iso")


def check(condition, message):
    if not condition:
        raise TestFailure(message)


def test_selftest_passes_and_powers_off(mm):
    """The 'selftest' command line runs every self-test, then ACPI powers off."""
    with Machine(image(mm, "selftest"), f"selftest-{mm}") as m:
        m.expect_exact(f"(mm={mm})")
        log = m.output_until("selftest: powering off", timeout=120)
        check(", 2 modules," in log, "the self-test image's modules were not reported")
        for name in SELFTESTS:
            check(f"selftest: {name}: ok" in log, f"self-test {name} did not report ok")
        check(re.search(rf"selftest: {len(SELFTESTS)} passed, 0 failed", log),
              "summary line missing or failures reported")
        check(m.wait_exit() == 0, "QEMU did not power off cleanly through ACPI")


def test_kernel_fault_reports_and_halts(mm):
    """A kernel page fault prints its name, CR2, registers and a named backtrace."""
    with Machine(image(mm, "panictest"), f"panictest-{mm}") as m:
        m.expect_exact("panictest: writing to unmapped address")
        report = m.output_until("System halted.")
        check("PANIC: Page Fault (#PF) in kernel mode" in report, "no exception name")
        check("cr2 0x000000000dead000" in report, "CR2 not reported")
        check("write in kernel mode" in report, "page-fault cause not decoded")
        check(re.search(r"rip 0xffffffff8[0-9a-f]{7}", report), "registers not dumped")
        check("selftest_trigger_page_fault+0x" in report, "backtrace lacks the faulting function")
        check("kmain+0x" in report, "backtrace does not reach kmain")
        check(m.wait_exit() == 0, "panic=poweroff did not power off")


def boots_to_shell(mm, media, firmware="bios"):
    """The one image, booted one way, reaches the shell, answers and powers off."""
    name = f"boot-{firmware}-{media}-{mm}"
    with Machine(image(mm, "chalk"), name, media=media, firmware=firmware) as m:
        banner = m.expect(r"Chalk (\S+) \(mm=(\w+)\)")
        check(banner.group(2) == mm, f"banner says mm={banner.group(2)}")
        boot_log = m.output_until(PROMPT)
        for stage in ["serial", "gdt", "idt", "bootinfo", "memory", "protect", "screen", "timer",
                      "keyboard", "acpi", "syscalls", "userland", "ready"]:
            check(re.search(rf"boot: {stage}\s", boot_log), f"no boot log line for {stage}")
        out = m.command("mem")
        check(re.search(rf"memory manager\s+{mm}", out), "mem does not name the heap manager")
        out = m.command("uptime")
        check(re.search(r"up \d+\.\d{3} s", out), "uptime output malformed")
        out = m.command("frobnicate")
        check("no such command: frobnicate" in out, "unknown command not reported")
        m.child.send("shutdown\r")
        check(m.wait_exit() == 0, "shutdown did not power QEMU off")


def load_font():
    sys.path.insert(0, os.path.join(ROOT, "toolchain"))
    import mkfont
    return mkfont.load(os.environ.get("CHALK_FONT", DEFAULT_FONT))


def banner_on_screen(mm, firmware):
    """The framebuffer shows the banner, pixel for pixel in the build's font."""
    font = load_font()
    with Machine(image(mm, "chalk"), f"screen-{firmware}-{mm}", firmware=firmware) as m:
        banner = m.expect(r"Chalk \S+ \(mm=\w+\)").group(0)
        m.expect_exact(PROMPT)
        width, height, rows = m.screendump()
        check(width >= 640 and height >= 480, f"unexpected screen size {width}x{height}")
        for i, char in enumerate(banner):
            glyph = font.glyphs[font.table[ord(char)]]
            for y in range(font.height):
                bits = int.from_bytes(glyph[y * font.bytes_per_row:(y + 1) * font.bytes_per_row], "big")
                for x in range(font.width):
                    lit = bits >> (font.bytes_per_row * 8 - 1 - x) & 1
                    shown = max(rows[y][i * font.width + x]) > 0x40
                    check(lit == shown, f"banner character {i} ({char!r}) differs at ({x}, {y})")


def test_screen_shows_boot_banner(mm):
    banner_on_screen(mm, "bios")


def test_screen_shows_boot_banner_under_uefi(mm):
    """Under UEFI there is no text mode: GRUB hands over the firmware's (GOP) framebuffer."""
    banner_on_screen(mm, "uefi")


def test_keyboard_types_commands(mm):
    """Keys pressed on the PS/2 keyboard reach the same console input as serial."""
    with Machine(image(mm, "chalk"), f"keyboard-{mm}") as m:
        m.expect_exact(PROMPT)
        m.type_keys(["u", "p", "t", "i", "m", "e", "ret"])
        m.expect(r"uptime\s+up \d+\.\d{3} s")
        m.expect_exact(PROMPT)
        m.type_keys(["shift-h", "i", "backspace", "backspace", "m", "e", "m", "ret"])
        out = m.output_until(PROMPT)
        check("physical memory" in out, f"'mem' typed on the keyboard did not run:\n{out}")


def test_boots_from_cdrom(mm):
    boots_to_shell(mm, "cdrom")


def test_boots_from_hard_disk(mm):
    boots_to_shell(mm, "disk")


def test_boots_from_usb_stick(mm):
    boots_to_shell(mm, "usb")


def test_boots_uefi_from_usb_stick(mm):
    boots_to_shell(mm, "usb", firmware="uefi")


def test_boots_uefi_from_cdrom(mm):
    boots_to_shell(mm, "cdrom", firmware="uefi")


def test_memory_above_4_gib(mm):
    """5 GiB of RAM: a memory map with a hole below 4 GiB and RAM above it, from
    the BIOS and from UEFI; all of it is counted, and the heaps work."""
    for firmware in ("bios", "uefi"):
        with Machine(image(mm, "chalk"), f"bigmem-{firmware}-{mm}", memory="5G",
                     firmware=firmware) as m:
            m.expect_exact(PROMPT)
            out = m.command("mem")
            total = re.search(r"physical memory\s+(\d+) KiB", out)
            check(total and int(total.group(1)) > 4 * 1024 * 1024,
                  f"{firmware}: less than 4 GiB of the 5 GiB counted:\n{out}")
            out = m.command("test memory 4000000 3", timeout=60)
            check("test memory: OK" in out, f"{firmware}: test memory failed:\n{out}")


def test_boots_in_bochs(mm):
    """Bochs boots the same image as a CD-ROM; the shell answers over serial."""
    with Bochs(image(mm, "chalk"), f"boot-bochs-{mm}") as m:
        m.expect(rf"Chalk \S+ \(mm={mm}\)")
        m.expect_exact(PROMPT)
        out = m.command("uptime")
        check(re.search(r"up \d+\.\d{3} s", out), f"uptime in Bochs printed {out!r}")


def free_tcp_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gdb_breaks_in_kmain(mm):
    """What ./run.sh -d promises: QEMU waits, GDB attaches and stops in kmain."""
    port = free_tcp_port()
    kernel = os.path.join(ROOT, "build", mm, "kernel.elf")
    with Machine(image(mm, "chalk"), f"gdb-{mm}", extra=["-gdb", f"tcp:127.0.0.1:{port}", "-S"]):
        gdb = subprocess.run(
            ["gdb", "-batch", "-nx", kernel, "-ex", f"target remote 127.0.0.1:{port}",
             "-ex", "hbreak kmain", "-ex", "continue", "-ex", "info symbol $pc"],
            capture_output=True, text=True, timeout=120)
        check(re.search(r"^kmain in section \.text", gdb.stdout, re.M),
              f"gdb did not stop in kmain:\n{gdb.stdout[-1500:]}{gdb.stderr[-500:]}")
