#!/usr/bin/env python3
"""Writes the initramfs that make bench-linux boots Linux with: one program
as /init, plus /dev/console (where the kernel opens init's stdin, stdout
and stderr) and the empty directories /dev and /proc.

    toolchain/mkinitramfs.py INIT OUTPUT

The format is the kernel's "newc" cpio (Documentation/driver-api/
early-userspace/buffer-format.rst in Linux): each entry is a 110-byte ASCII
header, "070701" then 13 fields of 8 hex digits, then the name with its NUL,
padded to a multiple of 4 bytes, then the data, padded the same way. An
entry named TRAILER!!! ends the archive. Written here, rather than with
cpio, so neither the cpio package nor root (for the device node) is needed.
Every time stamp is 0, so the same program gives the same archive.
"""
import stat
import sys

MAGIC = b"070701"
CONSOLE = (5, 1)  # /dev/console's major and minor numbers


def pad4(data):
    return data + b"\0" * (-len(data) % 4)


def entry(ino, name, mode, data=b"", rdev=(0, 0)):
    """One archive member: header, name and data, each padded to 4 bytes."""
    name = name.encode() + b"\0"
    nlink = 2 if stat.S_ISDIR(mode) else 1
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, rdev[0], rdev[1], len(name), 0]
    header = MAGIC + b"".join(b"%08x" % f for f in fields)
    return pad4(header + name) + pad4(data)


def initramfs(init):
    members = [
        ("dev", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("dev/console", stat.S_IFCHR | 0o600, b"", CONSOLE),
        ("proc", stat.S_IFDIR | 0o755, b"", (0, 0)),
        ("init", stat.S_IFREG | 0o755, init, (0, 0)),
    ]
    archive = b"".join(entry(ino, *member) for ino, member in enumerate(members, start=1))
    return archive + entry(0, "TRAILER!!!", 0)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: mkinitramfs.py INIT OUTPUT")
    with open(sys.argv[1], "rb") as f:
        init = f.read()
    with open(sys.argv[2], "wb") as f:
        f.write(initramfs(init))


if __name__ == "__main__":
    main()
