"""Drive a Chalk machine in QEMU over its serial console.

A Machine starts QEMU headless with COM1 on a pseudo-terminal that pexpect
reads and writes. Every wait has a timeout, and QEMU is always ended: by the
kernel powering off (ACPI), or by close(), which the context manager calls
even when a test fails.

    with Machine(iso, name="boot-cdrom-buddy") as m:
        m.expect(PROMPT)
        m.command("mem")
        ...
"""
import os
import pty
import re
import shutil
import signal
import socket
import subprocess
import time
import tty

import pexpect
import pexpect.fdpexpect

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
LOG_DIR = os.path.join(ROOT, "build", "test-logs")
OVMF_CODE = "/usr/share/OVMF/OVMF_CODE_4M.fd"
OVMF_VARS = "/usr/share/OVMF/OVMF_VARS_4M.fd"

BOOT_TIMEOUT = 60  # TCG on a busy CI machine; a BIOS boot usually takes ~1 s
PROMPT = "chalk:~$ "


class TestFailure(Exception):
    """A check failed; the message says what was expected and what was seen."""


class Skipped(Exception):
    """The test cannot run here (a tool is missing); the message says why."""


def media_args(iso, media):
    """QEMU arguments that attach the image as the given kind of boot device."""
    if media == "cdrom":
        return ["-drive", f"file={iso},media=cdrom,if=ide,readonly=on", "-boot", "order=d"]
    if media == "disk":
        return ["-drive", f"file={iso},format=raw,if=ide,snapshot=on", "-boot", "order=c"]
    if media == "usb":
        return ["-device", "qemu-xhci",
                "-drive", f"if=none,id=stick,format=raw,file={iso},snapshot=on",
                "-device", "usb-storage,drive=stick,bootindex=0"]
    raise ValueError(f"unknown media {media!r}")


def firmware_args(firmware, name):
    if firmware == "bios":
        return []
    if firmware == "uefi":
        vars_copy = os.path.join(LOG_DIR, f"{name}.ovmf-vars.fd")
        shutil.copyfile(OVMF_VARS, vars_copy)
        return ["-drive", f"if=pflash,format=raw,readonly=on,file={OVMF_CODE}",
                "-drive", f"if=pflash,format=raw,file={vars_copy}"]
    raise ValueError(f"unknown firmware {firmware!r}")


def read_until(sock, marker):
    data = b""
    while marker not in data:
        chunk = sock.recv(4096)
        if not chunk:
            raise TestFailure(f"QEMU monitor closed before {marker!r}")
        data += chunk
    return data


