"""The spec diff: a unified diff of two written outputs, each hunk labelled with its pointer.

The lines are the file's own (a module's JSON is indented one space, as in the module), so
the line numbers are the file's. Each hunk header names the JSON pointer of the node its
first change is in, the way `git diff` names the enclosing function:

    @@ -120,7 +120,8 @@ /components/schemas/TodoIn/required

Why not plain `difflib.unified_diff`: on two versions of a 13 MB spec (600,000 lines) it takes
about 25 s. Here the lines shared at both ends are set aside first, then lines that occur
once in each side anchor the rest (patience diff, as in `git diff --patience`); difflib
only compares the short stretches between anchors.
"""

from __future__ import annotations

import bisect
import difflib
from collections.abc import Sequence
from dataclasses import dataclass

from openapi_meta.changes.lines import line_pointers

_DIFFLIB_LIMIT = 4_000_000  # a stretch with no anchor: compare lines one by one below this
Opcode = tuple[str, int, int, int, int]


@dataclass(frozen=True)
class Hunk:
    old_start: int  # 0-based
    old_count: int
    new_start: int
    new_count: int
    lines: tuple[str, ...]  # "-", "+" or " " then the line, without its newline
    first_change: tuple[str, int]  # ("old"|"new", 0-based line) of the first changed line


def diff_lines(old: Sequence[str], new: Sequence[str], context: int = 3) -> list[Hunk]:
    """The hunks that turn `old` into `new` (lines without newlines)."""
    groups = _grouped(_opcodes(old, new), context)
    hunks = []
    for group in groups:
        lines: list[str] = []
        first: tuple[str, int] | None = None
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(" " + line for line in old[i1:i2])
                continue
            if first is None:
                first = _first_content(old, i1, i2, "old") or _first_content(new, j1, j2, "new")
            lines.extend("-" + line for line in old[i1:i2])
            lines.extend("+" + line for line in new[j1:j2])
        i1, j1 = group[0][1], group[0][3]
        i2, j2 = group[-1][2], group[-1][4]
        hunks.append(Hunk(i1, i2 - i1, j1, j2 - j1, tuple(lines), first or ("old", i1)))
    return hunks


def _first_content(
    lines: Sequence[str], start: int, stop: int, side: str
) -> tuple[str, int] | None:
    """The first changed line that is more than a closing bracket: the one to label."""
    for number in range(start, stop):
        if lines[number].strip()[:1] not in ("}", "]"):
            return side, number
    return (side, start) if stop > start else None


def render_diff(
    old: Sequence[str],
    new: Sequence[str],
    fmt: str,
    *,
    old_name: str,
    new_name: str,
    max_lines: int | None = None,
) -> str:
    """A unified diff with pointer-labelled hunk headers; "" when the texts are equal."""
    hunks = diff_lines(old, new)
    if not hunks:
        return ""
    labels = {
        "old": _labels(
            old, fmt, sorted(h.first_change[1] for h in hunks if h.first_change[0] == "old")
        ),
        "new": _labels(
            new, fmt, sorted(h.first_change[1] for h in hunks if h.first_change[0] == "new")
        ),
    }
    out = [f"--- {old_name}", f"+++ {new_name}"]
    for hunk in hunks:
        side, line = hunk.first_change
        label = labels[side].get(line)
        header = (
            f"@@ -{_range(hunk.old_start, hunk.old_count)}"
            f" +{_range(hunk.new_start, hunk.new_count)} @@"
        )
        out.append(f"{header} {label or '/'}" if label is not None else header)
        out.extend(hunk.lines)
    if max_lines is not None and len(out) > max_lines:
        more = len(out) - max_lines
        out = [*out[:max_lines], f"... {more} more diff lines not shown"]
    return "\n".join(out) + "\n"


def _labels(lines: Sequence[str], fmt: str, wanted: list[int]) -> dict[int, str]:
    found: dict[int, str] = {}
    if not wanted:
        return found
    last = wanted[-1]
    todo = set(wanted)
    for number, pointer in line_pointers(lines, fmt):
        if number in todo:
            found[number] = pointer if _opens(lines[number]) else pointer.rsplit("/", 1)[0]
        if number >= last:
            break
    return found


def _opens(line: str) -> bool:
    """Does the line open a container (JSON `"key": {`, YAML `key:`)? A hunk that starts on
    one is labelled with the container; one that starts on a value, with what holds it."""
    text = line.rstrip().rstrip(",")
    return text.endswith(("{", "[", ":"))


def _range(start: int, count: int) -> str:
    """Unified diff ranges are 1-based; an empty range names the line before it."""
    first = start + 1 if count else start
    return f"{first},{count}" if count != 1 else f"{first}"


