#!/usr/bin/env python3
"""Where an executable's start-up relocations come from, and what they cost in pages.

At exec the dynamic loader applies every relative relocation of a position-independent
executable: it writes one pointer per relocation, so each page holding one becomes a private
copy (a page fault, and anonymous memory for the life of the process), and it reads the
relocation table itself from the file (24 bytes an entry as RELA; a bitmap as packed RELR).
This tool counts the relocations, the pages they write and the sections they write in, and
attributes each by what the pointer points to: a function (a vtable entry, a function pointer)
to the crate of its demangled name (`<T as Trait>::f` to the first crate named), data to its
section (strings and constants in `.rodata`: panic locations, `&'static str` tables). A packed
(RELR) table does not hold the targets, so that attribution needs a binary linked with RELA
entries (without `-z pack-relative-relocs`); counts and pages work on both.

Usage: relocs.py BINARY [--top N]. Needs binutils (readelf, nm). Standard library only.
For the profile in docs/benchmarks.md ("Start-up and memory: where the time and the pages go").
"""

import argparse
import bisect
import collections
import re
import subprocess
import sys

PAGE = 4096


def relative_relocations(binary: str) -> list[tuple[int, int | None]]:
    """(offset, target) of each R_X86_64_RELATIVE relocation; the target is unknown (None) for
    packed RELR ones, whose addend is the pointer already stored in the file."""
    out = subprocess.run(["readelf", "-W", "--relocs", binary], capture_output=True, text=True, check=True).stdout
    offsets = []
    relr = False
    for line in out.splitlines():
        if line.startswith("Relocation section '.relr.dyn'"):
            relr = True
            continue
        if line.startswith("Relocation section"):
            relr = False
            continue
        parts = line.split()
        if relr:
            # readelf lists each RELR-encoded address on its own line: "ADDRESS  SYMBOL"
            if parts and re.fullmatch(r"[0-9a-f]{8,16}", parts[0]):
                offsets.append((int(parts[0], 16), None))
        elif len(parts) >= 4 and parts[2] == "R_X86_64_RELATIVE":
            offsets.append((int(parts[0], 16), int(parts[3], 16)))
    return offsets


def sections(binary: str) -> list[tuple[int, int, str]]:
    out = subprocess.run(["readelf", "-W", "-S", binary], capture_output=True, text=True, check=True).stdout
    found = []
    for line in out.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", line)
        if m and int(m.group(2), 16):
            found.append((int(m.group(2), 16), int(m.group(3), 16), m.group(1)))
    return sorted(found)


def symbols(binary: str) -> tuple[list[int], list[tuple[int, int, str]]]:
    out = subprocess.run(["nm", "--print-size", "--demangle", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    syms = []
    for line in out.splitlines():
        m = re.match(r"([0-9a-f]+) ([0-9a-f]+) \w (.*)", line)
        if m:
            syms.append((int(m.group(1), 16), int(m.group(2), 16), m.group(3)))
    syms.sort()
    return [s[0] for s in syms], syms


SEGMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def crate_of(name: str) -> str:
    """The crate a demangled symbol belongs to: its path's first segment (for `<T as Trait>::f`,
    the first crate T names)."""
    if name.startswith("anon.") or name.startswith("."):
        return "(anonymous constant)"
    name = name.lstrip("<&*").removeprefix("dyn ").removeprefix("mut ").removeprefix("const ")
    m = SEGMENT.match(name)
    if not m or "::" not in name:
        return "(unnamed)"
    return m.group(0)


def locate(addr: int, starts: list[int], syms: list[tuple[int, int, str]]) -> str | None:
    i = bisect.bisect_right(starts, addr) - 1
    if i >= 0:
        start, size, name = syms[i]
        if addr < start + max(size, 1):
            return name
    return None


def section_of(addr: int, secs: list[tuple[int, int, str]]) -> str:
    for start, size, name in secs:
        if start <= addr < start + size:
            return name
    return "(none)"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--top", type=int, default=25)
    args = ap.parse_args()

    relocs = relative_relocations(args.binary)
    starts, syms = symbols(args.binary)
    secs = sections(args.binary)
    by_target = collections.defaultdict(lambda: [0, set()])
    where = collections.Counter()
    for off, target in relocs:
        where[section_of(off, secs)] += 1
        if target is None:
            key = "(packed: target not listed)"
        else:
            name = locate(target, starts, syms)
            key = crate_of(name) if name else f"(unnamed, in {section_of(target, secs)})"
            if name and section_of(target, secs) != ".text":
                key += " (data)"
        by_target[key][0] += 1
        by_target[key][1].add(off // PAGE)
    pages = {off // PAGE for off, _ in relocs}
    print(f"{len(relocs)} relative relocations on {len(pages)} pages ({len(pages) * PAGE / 2**20:.1f} MiB written at exec)")
    print("written in: " + ", ".join(f"{sec} {n}" for sec, n in where.most_common()))
    print()
    print("what the relocated pointers point to (a function: its crate; data: the section):")
    print(f"{'target':40} {'relocations':>12} {'pages':>7}")
    rows = sorted(by_target.items(), key=lambda kv: -kv[1][0])
    for key, (count, written) in rows[: args.top]:
        print(f"{key:40} {count:12} {len(written):7}")
    rest = rows[args.top :]
    if rest:
        print(f"{'(' + str(len(rest)) + ' more)':40} {sum(r[1][0] for r in rest):12}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
