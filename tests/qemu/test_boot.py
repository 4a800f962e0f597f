"""In-QEMU tests of the foundation: boot, self-tests, panic reports, consoles.

Each test is a function test_*(mm) run once per memory manager; it raises
TestFailure (or AssertionError) to fail. Images come from build/<mm>/.
"""
import os
import re
import socket
import subprocess

from machine import ROOT, PROMPT, Machine, TestFailure

SELFTESTS = ["frames", "heap", "bad-free", "exceptions", "timer", "format", "keyboard",
             "console"]


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


def boots_to_monitor(mm, media):
    with Machine(image(mm, "chalk"), f"boot-{media}-{mm}", media=media) as m:
        banner = m.expect(r"Chalk (\S+) \(mm=(\w+)\)")
        check(banner.group(2) == mm, f"banner says mm={banner.group(2)}")
        boot_log = m.output_until(PROMPT)
        for stage in ["serial", "gdt", "idt", "bootinfo", "memory", "screen", "timer",
                      "keyboard", "acpi", "ready"]:
            check(re.search(rf"boot: {stage}\s", boot_log), f"no boot log line for {stage}")
        out = m.command("mem")
        check(f"kernel heap ({mm})" in out, "mem does not name the heap manager")
        out = m.command("uptime")
        check(re.search(r"up \d+\.\d{3} s", out), "uptime output malformed")
        out = m.command("frobnicate")
        check("unknown command 'frobnicate'" in out, "unknown command not reported")
        m.child.send("shutdown\r")
        check(m.wait_exit() == 0, "shutdown did not power QEMU off")


def test_boots_from_cdrom(mm):
    boots_to_monitor(mm, "cdrom")


def test_boots_from_hard_disk(mm):
    boots_to_monitor(mm, "disk")


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
