"""test robust in QEMU: hostile programs get the right answer, and the system
goes on as if nothing had happened.

`test robust` (userland/tests/test_robust.c) runs each of its cases as a
child: every kind of fault, system calls with hostile arguments, every table
and the heap filled, processes killed while asleep. It prints a line per case
and `test robust: N passed, N failed`, and checks the system's figures after
each case itself; the leak check here checks them once more from the outside
(`mem` and `ps`). It must pass in the foreground and in the background, and
Ctrl+C in the middle must end it with every process it started.
"""
import re

from machine import PROMPT, wait_until
from test_apps import interrupt, start_in_background
from test_boot import check
from test_processes import LeakCheck, boot, ps

SUMMARY = r"test robust: (\d+) passed, (\d+) failed"
END = SUMMARY + r"|PANIC"  # a panic ends the wait at once: no prompt will come
TIMEOUT = 300  # about a second on an idle host; TCG on a loaded one is far slower


def check_passed(out):
    """out holds a whole run: no panic, a summary, nothing failed."""
    check("PANIC" not in out, f"test robust panicked the kernel:\n{out}")
    result = re.search(SUMMARY, out)
    check(result, f"no summary from test robust:\n{out}")
    failures = re.findall(r"^robust: .*FAILED.*$|^FAIL: .*$", out, re.M)
    check(int(result.group(2)) == 0, "test robust failed:\n" + "\n".join(failures))
    check(int(result.group(1)) >= 40, f"test robust ran suspiciously few cases:\n{out}")


def run_in_the_foreground(m):
    """Runs test robust and returns its output, up to the prompt after it."""
    m.child.send("test robust\r")
    m.expect_exact("test robust")
    m.expect(END, timeout=TIMEOUT)
    out = m.child.before + m.child.after
    check("PANIC" not in out, f"test robust panicked the kernel:\n{out}")
    return out + m.output_until(PROMPT)


def test_robust_in_the_foreground_and_the_background(mm):
    with boot(mm, "robust") as m:
        with LeakCheck(m):
            check_passed(run_in_the_foreground(m))
        with LeakCheck(m):
            check_passed(start_in_background(m, "&test robust", END, timeout=TIMEOUT))
            out = m.command("echo reported")  # the shell reports the ended job before its prompt
            check(re.search(r"\[\d+\] done \(status 0\)", out), f"no report of the job: {out!r}")


def test_ctrl_c_ends_robust_and_every_child(mm):
    with boot(mm, "robust-ctrl-c") as m, LeakCheck(m):
        interrupt(m, "test robust", r"robust: fault null: ok")
        # A child killed asleep in a call dies when it next runs: the prompt may come first.
        wait_until(lambda: {row[5] for row in ps(m).values()} == {"init", "shell"},
                   "only init and the shell are left")
        check("alive" in m.command("echo alive"), "the shell stopped answering")
