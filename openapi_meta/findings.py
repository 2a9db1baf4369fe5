"""Findings: what a pass noticed, as frozen data; `render_findings` turns them into text.

Passes never print and never exit: they record findings on the run's context and the CLI
decides what to show and which exit code follows.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import Enum


class Level(str, Enum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


@dataclass(frozen=True, order=True)
class Finding:
    """One observation about the document: a stable `code`, a `level`, the JSON `pointer` into
    the input document (RFC 6901, "" for the root) and a human `message`."""

    code: str
    level: Level
    pointer: str
    message: str

    def to_dict(self) -> dict[str, str]:
        data = asdict(self)
        data["level"] = self.level.value
        return data


# Up to this many warnings are listed one by one without --verbose; more are counted.
FEW_WARNINGS = 10


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 path", "2 paths": a count and the word that goes with it."""
    return f"{count} {word if count == 1 else words or word + 's'}"


def render_finding(finding: Finding) -> str:
    return f"{finding.level.value}: {finding.code} at {finding.pointer or '/'}: {finding.message}"


def render_findings(findings: Iterable[Finding], *, verbose: bool = False) -> str:
    """Text for stderr: every finding when `verbose`; otherwise each warning and error when
    there are few of them, and a count per code for the rest (the infos, or all of them)."""
    findings = list(findings)
    if verbose:
        return "\n".join(map(render_finding, findings))
    serious = [f for f in findings if f.level is not Level.INFO]
    listed = serious if len(serious) <= FEW_WARNINGS else []
    counted = [f for f in findings if f not in listed]
    lines = [render_finding(f) for f in listed]
    if counted:
        counts = Counter((f.level.value, f.code) for f in counted)
        more = "" if not listed else "other "
        lines.append(f"{more}findings (use --verbose to see each one):")
        lines += [f"  {n} × {level} {code}" for (level, code), n in sorted(counts.items())]
    return "\n".join(lines)


def render_invalid(findings: Iterable[Finding], *, verbose: bool = False) -> str:
    """Text for a spec that failed validation: each error on one line; with `verbose`, under
    each one the conversion findings at the same place, above it or below it, which often say
    why (a value set aside, a reference that led nowhere)."""
    findings = list(findings)
    errors = [f for f in findings if f.level is Level.ERROR]
    others = [f for f in findings if f.level is not Level.ERROR]
    lines = []
    for error in errors:
        lines.append(render_finding(error))
        for other in others if verbose else ():
            if _related(error.pointer, other.pointer):
                where = other.pointer or "/"
                lines.append(
                    f"  after {other.level.value} {other.code} at {where}: {other.message}"
                )
    if others and not verbose:
        lines.append(
            f"(and {plural(len(others), 'other finding')}; --verbose shows the ones"
            " at these places, --report lists them all)"
        )
    return "\n".join(lines)


def _related(a: str, b: str) -> bool:
    """The same place, or one inside the other."""
    return a == b or a.startswith(b + "/") or b.startswith(a + "/")


def findings_report(findings: Iterable[Finding]) -> str:
    """A JSON report for CI tools: a list of findings, each with code, level, pointer, message."""
    return json.dumps({"findings": [f.to_dict() for f in findings]}, indent=2) + "\n"
