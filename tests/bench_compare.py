#!/usr/bin/env python3
"""make bench-compare: the bench on Chalk, then the same bench on Linux in
the same QEMU configuration (tests/bench.py runs both), as one table: item,
Chalk, Linux, ratio. The two machines run one after the other, so neither
slows the other down.

    tests/bench_compare.py --mm firstfit --initramfs build/bench-linux/initramfs.cpio

The ratio says how many times better Chalk does: Linux / Chalk for times,
Chalk / Linux for throughput. Above 1 Chalk is ahead, below 1 Linux is.
"-" marks an item one side cannot measure, and the ratio of tsc_mhz, which
is the clock's rate rather than a performance.
"""
import argparse
import os
import sys

from bench import newest_kernel, run_chalk, run_linux
from bench_results import ITEMS, MISSING
from machine import TestFailure  # tests/qemu is on the path: bench put it there

HIGHER_IS_BETTER = {"MiB/s"}
NOT_A_PERFORMANCE = {"MHz"}


def ratio(unit, chalk, linux):
    if unit in NOT_A_PERFORMANCE or not chalk or not linux:
        return MISSING
    return f"{chalk / linux if unit in HIGHER_IS_BETTER else linux / chalk:.2f}"


def cell(results, item):
    value, unit = results.items.get(item, (MISSING, ""))
    return value if value == MISSING else f"{value} {unit}"


def table(chalk, linux, mm, kernel):
    header = ("item", f"Chalk ({mm})", f"Linux {kernel}", "ratio")
    rows = []
    for item in ITEMS + ["boot_to_prompt_ms"]:
        unit = chalk.items.get(item, linux.items.get(item, (None, "")))[1]
        rows.append((item, cell(chalk, item), cell(linux, item),
                     ratio(unit, chalk.value(item), linux.value(item))))
    rows.append(("heap manager", chalk.manager or MISSING, linux.manager or MISSING, ""))
    widths = [max(len(row[i]) for row in [header] + rows) for i in range(len(header))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(row, widths)).rstrip()
             for row in [header] + rows]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mm", default="firstfit", help="Chalk's heap manager")
    parser.add_argument("--initramfs", required=True, help="Linux's, with the bench as /init")
    parser.add_argument("--kernel", help="Linux's kernel (default: the newest /boot/vmlinuz-*)")
    args = parser.parse_args()
    try:
        kernel = args.kernel or newest_kernel()
        chalk = run_chalk(args.mm)
        linux = run_linux(args.initramfs, kernel)
    except TestFailure as e:
        print(f"bench-compare: {e}", file=sys.stderr)
        return 1
    print(table(chalk, linux, args.mm, os.path.basename(kernel).removeprefix("vmlinuz-")))
    print("\nratio: how many times better Chalk does (Linux/Chalk for times, Chalk/Linux for "
          "MiB/s);\nabove 1 Chalk is ahead. boot_to_prompt_ms: Chalk to its shell's prompt, "
          "Linux to /init's first line.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
