#!/usr/bin/env python3
"""make bench and make bench-linux: boots a kernel headless in QEMU (TCG),
runs the bench program in it and prints its lines, "name value unit", then
the boot time measured here, from QEMU's start.

    tests/bench.py --mm firstfit                            Chalk
    tests/bench.py --linux build/bench-linux/initramfs.cpio Linux

Chalk boots from its image and bench is typed at the shell; boot_to_prompt_ms
ends at the first prompt. Linux (the newest /boot/vmlinuz-*, or --kernel) is
started by QEMU itself with our initramfs, whose /init is the bench; it
powers the machine off when done, and boot_to_prompt_ms ends at the first
line /init prints. Both run in the same Machine (tests/qemu/machine.py): one
CPU, TCG, 256 MiB, the same devices. docs/performance.md explains every item.
"""
import argparse
import glob
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "qemu"))

from bench_results import LINE, Results  # noqa: E402
from machine import PROMPT, Machine, TestFailure  # noqa: E402 (found through the path above)
from test_boot import image  # noqa: E402

BENCH_TIMEOUT = 600
CHALK_BOOT_TIMEOUT = 120
LINUX_BOOT_TIMEOUT = 300  # TCG takes 12-20 s to reach init on an idle host
# quiet: the kernel's messages would share the console with the bench's lines.
# panic=-1: should /init ever end, the kernel panics and restarts at once,
# which -no-reboot turns into QEMU exiting.
LINUX_COMMAND_LINE = "console=ttyS0 quiet panic=-1"


def boot_and_bench(machine, ready, boot_timeout, bench):
    """Starts machine() (a Machine), waits for the regular expression ready,
    which ends the boot time, then returns the Results of bench(m), which
    runs the bench and returns its output."""
    start = time.monotonic()
    with machine() as m:
        m.expect(ready, timeout=boot_timeout)
        boot_ms = (time.monotonic() - start) * 1000
        output = bench(m)
    results = Results(output)
    if not results.items:
        raise TestFailure(f"the bench printed no results:\n{output}\n(full log: {m.log_path})")
    results.add("boot_to_prompt_ms", f"{boot_ms:.0f}", "ms")
    return results


def run_chalk(mm):
    def bench(m):
        output = m.command("bench", timeout=BENCH_TIMEOUT)
        m.child.send("shutdown\r")
        m.wait_exit()
        return output

    return boot_and_bench(lambda: Machine(image(mm, "chalk"), f"bench-{mm}"),
                          re.escape(PROMPT), CHALK_BOOT_TIMEOUT, bench)


def newest_kernel():
    """The newest /boot/vmlinuz-*, comparing versions number by number."""
    kernels = glob.glob("/boot/vmlinuz-*")
    if not kernels:
        raise TestFailure("no Linux kernel in /boot: toolchain/deps.sh bench-linux installs one")
    return max(kernels, key=lambda path: [int(part) if part.isdigit() else part
                                          for part in re.split(r"(\d+)", path)])


def run_linux(initramfs, kernel):
    if not os.access(kernel, os.R_OK):
        raise TestFailure(f"{kernel} is not readable by this user (some distributions keep it "
                          f"for root alone: sudo chmod a+r {kernel})")
    boot = ["-kernel", kernel, "-initrd", initramfs, "-append", LINUX_COMMAND_LINE]

    def bench(m):
        first = m.child.after  # the first line, which ended the boot time
        m.wait_exit(timeout=BENCH_TIMEOUT)
        return first + m.child.before

    return boot_and_bench(lambda: Machine(None, "bench-linux", extra=boot),
                          LINE, LINUX_BOOT_TIMEOUT, bench)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mm", default="firstfit", help="Chalk's heap manager")
    parser.add_argument("--linux", metavar="INITRAMFS", help="boot Linux with this instead")
    parser.add_argument("--kernel", help="Linux's kernel (default: the newest /boot/vmlinuz-*)")
    args = parser.parse_args()
    try:
        if args.linux:
            results = run_linux(args.linux, args.kernel or newest_kernel())
        else:
            results = run_chalk(args.mm)
    except TestFailure as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    print(results.lines())
    return 0


if __name__ == "__main__":
    sys.exit(main())
