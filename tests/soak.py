#!/usr/bin/env python3
"""make soak: every load at once for a long while, then a health check.

    tests/soak.py --mm firstfit [--minutes 10] [--seed 12345]

Boots Chalk headless and starts, in the background and all at once: fuzz
for the whole time, test processes and test memory (both until killed),
test sync (started again each time it ends) and phylo (without a keyboard
it dines until killed). While they run, the shell must answer `echo` every
LIVENESS_EVERY seconds, and nothing may go wrong: no PANIC, no test, fuzz
or phylo reporting a failure, no process killed by a fault but fuzz's
children, which fault on purpose.

Then fuzz gives its verdict, the rest is killed, and the system must be as
it was before: the same processes, the same `mem` figures, no semaphore,
no pipe, a shell that answers. A summary follows; the exit status is 0
only when all held. docs/robustness.md records the last result.
"""
import argparse
import os
import re
import sys
import time

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "qemu"))

from machine import PROMPT, Machine, TestFailure  # noqa: E402 (found through the path above)
from test_apps import SEAT_LINE, semaphores  # noqa: E402
from test_boot import image  # noqa: E402
from test_processes import PS_ROW, memory_figures, ps  # noqa: E402

LIVENESS_EVERY = 30  # seconds between two checks that the shell answers
ANSWER_TIMEOUT = 60  # for one answer, under all that load
VERDICT_GRACE = 300  # after the time is up, for fuzz to end its run
SWEEP_TIMEOUT = 120  # for killing what is left

LOADS = ["&test processes 20", "&test memory 1000000", "&phylo"]
SYNC = "&test sync 2000 1"

# (name, pattern) of what the console may show while the loads run.
EVENTS = [
    ("panic", r"PANIC[^\n]*"),
    ("failure", r"(?:test \w+|fuzz): FAILED[^\n]*|phylo: (?:ERROR|sem_\w+ )[^\n]*"),
    # A fault's report: "NAME[PID]: killed: WHAT", in red.
    ("fault", r"\x1b\[1;31m([^\n]*?)\[\d+\]: killed: [^\n]*"),
    ("sync done", r"test sync: OK"),
    ("fuzz done", r"fuzz: OK"),
    ("prompt", re.escape(PROMPT)),
]


class Soak:
    """The machine under load, and what was seen of it."""

    def __init__(self, m):
        self.m = m
        self.failures = []
        self.typing = []  # lines for the shell, typed one per prompt
        self.shell_busy = False
        self.token = None  # the echo the shell owes, and since when
        self.asked_at = 0.0
        self.asked = self.answered = 0
        self.sync_runs = 0
        self.fuzz_ok = False
        self.panicked = False

    def idle(self):
        """Whether the shell owes nothing and has nothing left to be typed."""
        return not (self.shell_busy or self.typing or self.token)

    def fail(self, what):
        print(f"soak: {what}", flush=True)
        self.failures.append(what)

    def start(self, line):
        """Starts a background job; its pid, once the shell is ready again."""
        self.m.child.send(line + "\r")
        self.m.expect(r"\[(\d+)\]\r*\n", timeout=ANSWER_TIMEOUT)
        pid = int(self.m.child.match.group(1))
        self.m.expect_exact(PROMPT, timeout=ANSWER_TIMEOUT)
        return pid

    def type_next(self):
        """A line is typed only at a prompt: typed earlier, half of it could be lost."""
        if self.typing and not self.shell_busy:
            self.m.child.send(self.typing.pop(0) + "\r")
            self.shell_busy = True

    def ask_shell(self, now):
        self.asked += 1
        self.token = f"alive-{self.asked}"
        self.asked_at = now
        self.typing.append(f"echo {self.token}")

    def on(self, name, match, relaunch):
        if name in ("panic", "failure"):
            self.fail(match.group(0).strip())
            self.panicked |= name == "panic"
        elif name == "fault" and not match.group(1).startswith("fuzz:"):
            self.fail(match.group(0).strip())
        elif name == "sync done":
            self.sync_runs += 1
            if relaunch:
                self.typing.append(SYNC)
        elif name == "fuzz done":
            self.fuzz_ok = True
        elif name == "prompt":
            self.shell_busy = False
        elif name == "answer":
            self.answered += 1
            self.token = None

    def watch(self, seconds, relaunch, until=lambda: False):
        """Reads the console for seconds, or until until() holds, acting on what appears."""
        end = time.monotonic() + seconds
        next_check = time.monotonic() + LIVENESS_EVERY
        while time.monotonic() < end and not until() and not self.panicked:
            events = EVENTS + ([("answer", rf"(?<!echo ){self.token}\b")] if self.token else [])
            try:
                i = self.m.child.expect([pattern for _, pattern in events], timeout=1)
                self.on(events[i][0], self.m.child.match, relaunch)
            except pexpect.TIMEOUT:
                pass
            except pexpect.EOF:
                self.fail("QEMU exited")
                return
            now = time.monotonic()
            if self.token and now - self.asked_at > ANSWER_TIMEOUT:
                self.fail(f"the shell did not answer {self.token} within {ANSWER_TIMEOUT} s")
                self.token = None
            if relaunch and not self.token and now >= next_check:
                self.ask_shell(now)
                next_check = now + LIVENESS_EVERY
            self.type_next()

    def sweep(self, baseline):
        """Kills every process that was not there before, until none is left."""
        deadline = time.monotonic() + SWEEP_TIMEOUT
        while time.monotonic() < deadline:
            extra = [pid for pid in ps(self.m) if pid not in baseline]
            if not extra:
                return True
            self.m.command("kill " + " ".join(map(str, extra)), timeout=ANSWER_TIMEOUT)
            time.sleep(1)
        return False

    def check_health(self, baseline, memory):
        if not self.sweep(baseline):
            self.fail(f"processes still there after {SWEEP_TIMEOUT} s of killing them")
        names = {pid: row[5] for pid, row in ps(self.m).items()}
        if names != {pid: row[5] for pid, row in baseline.items()}:
            self.fail(f"ps is not as before: {names}")
        after = memory_figures(self.m)
        if after != memory:
            self.fail(f"mem is not as before:\nbefore {memory}\nafter  {after}")
        if semaphores(self.m):
            self.fail(f"semaphores left: {semaphores(self.m)}")
        if "no pipes" not in self.m.command("pipes"):
            self.fail("pipes left")
        if "still here" not in self.m.command("echo still here"):
            self.fail("the shell does not answer at the end")


