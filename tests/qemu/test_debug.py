"""The debug build (make all debug=1) under load: its invariant checks hold.

A debug kernel asserts, on every switch, that the run queue and the process
table follow the scheduler's rules, and on every kernel-heap call that the
heap's blocks and lists are whole (DEBUG_ASSERT, kernel/lib/panic.h). Here
it runs the workloads that move those structures most: many processes made
and killed, pipelines, semaphores with sleepers, priorities, the system
call checks and test robust's hostile children. A broken rule panics, so the prompt never comes back and the
test fails with the panic in its output.
"""
import os
import re

from machine import PROMPT, ROOT, Machine
from test_boot import check
from test_processes import LeakCheck

WORKLOADS = [
    ("test processes 20 5", "test processes: OK"),
    ("echo hello | wc", "1 1 6"),
    ("echo one | cat | filter | cat | wc", "1 1 2"),  # filter drops vowels
    ("test sync 500 1", "Final value: 0"),
    ("test semaphores", "test semaphores: OK"),
    ("test prio", "test prio: OK"),
    ("test syscalls", " 0 failed"),
    ("test robust", " 0 failed"),
]


def test_debug_build_keeps_its_invariants(mm):
    iso = os.path.join(ROOT, "build", f"{mm}-debug", "chalk.iso")
    with Machine(iso, f"debug-{mm}") as m:
        boot_log = m.output_until(PROMPT)
        check(re.search(r"boot: debug\s+invariant checks on", boot_log),
              "the debug build does not say its checks are on")
        with LeakCheck(m):
            for line, expected in WORKLOADS:
                out = m.command(line, timeout=240)
                check(expected in out, f"{line!r} under debug checks:\n{out}")
                check("PANIC" not in out, f"{line!r} broke an invariant:\n{out}")
