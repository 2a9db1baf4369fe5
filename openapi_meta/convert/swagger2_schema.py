"""Swagger 2.0 → 3.0 Schema objects: the keywords 2.0 spells differently, found by the walker.

A 2.0 Schema is close to a 3.0 one; what differs: `$ref`s point into `definitions` (3.0:
`components/schemas`), `x-nullable` is 3.0's `nullable`, `discriminator` is a property name
(3.0: an object with `propertyName`), `type: file` (a download) is a binary string, and some
generators emit JSON Schema's `type` arrays or tuple `items`, which 3.0 does not have. This runs
on the 2.0 document before it is restructured, so every finding names its place in the input;
the walker's type table tells Schemas from data, so a property *named* `type` or `x-nullable`
is never rewritten.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.convert.swagger2_refs import Swagger2State
from openapi_meta.document.pointer import fragment_ref, join_pointer, unescape_token
from openapi_meta.document.walk import SWAGGER_20, NodeType, Replace, walk
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject


def upgrade_schemas(document: JSONObject, state: Swagger2State) -> None:
    """Rewrite every Schema object of the 2.0 `document` in place into its 3.0 form."""
    walk(document, [_SchemaVisitor(state)], SWAGGER_20)


def upgrade_schema(schema: JSON, pointer: str, state: Swagger2State) -> JSON:
    """The 3.0 form of one 2.0 Schema found at `pointer` outside a Schema position."""
    return walk(schema, [_SchemaVisitor(state)], SWAGGER_20, root_type="Schema", pointer=pointer)


class _SchemaVisitor:
    """`leave_Schema`: children are already converted (with their input pointers)."""

    def __init__(self, state: Swagger2State) -> None:
        self.state = state

    def leave_Schema(self, node: Any, pointer: str, node_type: NodeType) -> Replace | None:
        if type(node) is not dict:
            return None
        state = self.state
        if "$ref" in node:
            node["$ref"] = state.rewrite_ref(node["$ref"], join_pointer(pointer, "$ref"))
        if "x-nullable" in node:
            _nullable(node, pointer, state)
        if isinstance(node.get("discriminator"), str):
            # 2.0: the name of the property whose value is the subtype's definition name;
            # 3.0 says the same with an object (implicit mapping by schema name).
            node["discriminator"] = _discriminator(node["discriminator"], pointer, state)
        if isinstance(node.get("items"), list):
            _tuple_items(node, pointer, state)
        kind = node.get("type")
        if kind == "file":
            node["type"] = "string"
            node["format"] = "binary"
        elif isinstance(kind, list):
            _type_array(node, pointer, state)
        if "$ref" in node and node.get("nullable") is True:
            # 3.0 ignores a $ref's siblings; the wrapper makes `nullable` count.
            ref = node.pop("$ref")
            return Replace({"allOf": [{"$ref": ref}], **node})
        return None


def _discriminator(property_name: str, pointer: str, state: Swagger2State) -> JSONObject:
    """A 3.0 discriminator; subtypes whose definition was renamed get an explicit `mapping`,
    since the values in the data are still the old names, which no longer name a schema."""
    discriminator: JSONObject = {"propertyName": property_name}
    renamed = {old: new for old, new in state.names.get("definitions", {}).items() if old != new}
    base = unescape_token(pointer.split("/")[2]) if pointer.startswith("/definitions/") else None
    if not renamed or base is None or pointer.count("/") != 2:
        return discriminator
    base_ref = "#/definitions/" + base
    definitions = state.source.get("definitions")
    mapping = {
        old: fragment_ref(["components", "schemas", new])
        for old, new in renamed.items()
        if isinstance(definitions, dict)
        and isinstance(definitions.get(old), dict)
        and any(
            isinstance(part, dict) and part.get("$ref") == base_ref
            for part in definitions[old].get("allOf") or ()
        )
    }
    if mapping:
        discriminator["mapping"] = mapping
        state.report(
            "swagger2-discriminator-mapping",
            Level.INFO,
            join_pointer(pointer, "discriminator"),
            f"renamed subtypes mapped explicitly: {', '.join(sorted(mapping))}",
        )
    return discriminator


def _nullable(node: JSONObject, pointer: str, state: Swagger2State) -> None:
    value = node.pop("x-nullable")
    if isinstance(value, bool):
        node["nullable"] = value
        return
    state.report(
        "swagger2-x-nullable-invalid",
        Level.WARNING,
        join_pointer(pointer, "x-nullable"),
        f"x-nullable must be a boolean, not {value!r}; dropped",
    )


def _tuple_items(node: JSONObject, pointer: str, state: Swagger2State) -> None:
    """3.0 `items` is one schema; a list (a tuple in JSON Schema draft 4) becomes anyOf."""
    items: list[JSON] = node["items"]  # type: ignore[assignment]
    node["items"] = items[0] if len(items) == 1 else ({"anyOf": items} if items else {})
    state.report(
        "swagger2-items-list",
        Level.WARNING,
        join_pointer(pointer, "items"),
        "a list of item schemas (a tuple) is not 3.0; every item must now match"
        " one of them, whatever its position",
    )


# Keywords that apply to values of one JSON type only.
_TYPE_KEYWORDS = {
    "array": ("items", "maxItems", "minItems", "uniqueItems"),
    "object": ("properties", "additionalProperties", "required", "maxProperties", "minProperties"),
    "string": ("maxLength", "minLength", "pattern"),
    "number": ("maximum", "exclusiveMaximum", "minimum", "exclusiveMinimum", "multipleOf"),
}
_TYPE_KEYWORDS["integer"] = _TYPE_KEYWORDS["number"]


def _member(node: JSONObject, kind: str) -> JSONObject:
    """The anyOf member for one type: the type and the keywords that constrain it."""
    member: JSONObject = {"type": kind}
    for key in _TYPE_KEYWORDS.get(kind, ()):
        if key in node:
            member[key] = node[key]
    return member


def _type_array(node: JSONObject, pointer: str, state: Swagger2State) -> None:
    """`type: [a, b]` (JSON Schema, not 2.0) → one type, or anyOf one-type schemas.

    A keyword that constrains one type only (`items` arrays, `maxLength` strings) moves into
    that type's member, where 3.0 expects it (an array schema needs its `items`); the meaning
    is the same, since JSON Schema ignores such a keyword for values of other types.
    """
    types = [t for t in node["type"] if isinstance(t, str)]  # type: ignore[union-attr]
    nullable = "null" in types
    types = list(dict.fromkeys(t for t in types if t != "null"))
    del node["type"]
    if len(types) == 1:
        node["type"] = types[0]
        if nullable:
            node["nullable"] = True
    elif types:
        # 3.0.3 `nullable` only counts beside `type`, so it goes on one member.
        members: list[JSON] = [_member(node, t) for t in types]
        for key in {k for m in members for k in m if k != "type"}:  # type: ignore[union-attr]
            node.pop(key, None)
        if nullable:
            members[0]["nullable"] = True  # type: ignore[index]
        if "anyOf" in node:
            node["allOf"] = [*node.get("allOf", []), {"anyOf": members}]  # type: ignore[list-item]
        else:
            node["anyOf"] = members
    elif nullable:
        node["nullable"] = True
        node["enum"] = [None]
    state.report(
        "swagger2-type-array",
        Level.INFO,
        join_pointer(pointer, "type"),
        f"a list of types is not valid in 2.0 or 3.0; expressed as"
        f" {'one type' if len(types) == 1 else 'anyOf of one-type schemas'}"
        f"{' + nullable' if nullable else ''}",
    )