def wait_until(condition, what, timeout=20):
    """Polls condition() until it holds; a TestFailure naming what after timeout s."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise TestFailure(f"timed out after {timeout} s waiting until {what}")
        time.sleep(0.2)


class Machine:
    """QEMU with one CPU under TCG (its defaults), 256 MiB, serial on stdio.

    iso is booted as media; None attaches no image, for a machine whose
    extra arguments say what to boot (make bench-linux: -kernel, -initrd).
    """

    def __init__(self, iso, name, media="cdrom", firmware="bios", memory="256M", extra=()):
        os.makedirs(LOG_DIR, exist_ok=True)
        self.name = name
        self.log_path = os.path.join(LOG_DIR, f"{name}.log")
        # The QEMU monitor listens on a socket of its own, for screendump.
        self.monitor_path = os.path.join(LOG_DIR, f"{name}.monitor")
        if os.path.exists(self.monitor_path):
            os.unlink(self.monitor_path)
        # signal=off: a Ctrl+C the test types goes to Chalk, not to QEMU.
        args = ["-m", memory, "-display", "none",
                "-chardev", "stdio,id=console,signal=off", "-serial", "chardev:console",
                "-monitor", f"unix:{self.monitor_path},server=on,wait=off",
                "-no-reboot", "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04"]
        args += firmware_args(firmware, name) + (media_args(iso, media) if iso else [])
        args += list(extra)
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.log.write("qemu-system-x86_64 " + " ".join(args) + "\n")
        self.child = pexpect.spawn("qemu-system-x86_64", args, encoding="utf-8",
                                   codec_errors="replace", timeout=BOOT_TIMEOUT)
        self.child.logfile_read = self.log

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _fail(self, what):
        tail = self.child.before[-800:] if isinstance(self.child.before, str) else ""
        raise TestFailure(f"{what}; last output:\n{tail}\n(full log: {self.log_path})")

    def expect(self, pattern, timeout=BOOT_TIMEOUT):
        """Waits for pattern (a regular expression); returns the match."""
        try:
            self.child.expect(pattern, timeout=timeout)
        except pexpect.TIMEOUT:
            self._fail(f"timed out after {timeout} s waiting for {pattern!r}")
        except pexpect.EOF:
            self._fail(f"QEMU exited while waiting for {pattern!r}")
        return self.child.match

    def expect_exact(self, text, timeout=BOOT_TIMEOUT):
        return self.expect(re.escape(text), timeout)

    def output_until(self, text, timeout=BOOT_TIMEOUT):
        """Waits for text and returns everything printed before it."""
        self.expect_exact(text, timeout)
        return self.child.before

    # Set while a background job prints: the shell echoes each typed key as
    # it reads it, so the job's lines may fall between the echo's letters.
    interleaved = False

    def command(self, line, prompt=PROMPT, timeout=30):
        """Types a command line and returns its output up to the next prompt."""
        self.child.send(line + "\r")
        if self.interleaved:  # the echo's letters in order, anything between
            self.expect(r"[\s\S]*?".join(map(re.escape, line)), timeout)
        else:
            self.expect_exact(line, timeout)  # the echo
        return self.output_until(prompt, timeout)

    def monitor(self, command):
        """Runs a QEMU monitor command (e.g. "sendkey a") and returns its reply."""
        with socket.socket(socket.AF_UNIX) as mon:
            mon.settimeout(10)
            mon.connect(self.monitor_path)
            read_until(mon, b"(qemu) ")  # the greeting
            mon.sendall(command.encode() + b"\n")
            return read_until(mon, b"\n(qemu) ").decode(errors="replace")

    def type_keys(self, keys):
        """Presses keys on the emulated PS/2 keyboard (QEMU key names)."""
        for key in keys:
            self.monitor(f"sendkey {key}")

    def screendump(self):
        """The screen as (width, height, rows of (r, g, b) tuples)."""
        path = os.path.join(LOG_DIR, f"{self.name}.ppm")
        self.monitor(f"screendump {path}")
        with open(path, "rb") as f:
            magic, size, maxval, pixels = f.read().split(b"\n", 3)
        width, height = map(int, size.split())
        rows = [[tuple(pixels[(y * width + x) * 3:(y * width + x) * 3 + 3]) for x in range(width)]
                for y in range(height)]
        return width, height, rows

    def wait_exit(self, timeout=30):
        """Waits for QEMU to exit on its own; returns its exit status.
        What it printed since the last expect is left in self.child.before."""
        try:
            self.child.expect(pexpect.EOF, timeout=timeout)
        except pexpect.TIMEOUT:
            self._fail(f"QEMU did not exit within {timeout} s")
        self.child.close()
        return self.child.exitstatus

    def close(self):
        if self.child.isalive():
            self.child.terminate(force=True)
        self.child.close(force=True)
        self.log.close()


BOCHSRC = os.path.join(ROOT, "toolchain", "bochsrc")
BOCHS_CONTINUE = os.path.join(ROOT, "toolchain", "bochs-continue.rc")


class Bochs(Machine):
    """Chalk in Bochs, booted from iso as a CD-ROM, driven like a Machine.

    The repository's bochsrc with three changes: the CD is iso, the screen is
    a VNC (rfb) display nobody connects to (Debian's Bochs has no headless
    display), and COM1 is a pseudo-terminal (mode=term) whose other end the
    test reads and writes, so the shell is reached over serial as in QEMU.
    Bochs has no debug-exit device: close() ends it.
    """

    def __init__(self, iso, name):
        if not shutil.which("bochs"):
            raise Skipped("bochs not installed")
        os.makedirs(LOG_DIR, exist_ok=True)
        self.name = name
        self.log_path = os.path.join(LOG_DIR, f"{name}.log")
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.master, slave = pty.openpty()
        tty_path = os.ttyname(slave)
        tty.setraw(slave)  # no echo, no line editing: bytes pass as they are
        self.slave = slave
        args = ["bochs", "-q", "-f", BOCHSRC, "-rc", BOCHS_CONTINUE,
                f"ata0-master: type=cdrom, path={iso}, status=inserted",
                f"com1: enabled=1, mode=term, dev={tty_path}"]
        # The screen: bochsrc's X display on a virtual X server. (Bochs' VNC
        # display, the other headless choice, stalled boots for minutes now
        # and then under load.)
        if not shutil.which("xvfb-run"):
            raise Skipped("xvfb-run not installed (toolchain/deps.sh installs xvfb)")
        args = ["xvfb-run", "--auto-servernum"] + args
        env = dict(os.environ, BXSHARE=os.environ.get("BXSHARE", "/usr/share/bochs"))
        self.log.write(" ".join(args) + "\n")
        # Bochs' own messages go straight to a file: nobody reads them, and
        # a pipe left unread would fill and stop Bochs in the middle of a boot.
        self.bochs_log = open(os.path.join(LOG_DIR, f"{name}.bochs.log"), "w")
        # A session of its own: close() ends xvfb-run, Xvfb and Bochs together.
        self.bochs = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL,
                                      stdout=self.bochs_log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        self.child = pexpect.fdpexpect.fdspawn(self.master, encoding="utf-8",
                                               codec_errors="replace", timeout=BOOT_TIMEOUT)
        self.child.logfile_read = self.log

    def close(self):
        try:
            os.killpg(self.bochs.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.bochs.wait(timeout=30)
        self.bochs_log.close()
        os.close(self.slave)
        self.child.close()
        self.log.close()

