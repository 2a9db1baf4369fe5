"""Which JSON pointer each line of a written output belongs to (a module, JSON or YAML).

The spec diff labels its hunks with the pointer they are in, and GitHub annotations point at
the line of the module where a change is; both need this map. JSON written by `json.dumps`
with an indent has one key or value per line, so a stack of open containers is enough; YAML
is read with the YAML composer, which knows the line of every node.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence

import yaml

from openapi_meta.document.pointer import join_pointer

_KEY = re.compile(r'"(?:[^"\\]|\\.)*": ')
_MODULE_START = '_SPEC_JSON = r"""'


def line_pointers(lines: Sequence[str], fmt: str) -> Iterator[tuple[int, str]]:
    """(0-based line number, pointer) for each line of the spec's text in `lines`; lines of
    a module outside its `_SPEC_JSON` string are left out."""
    if fmt == "yaml":
        yield from _yaml_lines("\n".join(lines))
        return
    start = 0
    if fmt == "python":
        start = next((i for i, line in enumerate(lines) if line.startswith(_MODULE_START)), -1)
        if start < 0:
            return
    yield from _json_lines(lines, start, _MODULE_START if fmt == "python" else "")


def _json_lines(lines: Sequence[str], start: int, prefix: str) -> Iterator[tuple[int, str]]:
    stack: list[list[object]] = []  # [pointer, next index or None for an object]
    for number in range(start, len(lines)):
        text = lines[number].strip()
        if number == start:
            text = text[len(prefix) :]
        if not stack:
            if number > start:
                return  # past the document
            if text in ("{", "["):
                stack.append(["", 0 if text == "[" else None])
            yield number, ""
            continue
        if text[:1] in ("}", "]"):
            pointer, _ = stack.pop()
            yield number, str(pointer)
            continue
        frame = stack[-1]
        if frame[1] is None:
            match = _KEY.match(text)
            if match is None:
                continue
            raw = match.group()[:-2]
            key = json.loads(raw) if "\\" in raw else raw[1:-1]
            value = text[match.end() :]
        else:
            key = frame[1]
            frame[1] = int(frame[1]) + 1  # type: ignore[call-overload]
            value = text
        pointer = join_pointer(str(frame[0]), key)  # type: ignore[arg-type]
        opened = value.rstrip(",")
        if opened in ("{", "["):
            stack.append([pointer, 0 if opened == "[" else None])
        yield number, pointer


def _yaml_lines(text: str) -> Iterator[tuple[int, str]]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return
    # A line holds a key (the outermost one, for a flow mapping) or else starts a node.
    keys: dict[int, str] = {}
    starts: dict[int, str] = {}
    todo: list[tuple[yaml.Node, str]] = [(root, "")] if root is not None else []
    while todo:
        node, pointer = todo.pop()
        starts.setdefault(node.start_mark.line, pointer)
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                here = join_pointer(pointer, str(key.value))
                keys.setdefault(key.start_mark.line, here)
                todo.append((value, here))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                todo.append((item, join_pointer(pointer, index)))
    last = ""
    for number in range(len(text.splitlines())):
        last = keys.get(number, starts.get(number, last))
        yield number, last


def pointer_lines(lines: Sequence[str], fmt: str, wanted: set[str]) -> dict[str, int]:
    """The first line (0-based) of each wanted pointer, or of its nearest ancestor there."""
    found: dict[str, int] = {}
    ancestors = {a for p in wanted for a in _ancestors(p)}
    for number, pointer in line_pointers(lines, fmt):
        if pointer in ancestors and pointer not in found:
            found[pointer] = number
            if wanted <= found.keys():
                break
    result = {}
    for pointer in wanted:
        nearest = next((a for a in _ancestors(pointer) if a in found), None)
        if nearest is not None:
            result[pointer] = found[nearest]
    return result


def _ancestors(pointer: str) -> list[str]:
    """`pointer` itself, then its parents up to the root ""."""
    found = [pointer]
    while pointer:
        pointer = pointer.rsplit("/", 1)[0]
        found.append(pointer)
    return found
