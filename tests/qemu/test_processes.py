"""In-QEMU tests of processes, the scheduler, system calls and the shell.

Every test drives the shell over the serial console. After each program a
leak check compares `mem` and the number of processes in `ps` with what
they were before: ending a process, however it ends, must give back
everything it held.
"""
import re

from machine import PROMPT, Machine
from test_boot import check, image

# A name may hold spaces (spawn takes any): it is the rest of the row.
PS_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+(\d)\s+(\w+)\s+(fg|bg)\s+(\d+)\s+(\S.*?)\s*$", re.M)


def ps(m):
    """{pid: (ppid, prio, state, fg/bg, cpu, name)} of every process but ps itself."""
    rows = {int(r[0]): (int(r[1]), int(r[2]), r[3], r[4], int(r[5]), r[6])
            for r in PS_ROW.findall(m.command("ps"))}
    return {pid: row for pid, row in rows.items() if row[5] != "ps"}


def memory_figures(m):
    """The figures of `mem` that must come back after a program ends."""
    out = m.command("mem")
    return [line.strip() for line in out.splitlines()
            if re.match(r"\s*(used|free|largest free|physical memory|kernel heap)", line)]


class LeakCheck:
    """with LeakCheck(m): ... fails when memory or the process count changed."""

    def __init__(self, m):
        self.m = m

    def __enter__(self):
        self.memory = memory_figures(self.m)
        self.count = len(ps(self.m))

    def __exit__(self, kind, *rest):
        if kind:
            return False
        after = memory_figures(self.m)
        check(after == self.memory, f"memory leaked:\nbefore {self.memory}\nafter  {after}")
        count = len(ps(self.m))
        check(count == self.count, f"{count} processes after, {self.count} before")


def boot(mm, name):
    m = Machine(image(mm, "chalk"), f"{name}-{mm}")
    m.expect_exact(PROMPT)
    return m


def background(m, line):
    """Starts line in the background and returns the pid the shell reports."""
    return int(re.search(r"\[(\d+)\]", m.command(line)).group(1))


def test_ps_shows_init_and_shell(mm):
    with boot(mm, "ps") as m:
        names = {row[5]: (pid, row) for pid, row in ps(m).items()}
        check("init" in names and names["init"][0] == 1, f"init is not pid 1: {names}")
        check("shell" in names, f"no shell in ps: {names}")
        check(names["shell"][1][0] == 1, "the shell's parent is not init")
        check(names["init"][1][1] == 2, "init does not have the default priority 2")


def test_background_loop_nice_block_kill(mm):
    with boot(mm, "jobs") as m, LeakCheck(m):
        pid = background(m, "loop -s 1 &")
        m.expect(rf"loop: pid {pid} says hello", timeout=10)
        rows = ps(m)
        check(pid in rows and rows[pid][5] == "loop", f"loop {pid} not in ps: {rows}")
        check(rows[pid][3] == "bg", "a background job shows as foreground")
        check(rows[pid][1] == 2, "a new process does not start at priority 2")

        m.command(f"nice {pid} 0")
        check(ps(m)[pid][1] == 0, "nice did not change the priority")
        out = m.command(f"nice {pid} 9")
        check("usage" in out.lower() or "invalid" in out.lower(), f"nice 9 accepted: {out}")

        m.command(f"block {pid}")
        check(ps(m)[pid][2] == "BLOCKED", "block did not block")
        m.command(f"block {pid}")
        check(ps(m)[pid][2] != "BLOCKED", "block did not unblock a blocked process")

        m.command(f"kill {pid}")
        check(pid not in ps(m), "kill did not remove the process")
        out = m.command(f"kill {pid}")
        check("no such process" in out.lower(), f"killing a dead pid: {out!r}")
        out = m.command("kill")
        check("usage" in out.lower(), f"kill without a pid: {out!r}")


def test_ctrl_c_stops_the_foreground_job(mm):
    with boot(mm, "ctrl-c") as m, LeakCheck(m):
        m.child.send("loop -s 1\r")
        m.expect(r"loop: pid (\d+) says hello", timeout=10)
        m.child.send("\x03")
        m.expect_exact("^C", timeout=10)
        m.expect_exact(PROMPT, timeout=10)
        check(not any(row[5] == "loop" for row in ps(m).values()), "loop survived Ctrl+C")
        # The shell itself ignores Ctrl+C: the line is dropped, the shell stays.
        m.child.send("echo not run\x03")
        m.expect_exact(PROMPT, timeout=10)
        out = m.command("echo alive")
        check("alive" in out and "not run" not in out.replace("echo not run", ""),
              f"the shell misbehaved after Ctrl+C at its prompt: {out!r}")


