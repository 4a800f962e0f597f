"""In-QEMU tests of the kernel's named semaphores.

`test semaphores` (userland/tests/test_semaphores.c) checks the contract
from inside: errors, the hand-off to the longest waiter, blocked and killed
waiters, cleanup at death. Here it runs in the foreground and in the
background, and the leak check proves that every child it killed or let end
gave back its memory and its process slot.
"""
import re

from machine import wait_until
from test_boot import check
from test_processes import LeakCheck, boot, ps

RESULT = re.compile(r"test semaphores: (OK|FAILED)[^\r\n]*")


def test_semaphores_in_the_foreground(mm):
    with boot(mm, "semaphores") as m, LeakCheck(m):
        out = m.command("test semaphores", timeout=60)
        result = RESULT.search(out)
        check(result and result.group(1) == "OK", f"test semaphores failed:\n{out}")


def test_semaphores_in_the_background(mm):
    with boot(mm, "semaphores-bg") as m, LeakCheck(m):
        out = m.command("&test semaphores")
        pid = int(re.search(r"\[(\d+)\]", out).group(1))
        # The job may finish before the prompt comes back, or well after.
        result = RESULT.search(out) or m.expect(RESULT, timeout=60)
        check(result.group(1) == "OK", f"test semaphores failed in the background: {result[0]}")
        wait_until(lambda: pid not in ps(m), f"process {pid} ended", timeout=30)
