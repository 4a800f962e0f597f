#!/usr/bin/env python3
"""Build the kernel symbol table embedded in the .ksyms section.

Reads `nm -n --defined-only` output on stdin and writes the binary table
that kernel/lib/ksyms.c searches:

    "KSYM" u32 count | { u64 address, u32 name offset, u32 0 } * count | names

Only code symbols (nm types T/t/W/w in the higher half) are kept: a backtrace
names functions. Entries are sorted by address; names are NUL-terminated.
"""
import struct
import sys

KERNEL_VMA = 0xFFFFFFFF80000000
CODE_TYPES = set("TtWw")


def code_symbols(lines):
    """One name per address. Where several share an address, a function's
    own name beats a linker-script marker such as __text_start."""
    by_address = {}
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or parts[1] not in CODE_TYPES:
            continue
        address, name = int(parts[0], 16), parts[2]
        if address < KERNEL_VMA:
            continue  # boot code runs at its physical address, before paging
        current = by_address.get(address)
        if current is None or (current.startswith("__") and not name.startswith("__")):
            by_address[address] = name
    return by_address.items()


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: mksyms.py OUTPUT.bin < nm-output")
    symbols = sorted(code_symbols(sys.stdin))
    names = bytearray()
    entries = bytearray()
    for address, name in symbols:
        entries += struct.pack("<QII", address, len(names), 0)
        names += name.encode() + b"\0"
    with open(sys.argv[1], "wb") as out:
        out.write(b"KSYM" + struct.pack("<I", len(symbols)) + entries + names)


if __name__ == "__main__":
    main()