def _grouped(opcodes: list[Opcode], context: int) -> list[list[Opcode]]:
    """Opcodes in hunks with `context` equal lines around each change (as difflib groups)."""
    if all(code[0] == "equal" for code in opcodes):
        return []
    codes = list(opcodes)
    if codes[0][0] == "equal":
        tag, i1, i2, j1, j2 = codes[0]
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    if codes[-1][0] == "equal":
        tag, i1, i2, j1, j2 = codes[-1]
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, i1 + context, j1, j1 + context))
            groups.append(group)
            group = []
            i1, j1 = i2 - context, j2 - context
        group.append((tag, i1, i2, j1, j2))
    if group and not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def _opcodes(a: Sequence[str], b: Sequence[str]) -> list[Opcode]:
    blocks: list[tuple[int, int, int]] = []
    _match(a, 0, len(a), b, 0, len(b), blocks)
    opcodes: list[Opcode] = []
    i = j = 0
    for ai, bj, size in [*blocks, (len(a), len(b), 0)]:
        if i < ai and j < bj:
            opcodes.append(("replace", i, ai, j, bj))
        elif i < ai:
            opcodes.append(("delete", i, ai, j, j))
        elif j < bj:
            opcodes.append(("insert", i, i, j, bj))
        if size:
            if opcodes and opcodes[-1][0] == "equal":
                _, ei, _, ej, _ = opcodes.pop()
                opcodes.append(("equal", ei, ai + size, ej, bj + size))
            else:
                opcodes.append(("equal", ai, ai + size, bj, bj + size))
        i, j = ai + size, bj + size
    return opcodes


def _match(
    a: Sequence[str],
    alo: int,
    ahi: int,
    b: Sequence[str],
    blo: int,
    bhi: int,
    out: list[tuple[int, int, int]],
) -> None:
    """Append the matching blocks (i, j, size) of a[alo:ahi] and b[blo:bhi], in order."""
    start = alo, blo
    while alo < ahi and blo < bhi and a[alo] == b[blo]:
        alo, blo = alo + 1, blo + 1
    if alo > start[0]:
        out.append((start[0], start[1], alo - start[0]))
    end = ahi, bhi
    while alo < ahi and blo < bhi and a[ahi - 1] == b[bhi - 1]:
        ahi, bhi = ahi - 1, bhi - 1
    if alo < ahi and blo < bhi:
        anchors = _anchors(a, alo, ahi, b, blo, bhi)
        if anchors:
            i, j = alo, blo
            for ai, bj in anchors:
                _match(a, i, ai, b, j, bj, out)
                out.append((ai, bj, 1))
                i, j = ai + 1, bj + 1
            _match(a, i, ahi, b, j, bhi, out)
        elif (ahi - alo) * (bhi - blo) <= _DIFFLIB_LIMIT:
            matcher = difflib.SequenceMatcher(None, a[alo:ahi], b[blo:bhi], autojunk=False)
            for i, j, size in matcher.get_matching_blocks():
                if size:
                    out.append((alo + i, blo + j, size))
    if ahi < end[0]:
        out.append((ahi, bhi, end[0] - ahi))


def _anchors(
    a: Sequence[str], alo: int, ahi: int, b: Sequence[str], blo: int, bhi: int
) -> list[tuple[int, int]]:
    """Lines that occur exactly once on each side, the longest run of them in the same order."""
    seen: dict[str, int] = {}
    for i in range(alo, ahi):
        line = a[i]
        seen[line] = -1 if line in seen else i
    in_b: dict[str, int] = {}
    for j in range(blo, bhi):
        line = b[j]
        if seen.get(line, -1) >= 0:
            in_b[line] = -1 if line in in_b else j
    pairs = sorted((seen[line], j) for line, j in in_b.items() if j >= 0)
    return _longest_increasing(pairs)


def _longest_increasing(pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The longest subsequence of `pairs` (sorted by i) whose j also increase (patience)."""
    tails: list[int] = []  # tails[k]: smallest j ending an increasing run of length k + 1
    tail_index: list[int] = []
    previous = [-1] * len(pairs)
    for index, (_, j) in enumerate(pairs):
        k = bisect.bisect_left(tails, j)
        if k == len(tails):
            tails.append(j)
            tail_index.append(index)
        else:
            tails[k] = j
            tail_index[k] = index
        previous[index] = tail_index[k - 1] if k else -1
    run = []
    index = tail_index[-1] if tail_index else -1
    while index >= 0:
        run.append(pairs[index])
        index = previous[index]
    return run[::-1]
