"""In-QEMU tests of the kernel's self-defence (docs/memory.md): guard pages
under kernel stacks, and SMEP and SMAP keeping the kernel out of user pages.

QEMU's default CPU model has neither SMEP nor SMAP; `-cpu max` under TCG
has both, so the tests that need them boot with it. (The self-tests and the
shell on the default CPU run in test_boot.py and the other files.)
"""
import re

from machine import PROMPT, Machine
from test_boot import SELFTESTS, check, image

CPU_WITH_SMEP_AND_SMAP = ["-cpu", "max"]


def test_kernel_stack_overflow_panics_clearly(mm):
    """A process's kernel stack that overflows hits its guard page: a double fault on
    the IST stack names the process, instead of memory below being overwritten."""
    with Machine(image(mm, "kstacktest"), f"kstacktest-{mm}") as m:
        m.expect_exact(PROMPT)
        m.child.send("fault breakpoint\r")
        m.expect_exact("panictest: recursing on the kernel stack of fault[")
        report = m.output_until("System halted.")
        check(re.search(r"PANIC: kernel stack overflow in fault\[\d+\]: "
                        r"(Double Fault \(#DF\)|Page Fault \(#PF\)) on its guard page at "
                        r"0xffffff00[0-9a-f]{8}", report),
              "no kernel stack overflow report naming the process")
        check("exhaust_stack" in report, "backtrace lacks the recursing function")
        check(m.wait_exit() == 0, "panic=poweroff did not power off")


def test_selftests_probe_smep_and_smap(mm):
    """With both on, the kernel's own probes fault: reading a user page outside a
    user-access window (SMAP), jumping into an executable user page (SMEP)."""
    with Machine(image(mm, "selftest"), f"selftest-cpumax-{mm}",
                 extra=CPU_WITH_SMEP_AND_SMAP) as m:
        log = m.output_until("selftest: powering off", timeout=120)
        check(re.search(r"boot: protect\s+NX on, SMEP on, SMAP on", log),
              "the boot log does not say NX, SMEP and SMAP are on")
        for name in ["smep", "smap"]:
            check(f"selftest: {name}: ok" in log, f"self-test {name} did not report ok")
            check(f"selftest: {name}: not on this CPU" not in log, f"self-test {name} skipped")
        check(re.search(rf"selftest: {len(SELFTESTS)} passed, 0 failed", log),
              "summary line missing or failures reported")
        check(m.wait_exit() == 0, "QEMU did not power off cleanly through ACPI")


def test_shell_works_under_smep_and_smap(mm):
    """Everything that copies to or from user memory does it in a user-access
    window: spawn with arguments, pipes, the heap, listings, bad pointers. One
    access outside would be a kernel page fault, a panic."""
    with Machine(image(mm, "chalk"), f"smap-shell-{mm}", extra=CPU_WITH_SMEP_AND_SMAP) as m:
        boot_log = m.output_until(PROMPT)
        check(re.search(r"boot: protect\s+NX on, SMEP on, SMAP on", boot_log),
              "the boot log does not say NX, SMEP and SMAP are on")
        outputs = []
        for line, expected in [
            ("echo hello | wc", r"^\s*1\s+1\s+6\s*$"),
            ("echo one two three", r"^one two three\s*$"),
            ("echo a b | cat | cat | wc", r"^\s*1\s+2\s+4\s*$"),
            ("ps", r"\bshell\b"),
            ("mem", r"memory manager\s+" + mm),
            ("test memory 200000 3", r"test memory: OK"),
            ("test syscalls", r"test syscalls: \d+ passed, 0 failed"),
            ("fault exec-stack", r"killed: page fault executing 0x[0-9a-f]+ "
                                 r"\(non-executable page\)"),
        ]:
            out = m.command(line, timeout=60)
            outputs.append(out)
            check(re.search(expected, out, re.M), f"{line!r} printed {out!r}")
        check(not any("PANIC" in out for out in outputs), "the kernel panicked")
        m.child.send("shutdown\r")
        check(m.wait_exit() == 0, "shutdown did not power QEMU off")
