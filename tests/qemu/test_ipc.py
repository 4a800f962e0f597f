"""In-QEMU tests of pipes and pipelines in the shell.

Every stage of a pipeline runs at the same time, joined by kernel pipes;
the whole pipeline is one job that Ctrl+C ends, and nothing (process, pipe,
memory) is left behind however it ends.
"""
import re
import time

from machine import PROMPT
from test_boot import check
from test_processes import LeakCheck, background, boot, ps


def no_pipes_left(m):
    out = m.command("pipes")
    check("no pipes" in out, f"pipes left behind:\n{out}")


def test_pipelines_carry_data(mm):
    with boot(mm, "pipes") as m, LeakCheck(m):
        out = m.command("echo hello | wc")
        check(re.search(r"^1 1 6\s*$", out, re.M), f"echo hello | wc printed {out!r}")
        out = m.command("echo hello world | filter | wc")
        check(re.search(r"^1 2 9\s*$", out, re.M), f"a three-stage pipeline printed {out!r}")
        out = m.command("echo Education is a progressive discovery | filter")
        check("dctn s  prgrssv dscvry" in out, f"filter printed {out!r}")
        out = m.command("echo a | cat | cat | cat | cat | cat | cat | wc")
        check(re.search(r"^1 1 2\s*$", out, re.M), f"an eight-stage pipeline printed {out!r}")
        no_pipes_left(m)


def test_cat_filter_typed_interactively_then_ctrl_d(mm):
    with boot(mm, "cat-filter") as m, LeakCheck(m):
        m.child.send("cat | filter\r")
        m.expect_exact("cat | filter", timeout=10)
        # Each line comes out filtered as soon as it is typed: the stages run together.
        for line, filtered in (("abracadabra", "brcdbr"), ("Operating Systems", "prtng Systms")):
            m.child.send(line + "\r")
            m.expect_exact(filtered, timeout=10)
        m.child.send("\x04")  # Ctrl+D: cat sees end of file, then filter, then the shell
        m.expect_exact(PROMPT, timeout=10)
        check("alive" in m.command("echo alive"), "the shell did not come back after Ctrl+D")
        no_pipes_left(m)


def test_ctrl_c_kills_the_whole_pipeline(mm):
    with boot(mm, "pipe-ctrl-c") as m, LeakCheck(m):
        m.child.send("loop -s 1 | filter | cat\r")
        m.expect(r"lp: pd \d+ sys hll", timeout=10)  # loop's greeting, filtered
        m.child.send("\x03")
        m.expect_exact("^C", timeout=10)
        m.expect_exact(PROMPT, timeout=10)
        names = [row[5] for row in ps(m).values()]
        check(not {"loop", "filter", "cat"} & set(names), f"stages survived Ctrl+C: {names}")
        no_pipes_left(m)


def test_background_pipeline_reports_once(mm):
    with boot(mm, "pipe-bg") as m, LeakCheck(m):
        leader = background(m, "loop -s 1 | filter &")
        m.expect(r"lp: pd \d+ sys hll", timeout=10)
        rows = ps(m)
        stages = {pid: row for pid, row in rows.items() if row[5] in ("loop", "filter")}
        check(len(stages) == 2 and leader in stages and stages[leader][5] == "filter",
              f"the job's leader should be its last stage: {stages}")
        check(all(row[3] == "bg" for row in stages.values()), "a background stage is foreground")
        out = m.command("pipes")
        check(re.search(r"\s1\s+1\s*$", out, re.M), f"pipes should show 1 reader, 1 writer:\n{out}")
        # Killing the reader leaves loop writing into a pipe without readers:
        # EPIPE, and loop ends; the job is reported once, with the leader's status.
        m.command(f"kill {leader}")
        for _ in range(20):
            out = m.command("echo tick")
            if "done" in out:
                break
            time.sleep(0.5)
        check(re.search(rf"\[{leader}\] done \(status -1: killed\)", out),
              f"the background job was not reported: {out!r}")
        check(out.count("done") == 1, f"the job was reported more than once: {out!r}")
        no_pipes_left(m)
