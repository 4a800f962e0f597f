"""In-QEMU test of the kernel under fuzz (userland/tests/fuzz.c): a minute
of random system calls from several processes at once, with a fixed seed
so that a failure can be replayed with the same command. The kernel must
not panic or hang, no call may have an impossible result, and afterwards
nothing of the run may be left: no process, semaphore or pipe, and `mem`
and `ps` as they were before (the leak check of test_processes.py).
"""
import re

from test_apps import check_no_semaphores
from test_boot import check
from test_ipc import no_pipes_left
from test_processes import LeakCheck, boot, ps

SECONDS = 60
SEED = 12345
# The minute itself, then the end of the run; generous, for a busy host.
TIMEOUT = SECONDS + 240


def test_fuzz_leaves_the_kernel_standing(mm):
    with boot(mm, "fuzz") as m, LeakCheck(m):
        out = m.command(f"fuzz {SECONDS} {SEED}", timeout=TIMEOUT)
        check("PANIC" not in out, f"fuzz panicked the kernel:\n{out[-3000:]}")
        check(re.search(rf"^fuzz: seed {SEED}\r*$", out, re.M), f"fuzz printed no seed:\n{out}")
        calls = re.search(rf"^fuzz: (\d+) calls in \d+ s, seed {SEED}\r*$", out, re.M)
        check(calls and int(calls.group(1)) > 0, f"fuzz made no calls:\n{out[-3000:]}")
        check(re.search(r"^fuzz: OK\r*$", out, re.M), f"fuzz did not pass:\n{out[-3000:]}")
        # Children that fault on purpose are reported; a worker never should be.
        check(not re.search(r"worker\[\d+\]: killed", out), f"a fuzz worker faulted:\n{out}")
        check("alive" in m.command("echo alive"), "the shell stopped answering")
        check(not any(row[5].startswith("fuzz") for row in ps(m).values()), "fuzz left processes")
        check_no_semaphores(m)
        no_pipes_left(m)
