"""The change report as text (people), markdown (a pull-request comment), JSON (tools) and
GitHub Actions annotations (`::error` lines that GitHub shows on the file)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from openapi_meta.changes.model import Change, Severity, count_levels

_GITHUB_COMMAND = {
    Severity.BREAKING: "error",
    Severity.WARNING: "warning",
    Severity.INFO: "notice",
}


@dataclass(frozen=True)
class Report:
    """What a report says: a title, the changes, notes said before them (a hand edit, another
    tool version), the spec diff, the command that fixes it, and whether the run fails."""

    title: str
    changes: tuple[Change, ...]
    notes: tuple[str, ...] = ()
    spec_diff: str = ""
    hint: str = ""
    failed: bool = False


def summary(changes: tuple[Change, ...]) -> str:
    """ "3 changes for clients (2 breaking, 0 warnings, 1 info)"."""
    if not changes:
        return "no change a client would notice"
    counts = count_levels(changes)
    return (
        f"{_plural(len(changes), 'change')} for clients ({counts[Severity.BREAKING]} breaking,"
        f" {_plural(counts[Severity.WARNING], 'warning')}, {counts[Severity.INFO]} info)"
    )


def change_line(change: Change) -> str:
    """`breaking  POST /todos: request property priority became required [rule] at /pointer`"""
    where = f" at {change.pointer or '/'}" + (" (old spec)" if change.side == "old" else "")
    return f"{change.level.value:<8}  {change.summary} [{change.id}]{where}"


def render_text(report: Report) -> str:
    if report.notes:
        lines = [f"{report.title}:", *(f"  {note}" for note in report.notes)]
        counted = summary(report.changes)
        lines.append(counted[0].upper() + counted[1:] + (":" if report.changes else ""))
    else:
        lines = [f"{report.title}: {summary(report.changes)}"]
    lines.extend(change_line(change) for change in report.changes)
    text = "\n".join(lines) + "\n"
    return f"{text}\n{report.spec_diff}" if report.spec_diff else text


def render_json(report: Report, **extra: object) -> str:
    counts = count_levels(report.changes)
    data = {
        **extra,
        "title": report.title,
        "failed": report.failed,
        "counts": {level.value: n for level, n in counts.items()},
        "changes": [change.to_dict() for change in report.changes],
        "notes": list(report.notes),
        "regenerate": report.hint or None,
        "spec_diff": report.spec_diff or None,
    }
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def render_markdown(report: Report) -> str:
    """A pull-request comment: the summary, a table of breaking changes, the rest folded."""
    counts = count_levels(report.changes)
    out = [f"### openapi-meta: {_escape(report.title)}", ""]
    if report.changes:
        parts = [
            f"**{counts[Severity.BREAKING]} breaking**",
            _plural(counts[Severity.WARNING], "warning"),
            f"{counts[Severity.INFO]} info",
        ]
        out += [", ".join(parts) + f" ({_plural(len(report.changes), 'change')} for clients).", ""]
    else:
        out += ["No change a client would notice.", ""]
    out += [f"> {_escape(note)}" for note in report.notes]
    if report.notes:
        out.append("")
    breaking = [c for c in report.changes if c.level is Severity.BREAKING]
    rest = [c for c in report.changes if c.level is not Severity.BREAKING]
    if breaking:
        out += [*_table(breaking), ""]
    if rest:
        label = ", ".join(
            _plural(n, level.value) if level is Severity.WARNING else f"{n} {level.value}"
            for level, n in count_levels(rest).items()
            if n
        )
        noun = "more change" if breaking else "change"
        out += ["<details>", f"<summary>{_plural(len(rest), noun)} ({label})</summary>"]
        out += ["", *_table(rest), "", "</details>", ""]
    if report.spec_diff:
        fence = "`" * max(3, _longest_run(report.spec_diff, "`") + 1)
        size = _plural(report.spec_diff.count("\n"), "line")
        out += ["<details>", f"<summary>Spec diff ({size})</summary>", ""]
        out += [f"{fence}diff", report.spec_diff.rstrip("\n"), fence, "", "</details>", ""]
    if report.hint:
        out += [f"Regenerate it: `{report.hint}`", ""]
    return "\n".join(out)


def render_github(report: Report, file: str, lines: Mapping[str, int]) -> str:
    """One workflow command per change (and per note), on the file's line for its pointer;
    `lines` maps pointers to 0-based lines of `file` (the nearest ancestor where a node is
    not in that file)."""
    out = []
    for note in report.notes:
        title = _property(f"openapi-meta: {report.title}")
        out.append(f"::error file={_property(file)},title={title}::{_data(note)}")
    for change in report.changes:
        line = lines.get(change.pointer)
        where = f"file={_property(file)}" + (f",line={line + 1}" if line is not None else "")
        title = _property(change.id)
        out.append(
            f"::{_GITHUB_COMMAND[change.level]} {where},title={title}::{_data(change.summary)}"
        )
    return "".join(line + "\n" for line in out)


def _table(changes: list[Change]) -> list[str]:
    rows = ["| Level | Operation | Change | Rule |", "| --- | --- | --- | --- |"]
    for change in changes:
        operation = f"`{change.operation}`" if change.operation else ""
        rows.append(
            f"| {change.level.value} | {operation} | {_escape(change.text)} | `{change.id}` |"
        )
    return rows


def _escape(text: str) -> str:
    """Markdown table cells and quotes: no pipe ends a cell, no HTML is interpreted."""
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("<", "&lt;").replace("\n", " ")


def _longest_run(text: str, char: str) -> int:
    runs = re.findall(f"{re.escape(char)}+", text)
    return max((len(run) for run in runs), default=0)


def _data(text: str) -> str:
    """GitHub's escaping for a workflow command's message."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(text: str) -> str:
    """GitHub's escaping for a workflow command's property value."""
    return _data(text).replace(":", "%3A").replace(",", "%2C")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def render_report(report: Report, fmt: str, **extra: object) -> str:
    """`fmt` is "text", "markdown" or "json"; `extra` fields go first in the JSON."""
    if fmt == "markdown":
        return render_markdown(report)
    if fmt == "json":
        return render_json(report, **extra)
    return render_text(report)


def github_annotations(report: Report, file: str, text: str, fmt: str) -> str:
    """Annotations on `file`, whose content `text` (in `fmt`) gives each pointer its line."""
    from openapi_meta.changes.lines import pointer_lines

    wanted = {change.pointer for change in report.changes}
    return render_github(report, file, pointer_lines(text.splitlines(), fmt, wanted))
