"""What the change report is made of: a `Change` per difference a client could notice."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    """How a change affects an HTTP client: oasdiff's ERR, WARN and INFO, in words."""

    BREAKING = "breaking"
    WARNING = "warning"
    INFO = "info"

    @property
    def rank(self) -> int:
        return _RANKS[self]


_RANKS = {Severity.BREAKING: 0, Severity.WARNING: 1, Severity.INFO: 2}
_METHOD_ORDER = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class Change:
    """One change between two specs, for a client of the API.

    `id` is oasdiff's rule id; `method` and `path` name the operation ("" for changes to the
    whole document); `text` says what changed in words; `pointer` is where, in the new spec,
    or in the old one when the thing is gone (`side` says which).
    """

    id: str
    level: Severity
    method: str
    path: str
    text: str
    pointer: str
    side: str = "new"

    @property
    def operation(self) -> str:
        return f"{self.method.upper()} {self.path}" if self.method else ""

    @property
    def summary(self) -> str:
        """`DELETE /todos/{todo_id}: operation removed` (no operation: just the text)."""
        return f"{self.operation}: {self.text}" if self.method else self.text

    def sort_key(self) -> tuple[int, str, int, str, str]:
        method = _METHOD_ORDER.index(self.method) if self.method in _METHOD_ORDER else 99
        return (self.level.rank, self.path, method, self.text, self.id)

    def to_dict(self) -> dict[str, str]:
        return {
            "id": self.id,
            "level": self.level.value,
            "operation": self.operation,
            "method": self.method.upper(),
            "path": self.path,
            "text": self.text,
            "pointer": self.pointer,
            "side": self.side,
        }


def sort_changes(changes: Iterable[Change]) -> tuple[Change, ...]:
    """Breaking first, then by path and method; each change once."""
    return tuple(sorted(set(changes), key=Change.sort_key))


def count_levels(changes: Iterable[Change]) -> dict[Severity, int]:
    counts = Counter(c.level for c in changes)
    return {level: counts.get(level, 0) for level in Severity}


def reaches(changes: Iterable[Change], fail_on: str) -> bool:
    """Does a change reach the `--fail-on` level: "breaking", "warning" or "any" (any change)?"""
    rank = {"breaking": 0, "warning": 1, "any": 2}[fail_on]
    return any(change.level.rank <= rank for change in changes)