# What `fault KIND` must be killed for: the access, the address and the reason
# (a kind of every reason; test robust runs them all and checks the status).
FAULTS = {
    "null": r"page fault writing 0x0 \(NULL pointer\) at rip 0x[0-9a-f]+",
    "jump-null": r"page fault executing 0x0 \(NULL pointer\) at rip 0x0",
    "unmapped": r"page fault writing 0x700000000000 \(unmapped page\) at rip",
    "kernel": r"page fault writing 0xffffffff8[0-9a-f]+ \(kernel memory\) at rip",
    "read-kernel": r"page fault reading 0xffffffff8[0-9a-f]+ \(kernel memory\) at rip",
    "jump-kernel": r"page fault executing 0xffffffff8[0-9a-f]+ \(kernel memory\) "
                   r"at rip 0xffffffff8",
    "write-code": r"page fault writing 0x4[0-9a-f]+ \(write to read-only page\) at rip",
    "exec-stack": r"page fault executing 0x7ffe[0-9a-f]+ \(non-executable page\) at rip 0x7ffe",
    "exec-heap": r"page fault executing 0x1[0-9a-f]{8} \(non-executable page\) at rip 0x1",
    "divide": r"divide error at rip",
    "opcode": r"invalid opcode at rip",
    "hlt": r"general protection fault at rip",
    "x87": r"floating-point exception at rip",
    "single-step": r"Debug \(#DB\) at rip",
    "breakpoint": r"breakpoint at rip",
    "stack": r"page fault writing 0x7ffe[0-9a-f]+ \(stack overflow\) at rip",
}


def test_faulting_programs_die_alone(mm):
    with boot(mm, "faults") as m, LeakCheck(m):
        for kind, message in FAULTS.items():
            out = m.command(f"fault {kind}")
            check(re.search(rf"fault\[\d+\]: killed: {message}", out),
                  f"fault {kind}: no kill message in {out!r}")
            check("PANIC" not in out, f"fault {kind} panicked the kernel")
        check("still here" in m.command("echo still here"), "the shell stopped answering")


def test_syscalls_reject_bad_arguments(mm):
    with boot(mm, "syscalls") as m, LeakCheck(m):
        out = m.command("test syscalls", timeout=60)
        result = re.search(r"test syscalls: (\d+) passed, (\d+) failed", out)
        check(result, f"no summary from test syscalls:\n{out}")
        check(int(result.group(2)) == 0, f"test syscalls failed:\n{out}")
        check(int(result.group(1)) >= 50, "test syscalls ran suspiciously few checks")


def test_shell_parses_and_reports_errors(mm):
    with boot(mm, "shell") as m:
        check("a b  c" in m.command("echo 'a b  c'"), "quotes did not keep spaces")
        check("a 'b' c" in m.command("echo \"a 'b' c\""), "double quotes")
        for bad in ["| echo", "echo |", "echo 'open", "echo & &"]:
            out = m.command(bad)
            check("chalk:" in out or "error" in out.lower(), f"no syntax error for {bad!r}: {out!r}")
        out = m.command("help")
        for name in ["help", "man", "ps", "mem", "loop", "kill", "nice", "block", "echo", "clear",
                     "uptime", "shutdown", "reboot"]:
            check(re.search(rf"^\s*{name}\s+\S", out, re.M), f"help does not list {name}")
        check("usage" in m.command("man").lower(), "man without an argument gives no usage")
        check("loop" in m.command("man loop"), "man loop says nothing about loop")
        pid = background(m, "&loop -s 5")
        check(pid in ps(m), "'&loop' did not start loop in the background")
        m.command(f"kill {pid}")


def test_corrupting_the_user_heap_does_not_hurt_the_kernel(mm):
    """Programs can write over the heap's links and headers; the kernel must not care."""
    with boot(mm, "heap-scribble") as m:
        out = m.command("fault heap", timeout=60)
        check("the kernel survived" in out, f"fault heap did not finish: {out!r}")
        check("PANIC" not in out, "corrupting the user heap panicked the kernel")
        check("still here" in m.command("echo still here"), "the shell stopped answering")
        # The damage was found, and the heap refuses service rather than trusting it.
        out = m.command("mem")
        check("POISONED" in out, f"mem does not report the poisoned heap: {out!r}")
        check("uptime" in m.command("man uptime"), "programs no longer run")


def test_init_restarts_a_killed_shell(mm):
    with boot(mm, "respawn") as m:
        shell = next(pid for pid, row in ps(m).items() if row[5] == "shell")
        m.child.send(f"kill {shell}\r")
        m.expect(r"init: the shell ended", timeout=10)
        m.expect_exact(PROMPT, timeout=10)
        shells = [pid for pid, row in ps(m).items() if row[5] == "shell"]
        check(len(shells) == 1 and shells[0] != shell, f"no new shell: {shells}")
        check("again" in m.command("echo again"), "the new shell does not answer")
