"""Two schemas compared as a client sees them, in one direction (request or response).

A request schema is what a client sends: it breaks when the new one accepts less. A response
schema is what a client receives: it breaks when the new one may return more. So the same
fact (a maximum went up) is harmless in a request and breaking in a response; this module
states facts as `Delta`s with an *aspect* ("max-increased"), and `operations` turns each into
oasdiff's rule id for where the schema sits (body, property, parameter, header).

Schemas are compared structurally: `$ref`s are resolved on both sides (a renamed component
with the same content is no change), `allOf` members are merged into one object view (a
property moved into a member is no change), and each pair of nodes is compared once: the
result is reused wherever the same pair is reached again, which is what keeps a 13 MB spec
with hundreds of operations over the same components fast. Recursive schemas stop at the
pair already being compared, and a fact reached along several paths is reported once, along
the shortest (`_shortest_paths`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field, replace
from typing import Any, Literal

from openapi_meta.changes.refs import Side
from openapi_meta.document.pointer import join_pointer

Direction = Literal["request", "response"]

# Keywords of a bound, by the aspect name oasdiff gives them.
_BOUNDS = {
    "maximum": "max",
    "minimum": "min",
    "maxLength": "max-length",
    "minLength": "min-length",
    "maxItems": "max-items",
    "minItems": "min-items",
}
_SCALARS = ("type", "format", "nullable", "enum", "default", "pattern", "deprecated", *_BOUNDS)
_SUBSCHEMAS = ("items", "additionalProperties")
_ALTERNATIVES = {"oneOf": "one-of", "anyOf": "any-of"}
# A type, or a format, that accepts every value of the narrower one named with it.
_WIDER_TYPE = {("number", "integer")}
_WIDER_FORMAT = {("int64", "int32"), ("double", "float")}
_MAX_ALLOF_DEPTH = 32


@dataclass(frozen=True)
class Delta:
    """One fact about a schema pair: `aspect` ("type-changed", "property-removed-required"),
    `path` (property names from the compared root, "items" for array items), `detail` in words
    and the pointer where it is (in the new spec, or the old one when `side` is "old")."""

    aspect: str
    path: tuple[str, ...]
    detail: str
    pointer: str
    side: str = "new"

    def under(self, segment: str) -> Delta:
        return replace(self, path=(segment, *self.path))


@dataclass
class _View:
    """A schema with its `allOf` members merged: its own keywords win, then the first member
    that has one; properties and `required` are the union."""

    keywords: dict[str, Any] = field(default_factory=dict)
    pointers: dict[str, str] = field(default_factory=dict)
    properties: dict[str, tuple[Any, str]] = field(default_factory=dict)
    required: dict[str, str] = field(default_factory=dict)  # name → pointer of its `required`
    pointer: str = ""


class SchemaComparer:
    """Compares schema pairs for one direction; one instance per report, so results are shared
    by every operation that reaches the same pair."""

    def __init__(self, old: Side, new: Side, direction: Direction) -> None:
        self.old = old
        self.new = new
        self.direction = direction
        self._done: dict[tuple[int, int], list[Delta]] = {}
        self._this_walk: dict[tuple[int, int], list[Delta]] = {}
        self._active: dict[tuple[int, int], int] = {}
        self._lowest = math.inf

    def compare(self, old: Any, old_pointer: str, new: Any, new_pointer: str) -> list[Delta]:
        """The deltas from `old` to `new`. Each pair is computed once for the whole report,
        except a pair inside a cycle that is still open: its result lacks what the cycle adds
        when the pair is reached from elsewhere, so it is kept for this walk only (which
        still bounds a walk by the size of the schemas)."""
        o, op = self.old.resolve(old, old_pointer)
        n, np = self.new.resolve(new, new_pointer)
        if not isinstance(o, dict) or not isinstance(n, dict):
            return []
        key = (id(o), id(n))
        found = self._done.get(key, self._this_walk.get(key))
        if found is not None:
            return found
        if key in self._active:
            self._lowest = min(self._lowest, self._active[key])
            return []
        depth = len(self._active)
        self._active[key] = depth
        outer, self._lowest = self._lowest, math.inf
        try:
            deltas = self._compare(self._view(self.old, o, op), self._view(self.new, n, np))
        finally:
            del self._active[key]
        (self._done if self._lowest >= depth else self._this_walk)[key] = deltas
        self._lowest = min(outer, self._lowest)
        if depth == 0:
            self._this_walk.clear()
        return deltas

    def _compare(self, old: _View, new: _View) -> list[Delta]:
        out: list[Delta] = []
        compatible = self._type(old, new, out)
        self._nullable(old, new, out)
        self._enum(old, new, out)
        self._default(old, new, out)
        self._bounds(old, new, out)
        self._pattern(old, new, out)
        self._deprecated(old, new, out)
        if not compatible:
            return out  # a string that became an object: its parts are not comparable
        self._properties(old, new, out)
        for keyword in _SUBSCHEMAS:
            o, n = old.keywords.get(keyword), new.keywords.get(keyword)
            if isinstance(o, dict) and isinstance(n, dict):
                was = join_pointer(old.pointers[keyword], keyword)
                now = join_pointer(new.pointers[keyword], keyword)
                found = self.compare(o, was, n, now)
                out.extend(d.under(keyword) for d in found)
        for keyword, aspect in _ALTERNATIVES.items():
            self._alternatives(keyword, aspect, old, new, out)
        return _shortest_paths(out)

    # -- keywords -------------------------------------------------------------------------

    def _type(self, old: _View, new: _View, out: list[Delta]) -> bool:
        """Type and format together; False when neither side accepts what the other does."""
        was = (old.keywords.get("type"), old.keywords.get("format"))
        now = (new.keywords.get("type"), new.keywords.get("format"))
        if was == now:
            return True
        widened, narrowed = _covers(now, was), _covers(was, now)
        if widened:
            aspect = "type-generalized"
        elif narrowed:
            aspect = "type-specialized"
        else:
            aspect = "type-changed"
        what = "type" if was[1] == now[1] else "format" if was[0] == now[0] else "type/format"
        detail = f"{what} changed from {_type_label(was)} to {_type_label(now)}"
        out.append(
            self._at(old, new, "type" if "type" in new.keywords else "format", aspect, detail)
        )
        return widened or narrowed

    def _nullable(self, old: _View, new: _View, out: list[Delta]) -> None:
        was, now = old.keywords.get("nullable") is True, new.keywords.get("nullable") is True
        if was != now:
            aspect = "became-nullable" if now else "became-not-nullable"
            out.append(self._at(old, new, "nullable", aspect, aspect.replace("-", " ")))

    def _enum(self, old: _View, new: _View, out: list[Delta]) -> None:
        was, now = old.keywords.get("enum"), new.keywords.get("enum")
        if not isinstance(now, list):
            return
        if not isinstance(was, list):
            out.append(self._at(old, new, "enum", "became-enum", "restricted to an enum"))
            return
        before, after = _canonical(was), _canonical(now)
        for key, value in before.items():
            if key not in after:
                detail = f"enum value {_show(value)} removed"
                out.append(self._at(old, new, "enum", "enum-value-removed", detail))
        for key, value in after.items():
            if key not in before:
                detail = f"enum value {_show(value)} added"
                out.append(self._at(old, new, "enum", "enum-value-added", detail))

    def _default(self, old: _View, new: _View, out: list[Delta]) -> None:
        had, has = "default" in old.keywords, "default" in new.keywords
        was, now = old.keywords.get("default"), new.keywords.get("default")
        if had and has and _same(was, now):
            return
        if has and had:
            detail = f"default changed from {_show(was)} to {_show(now)}"
            out.append(self._at(old, new, "default", "default-value-changed", detail))
        elif has:
            detail = f"default {_show(now)} added"
            out.append(self._at(old, new, "default", "default-value-added", detail))
        elif had:
            detail = f"default {_show(was)} removed"
            out.append(self._at(old, new, "default", "default-value-removed", detail))

    def _bounds(self, old: _View, new: _View, out: list[Delta]) -> None:
        """A bound that appears is "set", one that goes is "unset"; `operations` reads a set
        maximum as a decrease where oasdiff has no "-set" rule, and an unset one as an
        increase (from infinity)."""
        for keyword, name in _BOUNDS.items():
            was, now = _number(old.keywords.get(keyword)), _number(new.keywords.get(keyword))
            if was == now:
                continue
            if was is None:
                aspect, detail = f"{name}-set", f"{keyword} {_show(now)} added"
            elif now is None:
                aspect, detail = f"{name}-unset", f"{keyword} {_show(was)} removed"
            else:
                moved = "increased" if now > was else "decreased"
                aspect = f"{name}-{moved}"
                detail = f"{keyword} {moved} from {_show(was)} to {_show(now)}"
            out.append(self._at(old, new, keyword, aspect, detail))

    def _pattern(self, old: _View, new: _View, out: list[Delta]) -> None:
        was, now = old.keywords.get("pattern"), new.keywords.get("pattern")
        if was == now:
            return
        if was is None:
            aspect, detail = "pattern-added", f"pattern {_show(now)} added"
        elif now is None:
            aspect, detail = "pattern-removed", f"pattern {_show(was)} removed"
        else:
            aspect, detail = "pattern-changed", f"pattern changed from {_show(was)} to {_show(now)}"
        out.append(self._at(old, new, "pattern", aspect, detail))

    def _deprecated(self, old: _View, new: _View, out: list[Delta]) -> None:
        was, now = old.keywords.get("deprecated") is True, new.keywords.get("deprecated") is True
        if was != now:
            aspect, detail = (
                ("deprecated", "deprecated") if now else ("reactivated", "undeprecated")
            )
            out.append(self._at(old, new, "deprecated", aspect, detail))

    # -- structure ------------------------------------------------------------------------

    def _properties(self, old: _View, new: _View, out: list[Delta]) -> None:
        before = {k: v for k, v in old.properties.items() if self._visible(self.old, v)}
        after = {k: v for k, v in new.properties.items() if self._visible(self.new, v)}
        for name, (node, pointer) in after.items():
            required = name in new.required
            if name not in before:
                kind = "required" if required else "optional"
                if required and _has_default(self.new.resolve(node, pointer)[0]):
                    kind = "required-with-default"
                out.append(Delta(f"property-added-{kind}", (name,), "added", pointer))
                continue
            old_node, old_pointer = before[name]
            was_required = name in old.required
            if required and not was_required:
                aspect = "property-became-required"
                if _has_default(self.new.resolve(node, pointer)[0]):
                    aspect += "-with-default"
                out.append(Delta(aspect, (name,), "became required", new.required[name]))
            elif was_required and not required:
                where = old.required[name]
                out.append(
                    Delta("property-became-optional", (name,), "became optional", where, "old")
                )
            found = self.compare(old_node, old_pointer, node, pointer)
            out.extend(d.under(name) for d in found)
        for name, (_, pointer) in before.items():
            if name not in after:
                kind = "required" if name in old.required else "optional"
                out.append(Delta(f"property-removed-{kind}", (name,), "removed", pointer, "old"))

    def _visible(self, side: Side, entry: tuple[Any, str]) -> bool:
        """A read-only property is no part of a request, a write-only one of a response."""
        node, _ = side.resolve(*entry)
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        return not (isinstance(node, dict) and node.get(hidden) is True)

    def _alternatives(
        self, keyword: str, aspect: str, old: _View, new: _View, out: list[Delta]
    ) -> None:
        was, now = old.keywords.get(keyword), new.keywords.get(keyword)
        if not isinstance(was, list) or not isinstance(now, list):
            return
        before = _members(was, join_pointer(old.pointers[keyword], keyword))
        after = _members(now, join_pointer(new.pointers[keyword], keyword))
        pairs, removed, added = _match(before, after, self.old, self.new)
        for (o, op, _), (n, np, _) in pairs:
            out.extend(self.compare(o, op, n, np))
        for _, pointer, label in removed:
            out.append(Delta(f"{aspect}-removed", (), f"{keyword} {label} removed", pointer, "old"))
        for _, pointer, label in added:
            out.append(Delta(f"{aspect}-added", (), f"{keyword} {label} added", pointer))

    # -- helpers --------------------------------------------------------------------------

    def _at(self, old: _View, new: _View, keyword: str, aspect: str, detail: str) -> Delta:
        if keyword in new.pointers:
            return Delta(aspect, (), detail, join_pointer(new.pointers[keyword], keyword))
        if keyword in old.pointers:
            pointer = join_pointer(old.pointers[keyword], keyword)
            return Delta(aspect, (), detail, pointer, "old")
        return Delta(aspect, (), detail, new.pointer)

    def _view(self, side: Side, node: dict[str, Any], pointer: str) -> _View:
        view = _View(pointer=pointer)
        _merge(side, node, pointer, view, set(), 0)
        return view


def _shortest_paths(deltas: list[Delta]) -> list[Delta]:
    """One delta per fact: a schema reached along several paths (two properties with the same
    `$ref`, a web of recursive schemas) is reported along the shortest one. Without this the
    number of paths, and of lines, can grow exponentially with the schemas."""
    best: dict[tuple[str, str, str, str], Delta] = {}
    for delta in deltas:
        key = (delta.aspect, delta.pointer, delta.side, delta.detail)
        kept = best.get(key)
        if kept is None or (len(delta.path), delta.path) < (len(kept.path), kept.path):
            best[key] = delta
    return list(best.values())


def _merge(
    side: Side, node: dict[str, Any], pointer: str, view: _View, seen: set[int], depth: int
) -> None:
    if id(node) in seen or depth > _MAX_ALLOF_DEPTH:
        return
    seen.add(id(node))
    for keyword in (*_SCALARS, *_SUBSCHEMAS, *_ALTERNATIVES, "required"):
        if keyword in node and keyword not in view.keywords:
            view.keywords[keyword] = node[keyword]
            view.pointers[keyword] = pointer
    for name in node.get("required") or ():
        if isinstance(name, str):
            view.required.setdefault(name, join_pointer(pointer, "required"))
    properties = node.get("properties")
    if isinstance(properties, dict):
        for name, schema in properties.items():
            if name not in view.properties:
                view.properties[name] = (schema, join_pointer(pointer, "properties", name))
    for index, member in enumerate(node.get("allOf") or ()):
        target, target_pointer = side.resolve(member, join_pointer(pointer, "allOf", index))
        if isinstance(target, dict):
            _merge(side, target, target_pointer, view, seen, depth + 1)


def _members(members: list[Any], pointer: str) -> list[tuple[Any, str, str]]:
    """(node, pointer, label) per member: a `$ref` keeps its own pointer so matching can see
    which component it names."""
    found = []
    for index, member in enumerate(members):
        ref = member.get("$ref") if isinstance(member, dict) else None
        label = ref.rsplit("/", 1)[-1] if isinstance(ref, str) else f"#{index}"
        found.append((member, join_pointer(pointer, index), label))
    return found


def _match(
    before: list[tuple[Any, str, str]],
    after: list[tuple[Any, str, str]],
    old: Side,
    new: Side,
) -> tuple[list[tuple[Any, Any]], list[tuple[Any, str, str]], list[tuple[Any, str, str]]]:
    """Pair the members of two `oneOf`/`anyOf` lists: same `$ref` first, then equal content,
    then the rest in order; what is left over was removed or added."""
    left, right = list(before), list(after)
    pairs = []
    for same in (
        lambda a, b: isinstance(a[0], dict) and "$ref" in a[0] and a[0] == b[0],
        lambda a, b: old.resolve(a[0], a[1])[0] == new.resolve(b[0], b[1])[0],
    ):
        for a in list(left):
            b = next((b for b in right if same(a, b)), None)
            if b is not None:
                pairs.append((a, b))
                left.remove(a)
                right.remove(b)
    count = min(len(left), len(right))
    pairs.extend(zip(left[:count], right[:count], strict=True))
    return pairs, left[count:], right[count:]


def _covers(wide: tuple[Any, Any], narrow: tuple[Any, Any]) -> bool:
    """Does type/format `wide` accept every value `narrow` does? (None accepts anything.)"""
    (wide_type, wide_format), (narrow_type, narrow_format) = wide, narrow
    type_ok = wide_type in (None, narrow_type) or (wide_type, narrow_type) in _WIDER_TYPE
    format_ok = (
        wide_format in (None, narrow_format) or (wide_format, narrow_format) in _WIDER_FORMAT
    )
    return type_ok and format_ok


def _type_label(type_format: tuple[Any, Any]) -> str:
    kind, fmt = type_format
    label = str(kind) if kind is not None else "any"
    return f"{label}/{fmt}" if fmt is not None else label


def _canonical(values: list[Any]) -> dict[str, Any]:
    return {json.dumps(v, sort_keys=True): v for v in values}


def _same(a: Any, b: Any) -> bool:
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def _show(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _number(value: Any) -> float | int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return value


def _has_default(node: Any) -> bool:
    return isinstance(node, dict) and "default" in node
