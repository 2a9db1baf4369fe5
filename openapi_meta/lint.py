"""fal lint: what a valid spec can still get wrong as fal metadata, as findings.

The preflight of `fal deploy`: `fal deploy` sends the metadata as a protobuf `Struct`
(`fal/sdk.py`: `Struct().update(metadata)`) in a field of its register request, so the spec
goes through a real `Struct` serialize → parse round trip with protobuf, parsed one message
level down as that field is. Its decoder
(upb) stops at 100 message levels, and each JSON object costs three of them (a Struct, a map
entry, a Value), so a spec nested about 33 objects deep cannot be sent:

- `fal-struct-depth` (an error: exit 1, nothing written): the decoder refuses the nesting;
  the pointer is the deepest node. Keep `$ref`s to components rather than dereferencing.
- `fal-integer-too-large` and `fal-struct-string` (errors): an integer beyond a double's
  range, a string or key with a lone surrogate (not UTF-8); `Struct.update` fails on them.
- `fal-inexact-integer` (a warning): an integer a double cannot hold exactly (beyond 2^53):
  a Struct carries every number as a double, so fal receives another number.

Warning codes (stable; `--strict` makes them fail the run; `--no-lint` turns them off):

- `fal-struct-value`: a value a protobuf Struct cannot carry (a non-string key, bytes, a set,
  a tuple, NaN/Infinity, any non-JSON object). fal sends metadata as a Struct; the loader
  already prevents most of these, so this guards specs handed in through the Python API.
- `fal-too-large`: the serialized spec is over 4 MiB, gRPC's default message limit.
- `fal-no-paths`: no endpoints: the Playground has nothing to show.
- `fal-no-request-schema`: a request body with no schema, or a POST/PUT/PATCH that takes no
  input at all: the Playground has no form to render.
- `fal-no-response-schema`: no success (2XX or default) response has a schema (unless the
  operation only ever answers 204/205 No Content).
- `fal-missing-operation-id` / `fal-duplicate-operation-id`: fal's endpoint list and client
  code name endpoints by `operationId`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from typing import Any

from openapi_meta.document.pointer import PointerError, join_pointer, resolve_ref
from openapi_meta.findings import Finding, Level
from openapi_meta.jsontypes import JSON, JSONObject

GRPC_MESSAGE_LIMIT = 4 * 1024 * 1024
EXACT_DOUBLE_INTEGERS = 2**53
_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TAKES_BODY = frozenset({"post", "put", "patch"})


def lint(spec: JSONObject, *, warnings: bool = True) -> list[Finding]:
    """Every fal-specific problem of `spec`, sorted; empty for a spec fal will use well.
    Without `warnings`, only the errors: what `fal deploy` could not send at all."""
    plain = _plain(spec)
    findings = [] if plain else list(_struct_values(spec, ""))
    if not findings:
        findings.extend(struct_round_trip(spec, plain=plain))
        if warnings and not any(f.level is Level.ERROR for f in findings):
            findings.extend(_size(spec))
    if warnings:
        findings.extend(_operations(spec))
    return sorted(f for f in findings if warnings or f.level is Level.ERROR)


def struct_round_trip(spec: JSONObject, *, plain: bool | None = None) -> list[Finding]:
    """Send the spec's deepest nesting through a protobuf Struct and back, as `fal deploy`
    sends `{"openapi": spec}`: the findings on what arrives changed, or not at all.

    The decoder's verdict depends on how deep messages nest, not on how many there are, so
    what is sent is the chain of objects and lists that leads to the spec's deepest node (its
    keys, no other values): the same verdict as the whole spec, in microseconds instead of a
    fifth of a second for GitHub's description (`Struct.update` is Python). The values the
    Struct would change or refuse are found by the walks, with their pointers (`plain`:
    what `_plain` said of the spec, when the caller already asked)."""
    from google.protobuf.message import DecodeError
    from google.protobuf.struct_pb2 import Struct, Value

    if plain is None:
        plain = _plain(spec)
    changed = [] if plain else list(_values_a_struct_changes(spec, ""))
    if any(f.level is Level.ERROR for f in changed):
        return changed  # Struct.update itself fails on them
    pointer, objects, chain = _deepest(spec)
    sent = Struct()
    try:
        sent.update({"openapi": chain})
        data = sent.SerializeToString()
    except (TypeError, ValueError, OverflowError) as exc:  # what the walks above rule out
        return [
            Finding("fal-struct-value", Level.ERROR, "", f"a protobuf Struct refuses it: {exc}")
        ]
    try:
        # fal sends the Struct as a field of its RegisterApplicationRequest, one message
        # level down: parse it as the field of a message (a Value's struct_value), as deep.
        Value.FromString(_STRUCT_VALUE_TAG + _varint(len(data)) + data)
    except DecodeError:
        depth = Finding(
            "fal-struct-depth",
            Level.ERROR,
            pointer,
            f"nested {objects} JSON objects deep here: deeper than the protobuf Struct that"
            " `fal deploy` sends can carry (its decoder stops at 100 message levels, about 32"
            " objects). Keep $refs to components instead of inlining them (do not dereference"
            " the spec), or name the inline schema as a component and $ref it",
        )
        return [depth, *changed]
    return changed


_STRUCT_VALUE_TAG = bytes([5 << 3 | 2])  # google.protobuf.Value field 5, length-delimited


def _varint(number: int) -> bytes:
    out = bytearray()
    while True:
        low, number = number & 0x7F, number >> 7
        out.append(low | (0x80 if number else 0))
        if not number:
            return bytes(out)


def _deepest(spec: JSONObject) -> tuple[str, int, JSON]:
    """Where the spec nests deepest in protobuf messages: the pointer of the deepest object
    or list, how many objects enclose that place, and the chain from the root to it (the
    same keys and list positions, nothing else), which nests exactly as deep as the spec."""
    _, path = _levels(spec)
    node: Any = spec
    holders = []
    for step in path:
        holders.append(node)
        node = node[step]
    leaf: JSON = None if type(node) not in (dict, list) else type(node)()
    chain = leaf
    for step, holder in zip(reversed(path), reversed(holders), strict=True):
        chain = {step: chain} if type(holder) is dict else [chain]
    scalar = leaf is None and bool(path)
    pointer = join_pointer("", *(path[:-1] if scalar else path))
    objects = sum(type(h) is dict for h in holders) + (type(node) is dict)
    return pointer, max(objects, 1), chain


def _levels(value: Any) -> tuple[int, list[Any]]:
    """How many protobuf message levels `value` takes as a Value (itself included), and the
    keys or list positions that lead to its deepest part: a Value holds a scalar (1), a
    Struct whose map entries hold Values (2 + 1 + the deepest child), or a ListValue of
    Values (2 + the deepest item)."""
    kind = type(value)
    if kind is dict:
        items, entry = value.items(), 1
    elif kind is list:
        items, entry = enumerate(value), 0
    else:
        return 1, []
    best, path = 0, []
    for step, item in items:
        if type(item) is dict or type(item) is list:
            levels, below = _levels(item)
        else:
            levels, below = 1, []
        if levels > best:
            best, path = levels, [step, *below]
    return 2 + (entry + best if best else 0), path


def _values_a_struct_changes(value: Any, pointer: str) -> Iterator[Finding]:
    """Integers a double does not hold exactly, and strings that are not valid UTF-8 (a lone
    surrogate from a `\\udXXX` escape): a Struct carries numbers as doubles, strings as UTF-8."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            here = join_pointer(pointer, key)
            if not key.isascii():
                yield from _not_utf8(key, here, "key")
            yield from _values_a_struct_changes(item, here)
    elif kind is list:
        for index, item in enumerate(value):
            yield from _values_a_struct_changes(item, join_pointer(pointer, index))
    elif kind is str and not value.isascii():
        yield from _not_utf8(value, pointer, "string")
    elif kind is int and abs(value) > EXACT_DOUBLE_INTEGERS:
        try:
            double = float(value)
        except OverflowError:
            yield Finding(
                "fal-integer-too-large",
                Level.ERROR,
                pointer,
                "an integer beyond the range of a double: a protobuf Struct carries every"
                " number as one, so `fal deploy` fails on it; write it as a string",
            )
            return
        if int(double) != value:
            yield _warning(
                "fal-inexact-integer",
                pointer,
                f"{value} is not exact as a double, and a protobuf Struct carries every number"
                f" as one: fal receives {double!r}; write it as a string if it must be exact",
            )


