"""Values of the wrong shape, read as the shape 3.0.3 wants when the intent is certain.

`coerce(value, scalar)` returns the value as that scalar type, or `MISSING` when no reading is
certain: YAML's `version: 1.0` is the string "1.0"; `minimum: '1e-08'` is the number 1e-08;
`required: 'true'` is True; `maxLength: 5.0` is 5. Nothing else is guessed: a list where a
string belongs, or `null` anywhere, has no certain reading.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import Any

from openapi_meta.jsontypes import JSON

__all__ = ["MISSING", "brief", "coerce", "format_ok", "informative", "json_key"]


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def coerce(value: JSON, scalar: str) -> JSON:
    """`value` as the scalar type `scalar` ("string", "boolean", "number", "integer", "any")."""
    kind = type(value)
    if scalar == "any":
        return value
    if scalar == "string":
        if kind is str:
            return value
        if kind is bool:
            return "true" if value else "false"
        if kind is int or kind is float:
            return str(value)
        return MISSING
    if scalar == "boolean":
        if kind is bool:
            return value
        if kind is str and value.strip().lower() in ("true", "false"):  # type: ignore[union-attr]
            return value.strip().lower() == "true"  # type: ignore[union-attr]
        return MISSING
    if scalar == "number":
        if (kind is int or kind is float) and _finite(value):
            return value
        if kind is str:
            return _number(value)  # type: ignore[arg-type]
        return MISSING
    if scalar == "integer":
        if kind is int:
            return value
        if kind is float and _finite(value) and value.is_integer():  # type: ignore[union-attr]
            return int(value)  # type: ignore[arg-type]
        if kind is str:
            number = _number(value)  # type: ignore[arg-type]
            if number is not MISSING and float(number).is_integer():
                return int(number)
        return MISSING
    raise ValueError(f"unknown scalar type {scalar!r}")


@lru_cache(maxsize=8)
def _format_validator(name: str) -> Any:
    import jsonschema_rs

    return jsonschema_rs.Draft4Validator({"format": name}, validate_formats=True)


def format_ok(value: str, name: str) -> bool:
    """Does `value` pass the JSON Schema format `name` as the validator checks it?"""
    return _format_validator(name).is_valid(value)


def informative(value: JSON) -> bool:
    """Does a value tell a reader anything? `null`, "" and empty containers do not."""
    return not (value is None or value == "" or value == [] or value == {})


def json_key(value: JSON) -> str:
    """A key under which JSON-equal values are equal (1 and 1.0 are one number, True is not 1)."""
    return json.dumps(_canonical(value), sort_keys=True, separators=(",", ":"))


def brief(value: JSON, limit: int = 60) -> str:
    """A short rendering of a value for a finding's message."""
    text = json.dumps(value, default=repr, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _canonical(value: JSON) -> JSON:
    if type(value) is float and value.is_integer() and _finite(value):
        return int(value)
    if type(value) is dict:
        return {k: _canonical(v) for k, v in value.items()}
    if type(value) is list:
        return [_canonical(v) for v in value]
    return value


def _finite(value: Any) -> bool:
    return type(value) is int or math.isfinite(value)


def _number(text: str) -> JSON:
    """A string that is a JSON number (`'1e-08'`, `' 3 '`), as that number."""
    try:
        number = json.loads(text.strip())
    except ValueError:
        return MISSING
    if type(number) is int or (type(number) is float and math.isfinite(number)):
        return number
    return MISSING
