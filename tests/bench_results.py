"""What the bench program prints, on Chalk and on Linux alike, read in one
place for make bench, make bench-linux, make bench-compare and the tests.

One line per item, "name value unit", or "name - unit" when the platform
cannot measure the item (Linux's heap fragmentation); then "bench: heap
manager NAME". Other lines (a kernel's messages on the same console) are
skipped.
"""
import re

# In the order bench prints them.
ITEMS = ["tsc_mhz", "syscall_ns", "int80_ns", "yield_ns", "sem_pingpong_us",
         "pipe_pingpong_us", "pipe_throughput_mbs", "spawn_wait_us", "malloc_free_ns",
         "heap_frag_pct"]
MISSING = "-"

LINE = re.compile(r"^(\w+) (\d+(?:\.\d+)?|-) (\S+)[ \r]*$", re.M)
MANAGER = re.compile(r"^bench: heap manager (\S+)[ \r]*$", re.M)


class Results:
    """One run: each item's value as printed and its unit, in the order
    printed, the heap manager's name, and the items measured from outside
    (the boot time), which add() appends."""

    def __init__(self, text):
        self.items = {name: (value, unit) for name, value, unit in LINE.findall(text)}
        manager = MANAGER.search(text)
        self.manager = manager.group(1) if manager else None
        self.added = []

    def add(self, name, value, unit):
        self.items[name] = (value, unit)
        self.added.append(name)

    def value(self, name):
        """The item as a number; None when it is missing or was not reported."""
        value = self.items.get(name, (MISSING, ""))[0]
        return None if value == MISSING else float(value)

    def problems(self, unmeasured=()):
        """What keeps this run from being whole, [] when nothing: every item
        reported with a value above 0 (fragmentation may truly be 0), except
        the unmeasured ones, which must be reported as missing."""
        found = []
        for item in ITEMS:
            value = self.value(item)
            if item not in self.items:
                found.append(f"{item} not reported")
            elif item in unmeasured:
                if value is not None:
                    found.append(f"{item} = {value}, where it cannot be measured")
            elif value is None or (value <= 0 and item != "heap_frag_pct"):
                found.append(f"{item} = {self.items[item][0]}")
        if not self.manager:
            found.append("no heap manager named")
        return found

    def line(self, name):
        value, unit = self.items[name]
        return f"{name} {value} {unit}"

    def lines(self):
        """The lines the bench printed, then the ones added, as text."""
        printed = [self.line(name) for name in self.items if name not in self.added]
        if self.manager:
            printed.append(f"bench: heap manager {self.manager}")
        return "\n".join(printed + [self.line(name) for name in self.added])