def _not_utf8(text: str, pointer: str, what: str) -> Iterator[Finding]:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        character = text[exc.start]
        yield Finding(
            "fal-struct-string",
            Level.ERROR,
            pointer,
            f"the {what} holds a lone surrogate (\\u{ord(character):04x}), which is not"
            " valid UTF-8: a protobuf Struct cannot carry it, so `fal deploy` fails on it;"
            " fix the escape in the source spec",
        )


def _warning(code: str, pointer: str, message: str) -> Finding:
    return Finding(code, Level.WARNING, pointer, message)


def _struct_values(value: Any, pointer: str) -> Iterator[Finding]:
    """Values outside Struct's model: string-keyed maps, lists, strings, numbers, bools, null."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str:
                yield _warning(
                    "fal-struct-value",
                    join_pointer(pointer, str(key)),
                    f"the key {key!r} is a {type(key).__name__}; a Struct only has string keys",
                )
            yield from _struct_values(item, join_pointer(pointer, str(key)))
    elif kind is list:
        for index, item in enumerate(value):
            yield from _struct_values(item, join_pointer(pointer, index))
    elif kind is float:
        if not math.isfinite(value):
            yield _warning(
                "fal-struct-value", pointer, f"{value!r} is not a JSON number; write it as null"
            )
    elif value is not None and kind not in (str, int, bool):
        yield _warning(
            "fal-struct-value",
            pointer,
            f"a {kind.__name__} value cannot travel in a protobuf Struct"
            + (" (use a list)" if kind in (tuple, set, frozenset) else ""),
        )


def _size(spec: JSONObject) -> Iterator[Finding]:
    size = len(json.dumps(spec, separators=(",", ":"), ensure_ascii=False).encode())
    if size > GRPC_MESSAGE_LIMIT:
        yield _warning(
            "fal-too-large",
            "",
            f"the spec is {size:,} bytes as compact JSON, over gRPC's default message limit of"
            f" {GRPC_MESSAGE_LIMIT:,} bytes: registering it with fal may fail; hide endpoints"
            " with --exclude-path",
        )


def _plain(value: Any) -> bool:
    """Does every value travel through a Struct unchanged: string keys, finite numbers,
    integers a double holds exactly, UTF-8 text? The common case, checked without building
    a pointer per node; the walks that name places run only when it is not."""
    kind = type(value)
    if kind is dict:
        for key, item in value.items():
            if type(key) is not str or not (key.isascii() or _utf8(key)):
                return False
            kind = type(item)
            if kind is str:
                if not (item.isascii() or _utf8(item)):
                    return False
            elif not (kind is bool or item is None or _plain(item)):
                return False
        return True
    if kind is list:
        return all(_plain(item) for item in value)
    if kind is str:
        return value.isascii() or _utf8(value)
    if kind is int:
        return abs(value) <= EXACT_DOUBLE_INTEGERS
    if kind is float:
        return math.isfinite(value)
    return kind is bool or value is None


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _operations(spec: JSONObject) -> Iterator[Finding]:
    paths = spec.get("paths")
    if not isinstance(paths, dict) or not paths:
        yield _warning("fal-no-paths", "/paths", "the spec has no paths: no endpoint to show")
        return
    seen: dict[str, str] = {}
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        item = _resolve(spec, item)
        for method in _OPERATIONS:
            operation = item.get(method)
            if not isinstance(operation, dict):
                continue
            pointer = join_pointer("", "paths", path, method)
            yield from _operation_id(operation, pointer, seen)
            yield from _request(spec, item, operation, method, pointer)
            yield from _response(spec, operation, pointer)


def _operation_id(
    operation: dict[str, Any], pointer: str, seen: dict[str, str]
) -> Iterator[Finding]:
    operation_id = operation.get("operationId")
    if not isinstance(operation_id, str) or not operation_id:
        yield _warning(
            "fal-missing-operation-id", pointer, "no operationId: fal cannot name this endpoint"
        )
    elif operation_id in seen:
        yield _warning(
            "fal-duplicate-operation-id",
            join_pointer(pointer, "operationId"),
            f"operationId {operation_id!r} is also used at {seen[operation_id]}",
        )
    else:
        seen[operation_id] = pointer


def _request(
    spec: JSONObject, item: dict[str, Any], operation: dict[str, Any], method: str, pointer: str
) -> Iterator[Finding]:
    body = operation.get("requestBody")
    if isinstance(body, dict):
        if not _has_schema(_resolve(spec, body)):
            yield _warning(
                "fal-no-request-schema",
                join_pointer(pointer, "requestBody"),
                "the request body has no schema: the Playground cannot render a form",
            )
    elif method in _TAKES_BODY and not (operation.get("parameters") or item.get("parameters")):
        yield _warning(
            "fal-no-request-schema",
            pointer,
            f"{method.upper()} takes no request body and no parameters: the Playground has no"
            " input to render",
        )


def _response(spec: JSONObject, operation: dict[str, Any], pointer: str) -> Iterator[Finding]:
    responses = operation.get("responses")
    if not isinstance(responses, dict):
        return
    codes = [c for c in responses if str(c).startswith("2") or c == "default"]
    if not codes or all(c in ("204", "205") for c in codes):
        return
    if not any(_has_schema(_resolve(spec, responses[c])) for c in codes):
        yield _warning(
            "fal-no-response-schema",
            join_pointer(pointer, "responses"),
            "no success response has a schema: the Playground cannot render the result",
        )


def _has_schema(node: Any) -> bool:
    """Does a request body or response carry a schema in any of its media types?"""
    content = node.get("content") if isinstance(node, dict) else None
    return isinstance(content, dict) and any(
        isinstance(media, dict) and isinstance(media.get("schema"), dict)
        for media in content.values()
    )


def _resolve(spec: JSONObject, node: Any, depth: int = 0) -> Any:
    """Follow a local `$ref` (a chain of them, a few deep) to the object it names."""
    ref = node.get("$ref") if isinstance(node, dict) else None
    if not isinstance(ref, str) or not ref.startswith("#/") or depth > 8:
        return node
    try:
        target = resolve_ref(spec, ref)
    except PointerError:
        return node
    return _resolve(spec, target, depth + 1) if isinstance(target, dict) else node
