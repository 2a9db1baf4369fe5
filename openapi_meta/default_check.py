"""Is a schema's `default` (or `example`) valid: told at once for the simple schemas most
values sit in.

The reference checks each default with openapi-schema-validator's `OAS30Validator`, whose
import (jsonschema, referencing, pydantic-settings: 60 ms) costs more than checking all of
GitHub's 973 defaults, and each check builds a validator. Nearly all of them sit in schemas
like `{type: boolean, default: false}` or `{type: string, enum: [...], default: "all"}`: for
such a schema and a non-null scalar, `quick_valid` answers as the reference does. It says
True only when the reference says the value is valid (`tests/test_default_check.py`
compares them on generated schemas); None means "ask the reference": every other schema,
every null, every invalid value, so that a message is always the reference's own.

A `format` is checked as the reference's checker does: OpenAPI's own numeric formats by
their definition here, the others by jsonschema's `FormatChecker` (the one the reference's
is made from, and a third of its import), so the common `format: uri`, `date-time` and
`int64` examples (pydantic's HttpUrl, datetime, int) need no reference either.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

# Keywords that never constrain a scalar default under OAS 3.0 (nullable only matters for
# null, which goes to the reference).
_INERT = frozenset(
    {"default", "description", "title", "example", "deprecated", "readOnly", "writeOnly"}
    | {"nullable", "externalDocs", "xml"}
)
_CHECKED = frozenset(
    {"type", "enum", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
    | {"minLength", "maxLength", "format"}
)
_BOUNDS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_LENGTHS = frozenset({"minLength", "maxLength"})
# openapi-schema-validator's OAS 3.0 formats: true of every scalar, or a range of integers
# (bool is never taken for an int); `byte` and `regex` are left to it.
_ALWAYS_TRUE_FORMATS = frozenset({"float", "double", "binary", "password"})
_INTEGER_BITS = {"int32": 31, "int64": 63}
_REFERENCE_FORMATS = frozenset({"byte", "regex"})
_TYPES = {
    "string": lambda v: type(v) is str,
    "boolean": lambda v: type(v) is bool,
    "integer": lambda v: type(v) is int,  # draft 4: 1.0 is not an integer
    "number": lambda v: type(v) is int or type(v) is float,
}


def quick_valid(schema: Any, value: Any) -> bool | None:
    """True when `value` is certainly valid against `schema` (as OAS30Validator decides);
    None when only the reference can tell."""
    if type(schema) is not dict or type(value) not in (str, bool, int, float):
        return None
    for key in schema:
        if key not in _CHECKED and key not in _INERT and not key.startswith("x-"):
            return None
    kind = schema.get("type")
    if kind is not None and not (type(kind) is str and kind in _TYPES and _TYPES[kind](value)):
        return None
    if "enum" in schema and not _in_enum(schema["enum"], value):
        return None
    if type(value) is str:
        verdict = _length_ok(schema, value)
    elif type(value) is not bool:
        verdict = _bounds_ok(schema, value)
    else:
        verdict = None if _has_any(schema, _BOUNDS | _LENGTHS) else True
    if verdict and "format" in schema:
        return _format_ok(schema["format"], value)
    return verdict


def _in_enum(enum: Any, value: Any) -> bool:
    """Only strings are compared here: the reference's equality of numbers and booleans
    (1 == 1.0, True != 1) is its own business."""
    if type(value) is not str or type(enum) is not list:
        return False
    return any(type(member) is str and member == value for member in enum)


def _length_ok(schema: dict[str, Any], value: str) -> bool | None:
    if _has_any(schema, _BOUNDS):
        return None
    low, high = schema.get("minLength", 0), schema.get("maxLength")
    if type(low) is not int or (high is not None and type(high) is not int):
        return None
    length = len(value)  # code points, as the reference counts
    return True if low <= length and (high is None or length <= high) else None


def _bounds_ok(schema: dict[str, Any], value: float) -> bool | None:
    if _has_any(schema, _LENGTHS):
        return None
    for bound_key, exclusive_key, below in (
        ("minimum", "exclusiveMinimum", False),
        ("maximum", "exclusiveMaximum", True),
    ):
        exclusive = schema.get(exclusive_key, False)
        if type(exclusive) is not bool:
            return None
        if bound_key not in schema:
            if exclusive:
                return None  # an exclusive flag without its bound: the reference decides
            continue
        bound = schema[bound_key]
        if type(bound) not in (int, float):
            return None
        low, high = (value, bound) if below else (bound, value)
        if not (low < high or (low == high and not exclusive)):
            return None
    return True


def _format_ok(name: Any, value: str | bool | float) -> bool | None:
    if type(name) is not str or name in _REFERENCE_FORMATS:
        return None
    if name in _ALWAYS_TRUE_FORMATS:
        return True
    if name in _INTEGER_BITS:
        if type(value) is not int:
            return True
        bits = _INTEGER_BITS[name]
        return True if ~(1 << bits) < value < 1 << bits else None
    checker = _jsonschema_formats()
    if name not in checker.checkers:
        return True  # a format nobody checks (`uri` without rfc3987 installed)
    try:
        return True if checker.conforms(value, name) else None
    except Exception:  # a checker that trips on the value: the reference reports it
        return None


@lru_cache(maxsize=1)
def _jsonschema_formats() -> Any:
    from jsonschema import FormatChecker

    return FormatChecker()


def _has_any(schema: dict[str, Any], keys: set[str] | frozenset[str]) -> bool:
    return not keys.isdisjoint(schema)
