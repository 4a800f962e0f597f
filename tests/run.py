#!/usr/bin/env python3
"""Chalk's test runner: host unit tests and host tests, then in-QEMU tests
for each mm.

    tests/run.py --unit build/unit/test_* --mm buddy firstfit

Unit test binaries are cmocka programs; their TAP output is read so each
test case counts. Host tests are the test_* functions of tests/host/
test_*.py, each run once, on this machine (the bench built for Linux). In-QEMU
tests are the test_* functions of tests/qemu/test_*.py, each run once per
memory manager, two at a time (QEMU under TCG uses one core each). The last
line is "N passed, N failed"; the exit status is non-zero when anything
failed.
"""
import argparse
import concurrent.futures
import importlib
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "qemu"))
sys.path.insert(0, os.path.join(HERE, "host"))

from machine import Skipped  # noqa: E402 (found through the path above)


def run_unit(binary):
    """Runs one cmocka binary; returns a list of (name, ok, detail)."""
    env = dict(os.environ, CMOCKA_MESSAGE_OUTPUT="TAP")
    proc = subprocess.run([binary], env=env, capture_output=True, text=True, timeout=300)
    output = (proc.stdout + proc.stderr)[-3000:]
    results = []
    for line in proc.stdout.splitlines():
        m = re.match(r"(not ok|ok) \d+ - (.*)", line)
        if m:
            ok = m.group(1) == "ok"
            results.append((f"{os.path.basename(binary)}: {m.group(2)}", ok, "" if ok else output))
    if proc.returncode != 0 and all(ok for _, ok, _ in results):
        # Crashed or exited early: whatever passed, the binary as a whole failed.
        results.append((os.path.basename(binary), False, f"exit status {proc.returncode}\n{output}"))
    return results


def tests_in(folder):
    """Yields (module name, function) for every test_* function in tests/<folder>."""
    for filename in sorted(os.listdir(os.path.join(HERE, folder))):
        if filename.startswith("test_") and filename.endswith(".py"):
            module = importlib.import_module(filename[:-3])
            for name in sorted(dir(module)):
                if name.startswith("test_"):
                    yield f"{filename[:-3]}.{name}", getattr(module, name)


def run_test(name, fn, *args):
    start = time.monotonic()
    try:
        fn(*args)
        return name, True, "", time.monotonic() - start
    except Skipped as e:  # neither passed nor failed: said, and not counted
        return name, None, str(e), time.monotonic() - start
    except Exception as e:  # a failed check, a pexpect error, anything: a failure
        return name, False, f"{type(e).__name__}: {e}", time.monotonic() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--unit", nargs="*", default=[])
    parser.add_argument("--mm", nargs="*", default=[])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("-k", dest="filter", default="", help="run only tests whose name contains this")
    args = parser.parse_args()

    passed = failed = 0

    def report(name, ok, detail, seconds=None):
        nonlocal passed, failed
        if ok is None:
            print(f"SKIP {name}: skipped: {detail}", flush=True)
            return
        took = f" ({seconds:.1f} s)" if seconds is not None else ""
        print(f"{'PASS' if ok else 'FAIL'} {name}{took}", flush=True)
        if not ok and detail:
            print("    " + detail.replace("\n", "\n    "), flush=True)
        if ok:
            passed += 1
        else:
            failed += 1

    for binary in args.unit:
        for name, ok, detail in run_unit(binary):
            if args.filter in name:
                report(name, ok, detail)

    for name, fn in tests_in("host"):
        if args.filter in name:
            report(*run_test(name, fn))

    jobs = [(f"{name}[{mm}]", fn, mm) for name, fn in tests_in("qemu") for mm in args.mm
            if args.filter in f"{name}[{mm}]"]
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for result in pool.map(lambda job: run_test(*job), jobs):
            report(*result)

    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
