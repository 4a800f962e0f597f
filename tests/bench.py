#!/usr/bin/env python3
"""make bench: boots Chalk headless in QEMU (TCG), runs its `bench` command
and prints its results, "name value unit", one per line, then the boot time
measured here: from QEMU's start to the first prompt on serial.

    tests/bench.py --mm firstfit

docs/performance.md explains every item.
"""
import argparse
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "qemu"))

from machine import PROMPT, Machine  # noqa: E402 (found through the path above)
from test_boot import image  # noqa: E402

RESULT = re.compile(r"^(\w+) ([\d.]+) (\S+)\s*$", re.M)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mm", default="firstfit")
    args = parser.parse_args()
    start = time.monotonic()
    with Machine(image(args.mm, "chalk"), f"bench-{args.mm}") as m:
        m.expect_exact(PROMPT, timeout=120)
        boot_ms = (time.monotonic() - start) * 1000
        out = m.command("bench", timeout=600)
        results = RESULT.findall(out)
        if not results:
            print(f"bench printed no results:\n{out}", file=sys.stderr)
            return 1
        for name, value, unit in results:
            print(f"{name} {value} {unit}")
        print(f"boot_to_prompt_ms {boot_ms:.0f} ms")
        m.child.send("shutdown\r")
        m.wait_exit()
    return 0


if __name__ == "__main__":
    sys.exit(main())
