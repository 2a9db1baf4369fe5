"""Helpers shared by the schema passes: what a null-only schema and a bare $ref look like."""

from __future__ import annotations

from typing import Any

# Keywords that describe a schema without constraining instances.
ANNOTATIONS = frozenset(
    {
        "title",
        "description",
        "default",
        "example",
        "deprecated",
        "readOnly",
        "writeOnly",
        "externalDocs",
        "xml",
    }
)

# The fields of a Schema Object that hold one subschema, a list of them, or a map of them:
# the places where a boolean schema can stand.
SUBSCHEMA_ONE = (
    "not",
    "items",
    "additionalProperties",
    "additionalItems",
    "contains",
    "propertyNames",
    "if",
    "then",
    "else",
    "unevaluatedItems",
    "unevaluatedProperties",
    "contentSchema",
)
SUBSCHEMA_LIST = ("allOf", "anyOf", "oneOf", "prefixItems")
SUBSCHEMA_MAP = ("properties", "patternProperties", "dependentSchemas", "$defs", "definitions")


def null_only() -> dict[str, Any]:
    """The 3.0 spelling of JSON Schema's `type: "null"`: only `null` is accepted."""
    return {"nullable": True, "enum": [None]}


def is_null_only(schema: Any) -> bool:
    """True for `{type: "null"}` (3.1) or its 3.0 spelling, annotations aside."""
    if type(schema) is not dict:
        return False
    rest = {k: v for k, v in schema.items() if k not in ANNOTATIONS}
    return rest in (
        {"type": "null"},
        {"nullable": True, "enum": [None]},
        {"enum": [None]},
        {"const": None},
    )


def is_bare_ref(schema: Any) -> bool:
    """A schema that is only a `$ref` (nothing that 3.0 would ignore next to it)."""
    return type(schema) is dict and len(schema) == 1 and type(schema.get("$ref")) is str
