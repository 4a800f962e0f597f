"""In-QEMU tests of the applications: phylo, Chalk's own versions of the
course's tests (test memory, prio, sync, processes, course) and the course
command.

Every program must leave nothing behind however it ends (by itself, by q,
by Ctrl+C, killed in the background): the leak check of test_processes.py
compares `mem` and the process count, and `sem` must list none of the
program's semaphores afterwards.
"""
import re
import time

from machine import PROMPT, wait_until
from test_boot import check
from test_processes import LeakCheck, background, boot, ps

SEAT_LINE = re.compile(r"^([E.](?: [E.]){4,9})\r*$", re.M)


def semaphores(m):
    """The names `sem` lists (none: an empty list)."""
    out = m.command("sem")
    if "no semaphores" in out:
        return []
    return [line.split()[0] for line in out.splitlines()[1:] if line.strip()
            and not line.lstrip().startswith(("NAME", "waiting"))]


def check_no_semaphores(m, prefix=""):
    left = [name for name in semaphores(m) if name.startswith(prefix)]
    check(not left, f"semaphores left behind: {left}")


def run_test(m, line, timeout=60):
    """Runs `test ...` in the foreground; returns its output, which must end in OK."""
    out = m.command(line, timeout=timeout)
    name = line.split()[1]
    check(re.search(rf"^test {name}: OK\r*$", out, re.M), f"{line} did not pass:\n{out}")
    check(len(re.findall(rf"^test {name}: (OK|FAILED)", out, re.M)) == 1,
          f"{line} did not end with exactly one result line:\n{out}")
    return out


def test_tests_pass(mm):
    with boot(mm, "apps-tests") as m, LeakCheck(m):
        run_test(m, "test memory 300000 5")
        run_test(m, "test prio")
        out = run_test(m, "test sync 500 1")
        check("Final value: 0" in out, f"test sync with the semaphore did not end at 0:\n{out}")
        run_test(m, "test sync 500 0")
        run_test(m, "test processes 30 5")
        run_test(m, "test course")
        for bad in ["test memory", "test memory 0", "test sync 5", "test sync 5 2",
                    "test processes 256", "test prio x", "test course 1"]:
            out = m.command(bad)
            check("usage: test" in out, f"{bad!r} printed no usage: {out!r}")
        check_no_semaphores(m)


def start_in_background(m, line, verdict, count=1, timeout=60):
    """Types line (a background job) and returns all that is printed until both
    the shell's next prompt and count lines matching verdict have appeared, in
    whichever order: a short job may end before the shell prints its prompt."""
    m.child.send(line + "\r")
    m.expect_exact(line, timeout)
    out, prompted = "", False
    while not prompted or len(re.findall(verdict, out)) < count:
        m.expect(f"{re.escape(PROMPT)}|{verdict}", timeout)
        out += m.child.before + m.child.after
        prompted = prompted or m.child.after == PROMPT
    return out


def test_tests_run_in_the_background(mm):
    with boot(mm, "apps-background") as m, LeakCheck(m):
        # The line, exactly.
        out = start_in_background(m, "&test processes 20 5", r"test processes: (?:OK|FAILED)")
        check("test processes: OK" in out, f"&test processes 20 5 did not pass:\n{out}")
        check("alive" in m.command("echo alive"), "the shell did not answer")
        m.command("echo reported")  # collects the shell's report of the ended job

        # Long enough to see the shell answer while it is still going.
        pid = background(m, "&test processes 20 200")
        check("alive" in m.command("echo alive"), "the shell did not answer")
        check(pid in ps(m), "test processes was not running while the shell answered")
        m.expect(r"test processes: (OK|FAILED.*)", timeout=60)
        check(m.child.match.group(1) == "OK", f"test processes: {m.child.match.group(1)}")
        m.command("echo reported")

        out = start_in_background(m, "&test memory 200000 20", r"test memory: (?:OK|FAILED)")
        check("test memory: OK" in out, f"&test memory did not pass:\n{out}")
        m.command("echo reported")

        # Two at once, each with its own counter, sharing the semaphore "sem".
        out = start_in_background(m, "&test sync 2000 1", r"test sync: (?:OK|FAILED)", count=0)
        m.child.send("test sync 2000 1\r")
        while out.count("test sync: OK") < 2 and "test sync: FAILED" not in out:
            m.expect(r"test sync: (OK|FAILED)", timeout=60)
            out += m.child.before + m.child.after
        check(out.count("Final value: 0") == 2, f"two test syncs did not both end at 0:\n{out}")
        check(out.count("test sync: OK") == 2, f"two test syncs did not both pass:\n{out}")
        m.command("echo reported")
        check_no_semaphores(m)


class Phylo:
    """Drives a foreground phylo, keeping everything it printed."""

    def __init__(self, m, line="phylo"):
        self.m = m
        self.text = ""
        m.child.send(line + "\r")
        self.expect("keys: a adds one")

    def expect(self, pattern, timeout=20):
        self.m.expect(pattern, timeout)
        self.text += self.m.child.before + self.m.child.after

    def expect_seats(self, n):
        """Waits for a table of n seats."""
        self.expect(rf"(?m)^[E.](?: [E.]){{{n - 1}}}\r*\n")

    def key(self, key, then):
        self.m.child.send(key)
        self.expect(then)


