"""The bench command runs to the end and reports every item with a value.

No timing threshold here (figures depend on the machine): make bench and
docs/performance.md are where the numbers are read. This only keeps the
benchmark working, and checks it leaves nothing behind.
"""
from bench_results import Results
from test_boot import check
from test_processes import LeakCheck, boot


def test_bench_reports_every_item(mm):
    with boot(mm, "bench") as m, LeakCheck(m):
        out = m.command("bench", timeout=300)
        results = Results(out)
        problems = results.problems()
        check(not problems, f"bench: {'; '.join(problems)}:\n{out}")
        check(results.manager == mm, f"bench did not name the heap manager {mm}:\n{out}")
        sems = m.command("sem")
        check("no semaphores" in sems, f"bench left semaphores behind:\n{sems}")