def last_pid(m):
    """The pid of a new process: about how many were created since boot."""
    return max(int(row[0]) for row in PS_ROW.findall(m.command("ps")))


def figures(log_path):
    """What the loads did, read from the whole console log."""
    with open(log_path, encoding="utf-8", errors="replace") as f:
        text = f.read()

    def last(pattern, default="0"):
        found = re.findall(pattern, text, re.M)
        return found[-1] if found else default

    return [
        ("fuzz", last(r"^fuzz: (\d+ calls in \d+ s), seed", "no tally")),
        ("fuzz processes", last(r"^fuzz: (\d+ workers started .*? children)", "no tally")),
        ("fuzz children killed by their faults", len(re.findall(r"fuzz:\d+ [^\n]*: killed:", text))),
        ("test processes rounds", last(r"test processes: round (\d+)")),
        ("test memory rounds", last(r"test memory: round (\d+)")),
        ("phylo tables printed", len(SEAT_LINE.findall(text))),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mm", default="firstfit")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--seed", type=int, default=12345)
    args = parser.parse_args()
    seconds = int(args.minutes * 60)

    with Machine(image(args.mm, "chalk"), f"soak-{args.mm}") as m:
        m.expect_exact(PROMPT)
        baseline, memory = ps(m), memory_figures(m)
        soak = Soak(m)
        soak.start(f"&fuzz {seconds} {args.seed}")
        pids = [soak.start(line) for line in LOADS + [SYNC]]
        m.interleaved = True  # from now on, lines of the loads may come between echoed letters
        soak.watch(seconds, relaunch=True)
        soak.watch(VERDICT_GRACE, relaunch=False, until=lambda: soak.fuzz_ok and soak.idle())
        if not soak.fuzz_ok:
            soak.fail("fuzz did not end with fuzz: OK")
        m.child.send(f"kill {pids[LOADS.index('&phylo')]}\r")  # the loudest first
        m.expect_exact(PROMPT, timeout=ANSWER_TIMEOUT)
        soak.check_health(baseline, memory)
        created = last_pid(m)

    print(f"soak (mm={args.mm}, {args.minutes:g} min, seed {args.seed}): "
          f"{'PASSED' if not soak.failures else 'FAILED'}")
    for name, value in figures(m.log_path):
        print(f"  {name}: {value}")
    print(f"  test sync runs, all ending at 0: {soak.sync_runs}")
    print(f"  the shell answered {soak.answered} of {soak.asked} checks")
    print(f"  processes created since boot: about {created}")
    print(f"  log: {m.log_path}")
    for failure in soak.failures:
        print(f"  failure: {failure}")
    return 0 if not soak.failures else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except TestFailure as e:
        print(f"soak: FAILED: {e}")
        sys.exit(1)