def check_tables(text):
    """Every table printed: never two neighbours eating; returns the seat counts in order."""
    check("ERROR" not in text, f"phylo reported an error:\n{text}")
    counts = []
    for line in SEAT_LINE.findall(text):
        seats = line.split()
        for i, mark in enumerate(seats):
            right = (i + 1) % len(seats)
            check(not (mark == "E" and seats[right] == "E"),
                  f"neighbours {i} and {right} eat together: {line}")
        if not counts or counts[-1] != len(seats):
            counts.append(len(seats))
    return counts


def test_phylo_grows_shrinks_and_quits(mm):
    with boot(mm, "apps-phylo") as m, LeakCheck(m):
        p = Phylo(m)
        p.expect_seats(5)
        for n in range(6, 11):
            p.m.child.send("a")
            p.expect_seats(n)
        p.key("a", "the table seats at most 10")
        for n in range(9, 4, -1):
            p.key("r", "leaves after its meal")
            p.expect_seats(n)
        p.key("r", "at least 5 philosophers")
        for _ in range(10):  # some meals at 5 seats
            p.expect_seats(5)
        p.key("q", "the philosophers leave after their meals")
        p.expect("phylo: the table is empty")
        p.expect(re.escape(PROMPT))
        counts = check_tables(p.text)
        check(counts == [5, 6, 7, 8, 9, 10, 9, 8, 7, 6, 5], f"seat counts went {counts}")
        check(len(SEAT_LINE.findall(p.text)) > 40, "phylo printed suspiciously few tables")
        check(not any(row[5] == "philosopher" for row in ps(m).values()), "philosophers left")
        check_no_semaphores(m)
        for bad in ["phylo 4", "phylo 11", "phylo x"]:
            check("usage: phylo" in m.command(bad), f"{bad!r} printed no usage")


def philosophers(m, phylo):
    return [pid for pid, row in ps(m).items() if row[5] == "philosopher" and row[0] == phylo]


def test_phylo_in_the_background(mm):
    with boot(mm, "apps-phylo-bg") as m, LeakCheck(m):
        m.interleaved = True  # the table's lines print while commands are typed
        # Without a keyboard it dines until its philosophers are killed, then ends.
        phylo = background(m, "&phylo 6")
        m.expect_exact("no keyboard: dining until killed", timeout=10)
        m.expect(r"(?m)^[E.](?: [E.]){5}\r*\n", timeout=10)
        diners = philosophers(m, phylo)
        check(len(diners) == 6, f"&phylo 6 seated {len(diners)}")
        m.command("kill " + " ".join(map(str, diners)))
        m.expect_exact("phylo: the table is empty", timeout=10)
        m.command("echo reported")
        check_no_semaphores(m)

        # Killed alone, it leaves orphans, who must leave by themselves.
        phylo = background(m, "&phylo")
        m.expect(r"(?m)^[E.](?: [E.]){4}\r*\n", timeout=10)
        m.command(f"kill {phylo}")
        wait_until(lambda: not any(row[5] == "philosopher" for row in ps(m).values()),
                   "the orphaned philosophers left")
        check_no_semaphores(m)


def interrupt(m, line, started):
    """Starts line in the foreground, waits for `started`, then Ctrl+C."""
    m.child.send(line + "\r")
    m.expect(started, timeout=20)
    time.sleep(0.5)
    m.child.send("\x03")
    m.expect_exact("^C", timeout=10)
    m.expect_exact(PROMPT, timeout=10)


def test_ctrl_c_leaves_nothing_behind(mm):
    with boot(mm, "apps-ctrl-c") as m, LeakCheck(m):
        interrupt(m, "phylo 10", r"(?m)^[E.](?: [E.]){9}\r*\n")
        interrupt(m, "test processes 50", r"round 1: ")
        interrupt(m, "test sync 100000 1", r"inside the semaphore")
        interrupt(m, "test prio", r"test prio: same priority")
        interrupt(m, "test memory 1000000", r"round 1: ")
        rows = ps(m)
        check(not any(row[0] not in (0, 1) for row in rows.values()),
              f"processes left behind: {rows}")
        check_no_semaphores(m)
        check("alive" in m.command("echo alive"), "the shell stopped answering")


def test_course_command_without_the_course_files(mm):
    with boot(mm, "apps-course") as m:
        out = m.command("course")
        for name in ["mm", "prio", "processes", "sync"]:
            check(re.search(rf"^\s*{name}\s+(built in|missing)", out, re.M),
                  f"course does not list {name}: {out!r}")
        if "missing" in out:
            name = re.search(r"^\s*(\w+)\s+missing", out, re.M).group(1)
            check("is not built in" in m.command(f"course {name} 1"),
                  f"course {name} without its file gave no clear message")
        check("usage: course" in m.command("course frobnicate"), "no usage for a bad name")
