"""Load: turn a raw document's bytes into a plain JSON-compatible dict, or fail clearly.

fal sends metadata as a protobuf Struct, so what comes out must be pure JSON: string keys
only (YAML reads `200:` as an int), no dates (YAML reads `2024-01-01` as a date), no NaN or
Infinity, no bytes or sets. Every failure names the document, and the line and column or the
JSON pointer where it happened. Hostile input (a "billion laughs" alias bomb, deep nesting)
fails fast against the limits in `openapi_meta.limits`.
"""

from __future__ import annotations

import contextlib
import json
import math
from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.errors import DocumentError
from openapi_meta.jsontypes import JSONObject
from openapi_meta.limits import MAX_DEPTH, MAX_DOCUMENT_BYTES
from openapi_meta.sources import RawDocument

__all__ = ["load_document", "parse_text"]


def load_document(raw: RawDocument) -> JSONObject:
    """Decode and parse `raw`; the result is a fresh tree (no shared nodes) of JSON values."""
    if len(raw.content) > MAX_DOCUMENT_BYTES:
        raise DocumentError(
            f"{raw.name}: {len(raw.content):,} bytes is over the {MAX_DOCUMENT_BYTES:,}-byte limit"
        )
    text = _decode(raw.content, raw.name)
    data = parse_text(text, raw.name, syntax=raw.syntax)
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else f"a single {_type_name(data)} value"
        raise DocumentError(
            f"{raw.name}: the document is {kind}, not a mapping (an OpenAPI object)"
        )
    return data


def parse_text(text: str, name: str, *, syntax: str | None = None) -> Any:
    """Parse JSON or YAML text (`syntax` None means: sniff) into checked JSON values."""
    if not text.strip():
        raise DocumentError(f"{name}: the document is empty")
    # Without a hint (a URL's response), text that starts like JSON is JSON: falling back to
    # YAML would turn broken JSON such as `{"a": }` into a document with silent nulls.
    starts_like_json = text.lstrip()[:1] in ("{", "[")
    if syntax == "json" or (syntax is None and starts_like_json):
        return _checked_json(text, name)
    if starts_like_json:
        # A .yaml file holding JSON: YAML 1.2 reads JSON as the same values, and the JSON
        # parser also reads what PyYAML refuses (an escaped surrogate pair, a DEL character).
        with contextlib.suppress(DocumentError):
            return _checked_json(text, name)
    from openapi_meta.document.load_yaml import parse_yaml  # PyYAML: only when needed

    data = parse_yaml(text, name)
    _check_tree(data, name)
    return data


def _checked_json(text: str, name: str) -> Any:
    data = _parse_json(text, name)
    # JSON has JSON values only: the depth is all there is to check, and the quick check
    # says whether the one that names the place must run.
    if _deeper_than_allowed(data):
        _check_tree(data, name)
    return data


def _decode(content: bytes, name: str) -> str:
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    nul = content.find(b"\x00")
    if nul != -1:
        raise DocumentError(
            f"{name}: not a text file (NUL byte at offset {nul}); expected JSON or YAML"
        )
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = content.count(b"\n", 0, exc.start) + 1
        raise DocumentError(
            f"{name}: line {line}: not valid UTF-8 (byte 0x{content[exc.start]:02x} at offset"
            f" {exc.start}); JSON and YAML specs must be UTF-8 text"
        ) from exc


# --- JSON -------------------------------------------------------------------------------


class _DuplicateKey(Exception):
    def __init__(self, obj: dict[str, Any], key: str) -> None:
        self.obj = obj
        self.key = key


def _parse_json(text: str, name: str) -> Any:
    duplicates: list[tuple[dict[str, Any], str]] = []

    def pairs_hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            key = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
            duplicates.append((obj, key))
        return obj

    def refuse_constant(token: str) -> float:
        raise ValueError(f"{token} is not a JSON value")

    try:
        data = json.loads(
            text,
            object_pairs_hook=pairs_hook,
            parse_constant=refuse_constant,
            parse_float=_finite_float,
        )
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"{name}: line {exc.lineno}, column {exc.colno}: invalid JSON: {exc.msg}"
        ) from exc
    except ValueError as exc:  # from refuse_constant / _finite_float
        raise DocumentError(f"{name}: invalid JSON: {exc}") from exc
    except RecursionError as exc:
        raise DocumentError(f"{name}: nested deeper than {MAX_DEPTH} levels") from exc
    if duplicates:
        obj, key = duplicates[0]
        where = _pointer_to(data, obj)
        raise DocumentError(
            f"{name}: duplicate key {key!r} in the object at {where or '/'};"
            " JSON parsers disagree on which value wins, so remove one"
        )
    return data


def _finite_float(token: str) -> float:
    value = float(token)
    if math.isinf(value):
        raise ValueError(f"the number {token} is too large for a 64-bit float")
    return value


def _pointer_to(root: Any, target: object) -> str:
    """The JSON pointer of the container `target` (by identity) in `root`; only on error paths."""
    stack: list[tuple[str, Any]] = [("", root)]
    while stack:
        pointer, node = stack.pop()
        if node is target:
            return pointer
        if isinstance(node, dict):
            stack.extend((join_pointer(pointer, k), v) for k, v in node.items())
        elif isinstance(node, list):
            stack.extend((join_pointer(pointer, i), v) for i, v in enumerate(node))
    return ""


# --- checks common to both ----------------------------------------------------------------

_SCALARS = (str, int, float, bool, type(None))


def _check_tree(data: Any, name: str) -> None:
    """Depth and value types; iterative, so a deep document can't crash the check itself."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        elif isinstance(node, _SCALARS):
            continue
        else:
            where = _pointer_to(data, node) or "/"
            raise DocumentError(f"{name}: {_type_name(node)} value at {where} is not JSON")
        if depth > MAX_DEPTH:
            where = _pointer_to(data, node) or "/"
            raise DocumentError(f"{name}: nested deeper than {MAX_DEPTH} levels (at {where})")
        stack.extend((child, depth + 1) for child in children if not isinstance(child, _SCALARS))


def _deeper_than_allowed(node: Any, depth: int = 1) -> bool:
    """Whether containers nest deeper than MAX_DEPTH below `node`, at `depth` (recursion
    stops at MAX_DEPTH, well inside Python's limit)."""
    for child in node.values() if type(node) is dict else node:
        kind = type(child)
        if (kind is dict or kind is list) and (
            depth >= MAX_DEPTH or _deeper_than_allowed(child, depth + 1)
        ):
            return True
    return False


def _type_name(value: object) -> str:
    return {dict: "mapping", list: "list", str: "string", bool: "boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )
