"""A Schema Object's keywords obey JSON Schema draft 4's own rules (the metaschema 3.0 uses).

`conform` has already given every keyword its shape; what is left are the rules between and
inside values, each repaired with a finding:

- `required` names each property once and names at least one (`required: []` is dropped);
- `enum` lists at least one value (an empty one is dropped: it would accept nothing) and each
  value once (repeats merged; 64-bit integers are compared as integers, not as doubles);
- `multipleOf` is above zero; lengths and counts are integers of at least zero;
- `exclusiveMaximum`/`exclusiveMinimum` (booleans in 3.0) need the bound next to them;
- `allOf`/`anyOf`/`oneOf` hold at least one schema;
- `pattern` is a regular expression that every reader understands the same way: valid in
  ECMA 262 (JavaScript, what JSON Schema specifies), in Python's `re` (what validators here
  use without `regress`), and free of escapes that mean something else in JavaScript (`\\z`,
  `\\A`, `\\Z` are anchors in Python and Ruby, plain letters in JavaScript: they are
  rewritten as `^` and `$`, which mean the same; anything else is removed);
- `type: array` has `items` (3.0 requires it; `{}` accepts any item).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from openapi_meta.convert.conform_values import brief, format_ok, json_key
from openapi_meta.document import oas30
from openapi_meta.document.pointer import join_pointer
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSONObject

try:
    from regress import Regex as _EcmaRegex
    from regress import RegressError as _EcmaError
except ImportError:  # pragma: no cover - regress is a dependency; be safe without it
    _EcmaRegex = None
    _EcmaError = Exception

# Letters JavaScript gives a meaning after a backslash; any other letter is read as itself
# (outside Unicode mode), which is never what the author of `\z` or `\A` meant.
_ECMA_LETTER_ESCAPES = frozenset("dDwWsSbBtnvfrcxuk0123456789")


# The keywords with a rule here: most schemas have none of them (a fast way out).
_RULED = frozenset(
    {
        "required",
        "enum",
        "multipleOf",
        "exclusiveMaximum",
        "exclusiveMinimum",
        "allOf",
        "anyOf",
        "oneOf",
        "pattern",
        *oas30.NON_NEGATIVE,
    }
)


def conform_schema(node: JSONObject, pointer: str, context: Any) -> None:
    """Repair the keyword rules of one (already shaped) Schema Object in place."""
    if node.get("type") == "array" and "items" not in node:
        node["items"] = {}
        context.report(
            "items-added",
            Level.INFO,
            pointer,
            "3.0 requires items next to type: array; items: {} added",
        )
    if node.keys().isdisjoint(_RULED):
        return
    report = context.report
    required = node.get("required")
    if required is not None:
        unique = list(dict.fromkeys(required))  # type: ignore[arg-type]
        if not unique:
            del node["required"]
            report(
                "required-empty",
                Level.INFO,
                join_pointer(pointer, "required"),
                "required: [] removed (it must name at least one property)",
            )
        elif len(unique) != len(required):  # type: ignore[arg-type]
            node["required"] = unique
            report(
                "required-repeated",
                Level.INFO,
                join_pointer(pointer, "required"),
                "required names a property more than once: the repeats removed",
            )
    enum = node.get("enum")
    if enum is not None:
        _conform_enum(node, enum, pointer, report)  # type: ignore[arg-type]
    multiple = node.get("multipleOf")
    if multiple is not None and multiple <= 0:  # type: ignore[operator]
        del node["multipleOf"]
        report(
            "value-not-allowed",
            Level.WARNING,
            join_pointer(pointer, "multipleOf"),
            f"multipleOf {multiple} removed (it must be above 0)",
        )
    for keyword in oas30.NON_NEGATIVE & node.keys():
        if node[keyword] < 0:  # type: ignore[operator]
            value = node.pop(keyword)
            report(
                "value-not-allowed",
                Level.WARNING,
                join_pointer(pointer, keyword),
                f"{keyword} {value} removed (it must be 0 or more)",
            )
    for exclusive, bound in (("exclusiveMaximum", "maximum"), ("exclusiveMinimum", "minimum")):
        if exclusive in node and bound not in node:
            value = node.pop(exclusive)
            report(
                "exclusive-without-bound",
                Level.INFO,
                join_pointer(pointer, exclusive),
                f"{exclusive}: {str(value).lower()} removed: there is no {bound} to qualify",
            )
    for keyword in ("allOf", "anyOf", "oneOf"):
        if node.get(keyword) == []:
            del node[keyword]
            report(
                "value-not-allowed",
                Level.INFO,
                join_pointer(pointer, keyword),
                f"{keyword}: [] removed (it must hold at least one schema)",
            )
    pattern = node.get("pattern")
    if pattern is not None:
        problem = regex_problem(pattern)  # type: ignore[arg-type]
        anchored = _ecma_anchors(pattern) if problem is not None else None  # type: ignore[arg-type]
        if anchored is not None and regex_problem(anchored) is None:
            node["pattern"] = anchored
            report(
                "pattern-anchors",
                Level.INFO,
                join_pointer(pointer, "pattern"),
                f"pattern {brief(pattern)} written as {brief(anchored)}: \\A and \\z (\\Z) are"
                " the start and end of the string in Python and Ruby, ^ and $ in JavaScript",
            )
        elif problem is not None:
            del node["pattern"]
            report(
                "pattern-removed",
                Level.WARNING,
                join_pointer(pointer, "pattern"),
                f"pattern {brief(pattern)} removed: {problem}",
            )


def _conform_enum(node: JSONObject, enum: list[Any], pointer: str, report: Any) -> None:
    where = join_pointer(pointer, "enum")
    if not enum:
        del node["enum"]
        report(
            "enum-empty",
            Level.WARNING,
            where,
            "enum: [] removed (it would accept no value; 3.0 requires at least one)",
        )
        return
    if all(type(value) is str for value in enum) and len(set(enum)) == len(enum):
        return  # the common case, decided without rendering each value
    seen: dict[str, None] = {}
    kept = []
    for value in enum:
        key = json_key(value)
        if key not in seen:
            seen[key] = None
            kept.append(value)
    if len(kept) != len(enum):
        repeated = len(enum) - len(kept)
        node["enum"] = kept
        report(
            "enum-repeated",
            Level.INFO,
            where,
            f"enum lists {repeated} value{'s' if repeated != 1 else ''} more than once:"
            " the repeats merged",
        )


@lru_cache(maxsize=4096)
def regex_problem(pattern: str) -> str | None:
    """Why `pattern` is not a regular expression every reader understands alike, or None."""
    if not format_ok(pattern, "regex"):
        return "the validator's ECMA 262 engine rejects it"
    if _EcmaRegex is not None:
        try:
            _EcmaRegex(pattern)
        except _EcmaError as exc:
            return f"JavaScript (ECMA 262) cannot read it ({exc})"
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"it is not a valid regular expression ({exc})"
    letter = _foreign_escape(pattern)
    if letter is not None:
        return f"\\{letter} is not an escape in JavaScript (ECMA 262), where it means {letter!r}"
    return None


def _ecma_anchors(pattern: str) -> str | None:
    """`pattern` with Python's and Ruby's string anchors (`\\A`, `\\z`, `\\Z`) written as
    JavaScript's `^` and `$`, outside character classes; None when it has none."""
    out: list[str] = []
    in_class = changed = False
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if char == "\\" and index + 1 < len(pattern):
            pair = pattern[index : index + 2]
            anchor = None if in_class else {"\\A": "^", "\\z": "$", "\\Z": "$"}.get(pair)
            out.append(anchor or pair)
            changed = changed or anchor is not None
            index += 2
            continue
        if char == "[":
            in_class = True
        elif char == "]":
            in_class = False
        out.append(char)
        index += 1
    return "".join(out) if changed else None


def _foreign_escape(pattern: str) -> str | None:
    """The first `\\<letter>` JavaScript reads as the plain letter (`\\z`, `\\A`), or None."""
    index = 0
    while index < len(pattern) - 1:
        if pattern[index] == "\\":
            char = pattern[index + 1]
            if char.isascii() and char.isalpha() and char not in _ECMA_LETTER_ESCAPES:
                return char
            index += 2
        else:
            index += 1
    return None
