"""The bench built for Linux (build/bench-linux/init, which make test
builds) keeps working: run on the host as an ordinary process, it reports
every item with a value, except the heap's fragmentation, which glibc does
not tell. Not being pid 1, it returns instead of powering off.

This needs no Linux kernel in QEMU: make bench-linux is where the figures
of that machine are read, and this only keeps the Linux side of the
benchmark's portability layer compiling and running.
"""
import os
import subprocess

from bench_results import Results
from machine import ROOT
from test_boot import check

BENCH = os.path.join(ROOT, "build", "bench-linux", "init")


def test_linux_bench_reports_every_item():
    check(os.access(BENCH, os.X_OK), f"{BENCH} is not built (make test builds it)")
    proc = subprocess.run([BENCH], capture_output=True, text=True, timeout=120)
    out = proc.stdout + proc.stderr
    check(proc.returncode == 0, f"the Linux bench exited with {proc.returncode}:\n{out}")
    results = Results(proc.stdout)
    problems = results.problems(unmeasured={"heap_frag_pct"})
    check(not problems, f"the Linux bench: {'; '.join(problems)}:\n{out}")
    check(results.manager == "glibc", f"the Linux bench did not name glibc's malloc:\n{out}")
