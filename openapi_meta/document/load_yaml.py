"""YAML to JSON values, for `load`: string keys as written, dates as text, merge keys,
no YAML-only types, and alias bombs refused before anything is built. Its own module so
that loading JSON never imports PyYAML.

Plain scalars are typed by YAML 1.2's core schema, which OpenAPI recommends and the
JavaScript tools read specs with (js-yaml 4: Redocly, Swagger UI), not by PyYAML's YAML 1.1
rules: `example: 18:00` is the string "18:00" (1.1: the number 1080), `enum: [yes, no]`
strings, `1e-08` a number (1.1: a string), `017` the number 17 (1.1: 15). So every JSON
document reads as the same values in YAML, as 1.2 promises.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

import yaml

from openapi_meta.errors import DocumentError
from openapi_meta.limits import MAX_EXPANDED_NODES

_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _where(name: str, node: yaml.Node) -> str:
    mark = node.start_mark
    return f"{name}: line {mark.line + 1}, column {mark.column + 1}"


class _JSONLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe YAML loading that only builds JSON values and reports where it refuses."""

    name = "<document>"

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[str, Any]:
        if not isinstance(node, yaml.MappingNode):
            raise DocumentError(f"{_where(self.name, node)}: expected a mapping")
        own_keys = {id(key_node) for key_node, _ in node.value}
        self.flatten_mapping(node)  # `<<: *base` merge keys; explicit keys override merged ones
        mapping: dict[str, Any] = {}
        explicit: set[str] = set()
        for key_node, value_node in node.value:
            key = self._key_text(key_node)
            if key in explicit and id(key_node) in own_keys:
                raise DocumentError(
                    f"{_where(self.name, key_node)}: duplicate key {key!r};"
                    " YAML parsers disagree on which value wins, so remove one"
                )
            if id(key_node) in own_keys:
                explicit.add(key)
            mapping[key] = self.construct_object(value_node, deep=deep)
        return mapping

    def _key_text(self, key_node: yaml.Node) -> str:
        # Keep the key as written: `200:` is the response code "200", `010:` stays "010".
        if isinstance(key_node, yaml.ScalarNode):
            return key_node.value
        kind = "list" if isinstance(key_node, yaml.SequenceNode) else "mapping"
        raise DocumentError(
            f"{_where(self.name, key_node)}: a {kind} used as a mapping key; JSON keys are strings"
        )

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> str:
        value = super().construct_yaml_timestamp(node)
        return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else str(value)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> int:
        text = self.construct_scalar(node)
        if not _CORE_INT.fullmatch(text):
            return super().construct_yaml_int(node)  # an explicit `!!int` in a 1.1 form
        if text.startswith(("0o", "0x")):
            return int(text[2:], 8 if text[1] == "o" else 16)
        return int(text, 10)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> float:
        value = super().construct_yaml_float(node)
        if not math.isfinite(value):
            raise DocumentError(
                f"{_where(self.name, node)}: {node.value!r} (NaN or infinity) is not a JSON number"
            )
        return value

    def refuse(self, node: yaml.Node) -> None:
        raise DocumentError(
            f"{_where(self.name, node)}: the YAML type {node.tag} has no JSON equivalent"
        )


_CORE_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_CORE_SCHEMA = (  # tag, pattern, the characters a match can start with
    ("bool", "true|True|TRUE|false|False|FALSE", "tTfF"),
    ("int", _CORE_INT.pattern, "-+0123456789"),
    (
        "float",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN)",
        "-+0123456789.",
    ),
    ("null", "~|null|Null|NULL|", ["~", "n", "N", ""]),
)
# Replace the 1.1 rules for these tags (timestamps and merge keys stay as PyYAML has them).
_JSONLoader.yaml_implicit_resolvers = {
    first: [
        (tag, pattern)
        for tag, pattern in resolvers
        if tag.rsplit(":", 1)[-1] not in {name for name, _, _ in _CORE_SCHEMA}
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _name, _pattern, _first in _CORE_SCHEMA:  # int before float: `12` is an int
    _JSONLoader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_name}", re.compile(f"^(?:{_pattern})$"), list(_first)
    )
_JSONLoader.add_constructor("tag:yaml.org,2002:timestamp", _JSONLoader.construct_yaml_timestamp)
_JSONLoader.add_constructor("tag:yaml.org,2002:int", _JSONLoader.construct_yaml_int)
_JSONLoader.add_constructor("tag:yaml.org,2002:float", _JSONLoader.construct_yaml_float)
for _tag in ("binary", "set", "omap", "pairs"):
    _JSONLoader.add_constructor(f"tag:yaml.org,2002:{_tag}", _JSONLoader.refuse)


def parse_yaml(text: str, name: str) -> Any:
    """YAML text as JSON values; aliases expanded into copies, hostile ones refused."""
    loader = _JSONLoader(text)
    loader.name = name
    try:
        node = loader.get_single_node()
        if node is None:
            raise DocumentError(f"{name}: the document is empty")
        shared = _check_node_graph(node, name)
        data = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = " ".join(filter(None, [exc.context, exc.problem])) or "invalid YAML"
        raise DocumentError(f"{name}: {where}invalid YAML: {problem}") from exc
    except yaml.YAMLError as exc:
        raise DocumentError(f"{name}: invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
    # Aliases make one object appear in several places; give each place its own copy so a
    # later edit of one occurrence never changes another.
    return _unshare(data) if shared else data


def _check_node_graph(root: yaml.Node, name: str) -> bool:
    """Refuse alias bombs and recursive aliases before anything is built; True if aliases exist.

    Sizes are memoised per node, so the check is linear in the distinct nodes even when the
    expanded document would be astronomically large.
    """
    expanded: dict[int, int] = {}
    in_progress: set[int] = set()
    shared = False
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            children = _children(node)
            total = 1 + sum(expanded[id(c)] for c in children)
            if total > MAX_EXPANDED_NODES:
                raise DocumentError(
                    f"{_where(name, node)}: YAML aliases expand to more than"
                    f" {MAX_EXPANDED_NODES:,} nodes (an alias bomb?)"
                )
            expanded[key] = total
            continue
        if key in expanded:
            shared = True
            continue
        if key in in_progress:
            raise DocumentError(f"{_where(name, node)}: a YAML alias refers to itself")
        in_progress.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))
    return shared


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def _unshare(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _unshare(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unshare(v) for v in value]
    return value
