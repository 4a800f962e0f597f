#!/usr/bin/env python3
"""make profile: where does the time go? A sampling profiler for Chalk.

Boots Chalk headless in QEMU (TCG) with QEMU's GDB stub on a socket, types
a command at the shell and, while it runs, stops the machine every few
milliseconds to read one register, the instruction pointer (rip), then lets
it go on. Each sample is charged to the function it fell in, looked up in
the kernel's and userland's symbol tables (kernel addresses are in the
upper half, user ones in the lower half). The result is a flat profile:
the share of samples per function, highest first.

    tests/profile.py --mm firstfit --command "bench" [--interval-ms 2]

A command that prints result lines ("name value unit", as bench does) gets
one profile per line: the samples taken before a line appeared, and after
the one before it, are charged to that line. So `bench` shows where each
item spends its time.

Why sampling through the stub: the guest's clock is stopped while QEMU
holds the machine (TCG counts guest time only while it runs), so the
samples barely disturb what they measure, and nothing in Chalk changes.
"""
import argparse
import bisect
import collections
import os
import re
import socket
import subprocess
import sys
import time

import pexpect

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "qemu"))

from bench_results import LINE  # noqa: E402 (the one reader of "name value unit" lines)
from machine import LOG_DIR, PROMPT, ROOT, Machine  # noqa: E402 (found through the path above)
from test_boot import image  # noqa: E402

# rip in the reply to "g" (all registers, hex, little-endian): after the
# sixteen 8-byte general registers. ("p", one register, QEMU answers only
# to a client that has read its target description.)
RIP_HEX = slice(16 * 16, 17 * 16)


class SymbolTable:
    """Maps an address to the name of the function that contains it."""

    def __init__(self, elf_paths):
        pairs = []
        for path in elf_paths:
            out = subprocess.run(["nm", "-n", "--defined-only", path], capture_output=True,
                                 text=True, check=True).stdout
            for line in out.splitlines():
                fields = line.split()
                if len(fields) == 3 and fields[1] in "tTwW":
                    pairs.append((int(fields[0], 16), fields[2]))
        pairs.sort()
        self.addresses = [a for a, _ in pairs]
        self.names = [n for _, n in pairs]

    def lookup(self, address):
        i = bisect.bisect_right(self.addresses, address) - 1
        return self.names[i] if i >= 0 else f"0x{address:x}"


class GdbStub:
    """The few packets of GDB's remote protocol a sampler needs."""

    def __init__(self, path, timeout=10):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.buffer = b""
        # QEMU pauses the machine when a debugger connects: "?" asks why it
        # stopped, which also skips whatever it said on connecting.
        self.send("?")
        while not self.reply().startswith(("T", "S")):
            pass
        self.send("c")

    def send(self, payload):
        checksum = sum(payload.encode()) % 256
        self.sock.sendall(f"${payload}#{checksum:02x}".encode())

    def reply(self):
        """The next packet's payload (QEMU's '+' acknowledgements skipped)."""
        while True:
            start = self.buffer.find(b"$")
            end = self.buffer.find(b"#", start)
            if start >= 0 and end >= 0 and len(self.buffer) >= end + 3:
                payload = self.buffer[start + 1:end].decode()
                self.buffer = self.buffer[end + 3:]
                self.sock.sendall(b"+")  # received; QEMU resends what is not acknowledged
                return payload
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("QEMU closed the GDB stub")
            self.buffer += chunk

    def request(self, payload):
        self.send(payload)
        return self.reply()

    def stop(self):
        """Interrupts the running machine and waits until it has stopped.

        A ^C that reaches QEMU just after a "c", before the machine is
        running again, is dropped; so it is sent again when no stop reply
        ("T02...") came in 200 ms.
        """
        for _ in range(50):
            self.sock.sendall(b"\x03")
            self.sock.settimeout(0.2)
            try:
                while not self.reply().startswith(("T", "S")):
                    pass
                return
            except TimeoutError:
                continue
            finally:
                self.sock.settimeout(10)
        raise TimeoutError("QEMU does not stop")

    def sample_rip(self):
        """Stops the machine, reads rip, and lets it run again."""
        self.stop()
        value = bytes.fromhex(self.request("g")[RIP_HEX])
        self.send("c")
        return int.from_bytes(value, "little")


def profile(machine, stub, command, interval, timeout):
    """Runs command; returns (samples as (output offset, rip), output)."""
    samples = []
    output = ""
    machine.child.send(command + "\r")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        samples.append((len(output), stub.sample_rip()))
        try:
            output += machine.child.read_nonblocking(65536, timeout=interval)
        except pexpect.TIMEOUT:  # nothing printed in this interval
            pass
        if re.search(re.escape(PROMPT) + r"\S*$", output):  # the prompt, then its colour reset
            return samples, output
    raise TimeoutError(f"{command!r} did not finish within {timeout} s")


def phases(samples, output):
    """Groups samples by the result line printed next after them."""
    marks = [(m.end(), m.group(1)) for m in LINE.finditer(output)]
    groups = collections.defaultdict(list)
    for offset, rip in samples:
        name = next((n for end, n in marks if end > offset), "(after the last result)")
        groups[name].append(rip)
    order = [n for _, n in marks] + ["(after the last result)"]
    return [(n, groups[n]) for n in order if groups[n]] or [("all", [r for _, r in samples])]


def print_profile(title, rips, symbols, top):
    counts = collections.Counter(symbols.lookup(r) for r in rips)
    print(f"== {title}: {len(rips)} samples")
    for name, count in counts.most_common(top):
        print(f"  {100 * count / len(rips):5.1f}%  {count:6d}  {name}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--mm", default="firstfit")
    parser.add_argument("--command", default="bench")
    parser.add_argument("--interval-ms", type=float, default=2.0)
    parser.add_argument("--top", type=int, default=12)
    parser.add_argument("--timeout", type=int, default=900)
    args = parser.parse_args()

    symbols = SymbolTable([os.path.join(ROOT, "build", args.mm, "kernel.elf"),
                           os.path.join(ROOT, "build", "userland", "userland.elf")])
    stub_path = os.path.join(LOG_DIR, f"profile-{args.mm}.gdb")
    if os.path.exists(stub_path):
        os.unlink(stub_path)
    extra = ["-chardev", f"socket,id=gdb,path={stub_path},server=on,wait=off",
             "-gdb", "chardev:gdb"]
    with Machine(image(args.mm, "chalk"), f"profile-{args.mm}", extra=extra) as m:
        m.expect_exact(PROMPT, timeout=120)
        stub = GdbStub(stub_path)
        samples, output = profile(m, stub, args.command, args.interval_ms / 1000, args.timeout)
        print(output[:output.rfind(PROMPT)].strip())
        for title, rips in phases(samples, output):
            print_profile(title, rips, symbols, args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
