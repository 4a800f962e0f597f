"""The bench command runs to the end and reports every item with a value.

No timing threshold here (figures depend on the machine): make bench and
docs/performance.md are where the numbers are read. This only keeps the
benchmark working, and checks it leaves nothing behind.
"""
import re

from test_boot import check
from test_processes import LeakCheck, boot

ITEMS = ["tsc_mhz", "syscall_ns", "int80_ns", "yield_ns", "sem_pingpong_us",
         "pipe_pingpong_us", "pipe_throughput_mbs", "spawn_wait_us", "malloc_free_ns",
         "heap_frag_pct"]


def test_bench_reports_every_item(mm):
    with boot(mm, "bench") as m, LeakCheck(m):
        out = m.command("bench", timeout=300)
        results = dict(re.findall(r"^(\w+) ([\d.]+) \S+\s*$", out, re.M))
        for item in ITEMS:
            check(item in results, f"bench did not report {item}:\n{out}")
        for item in ITEMS[:-1]:  # fragmentation may truly be 0
            check(float(results[item]) > 0, f"bench reported {item} = 0:\n{out}")
        check(f"heap manager {mm}" in out, f"bench did not name the heap manager:\n{out}")
        sems = m.command("sem")
        check("no semaphores" in sems, f"bench left semaphores behind:\n{sems}")
