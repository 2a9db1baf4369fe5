"""Hypothesis strategies for OpenAPI documents generated from the official JSON Schemas.

hypothesis-jsonschema reads the schemas' small, non-recursive definitions (Info, Server, Tag,
...) but refuses the documents themselves ("Could not resolve recursive references"), so
`documents(version)` interprets the schema that openapi-spec-validator ships for `version`
("3.0" or "3.1") itself: `$ref`, `oneOf`/`anyOf` (one branch, merged into its parent),
`allOf`, `enum`/`const`, `properties`/`required`, `patternProperties`, `additionalProperties`,
`items`, `pattern` and the formats the schema uses. It ignores `not`, `if`/`then` and
dependent schemas, so some documents are not quite valid in their own version: that is the
point, since real ones are not either. A Schema Object under 3.1 (`$dynamicRef: #meta`) is a
JSON Schema 2020-12 schema from `json_schemas()`, with every keyword 3.0 lacks.

Nesting is bounded: below `MAX_DEPTH` an object gets only its required fields, and a choice
between a Reference and an object takes the Reference.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

MAX_DEPTH = 5

# Local references, some to components that exist in no generated document (conform must
# repair them), one to a file (bundling must refuse it with a pointer) and one remote.
REFS = (
    "#/components/schemas/Pet",
    "#/components/schemas/Missing",
    "#/components/parameters/Limit",
    "#/components/responses/NotFound",
    "#/components/examples/One",
    "#/paths/~1pets/get",
    "#",
    "./elsewhere.yaml#/Pet",
    "https://example.com/schemas.json#/Pet",
)
FORMATS: dict[str, Any] = {
    "uri-reference": st.sampled_from(["https://example.com/x", "/docs", "x.html", "", "a b"]),
    "uri": st.sampled_from(["https://example.com/ns", "urn:example:x", "not a uri"]),
    "email": st.sampled_from(["api@example.com", "nobody", "a@b"]),
    "regex": st.sampled_from([r"^[a-z]+$", r"^\d{3}$", r"^[-\w]+\z", "(?i)x", "[", "a{1, 2}"]),
}
ODD = st.sampled_from([None, "", 0, -1, 1.5, True, "x", [], {}, [1, 1], {"a": None}])
# Names a property may have that are also keywords somewhere (3.0, 3.1, 2.0, OpenAPI objects).
KEYWORD_NAMES = (
    "type", "nullable", "const", "enum", "items", "properties", "required", "$ref", "$id",
    "$defs", "default", "example", "examples", "format", "allOf", "anyOf", "oneOf", "not",
    "additionalProperties", "exclusiveMinimum", "discriminator", "x-nullable", "schema",
    "content", "in", "name", "description", "summary", "paths", "definitions", "value",
)  # fmt: skip


def json_values(depth: int = 0) -> st.SearchStrategy[Any]:
    scalars = st.none() | st.booleans() | st.integers(-(2**63), 2**63) | st.text(max_size=8)
    if depth >= MAX_DEPTH:
        return scalars
    return st.recursive(
        scalars,
        lambda inner: (
            st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
        ),
        max_leaves=6,
    )


def json_schemas(depth: int = 0) -> st.SearchStrategy[Any]:
    """JSON Schema 2020-12 schemas as 3.1 documents write them, 3.0-unknown keywords included."""
    leaf = st.one_of(
        st.sampled_from(
            [
                {"type": "string"},
                {"type": ["string", "null"]},
                {"type": "null"},
                {"type": "integer", "exclusiveMinimum": 0},
                {"const": "fixed"},
                {"enum": ["a", "b", None]},
                {"type": "string", "contentMediaType": "image/png", "contentEncoding": "base64"},
                {"type": "string", "pattern": r"^[-\w]+\z"},
                {"type": "array"},
                {"$ref": "#/components/schemas/Pet"},
                {"$ref": "#/components/schemas/Missing", "description": "beside a ref"},
                {"examples": [1, 2]},
                {},
                True,
                False,
            ]
        ),
        st.fixed_dictionaries(
            {"type": st.just("string")}, optional={"format": st.text(max_size=5)}
        ),
    )
    if depth >= MAX_DEPTH:
        return leaf
    names = st.sampled_from(KEYWORD_NAMES) | st.text(max_size=5)

    def extend(inner: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
        return st.one_of(
            st.fixed_dictionaries(
                {
                    "type": st.just("object"),
                    "properties": st.dictionaries(names, inner, max_size=3),
                },
                optional={
                    "required": st.lists(names, max_size=3),
                    "additionalProperties": inner,
                    "patternProperties": st.dictionaries(st.just("^x_"), inner, max_size=1),
                    "$defs": st.dictionaries(st.just("Inner"), inner, max_size=1),
                    "unevaluatedProperties": st.just(False),
                },
            ),
            st.fixed_dictionaries({"type": st.just("array"), "items": inner}),
            st.fixed_dictionaries({"prefixItems": st.lists(inner, min_size=1, max_size=2)}),
            st.fixed_dictionaries({"anyOf": st.lists(inner, max_size=3)}),
            st.fixed_dictionaries({"oneOf": st.lists(inner, min_size=1, max_size=3)}),
            st.fixed_dictionaries({"allOf": st.lists(inner, min_size=1, max_size=2)}),
            st.fixed_dictionaries({"if": inner, "then": inner}),
            st.fixed_dictionaries({"not": inner}),
            st.fixed_dictionaries({"dependentSchemas": st.dictionaries(names, inner, max_size=1)}),
        )

    return st.recursive(leaf, extend, max_leaves=8)


@lru_cache(maxsize=4)
def official_schema(version: str) -> dict[str, Any]:
    """The OpenAPI JSON Schema openapi-spec-validator ships for "3.0" or "3.1"."""
    spec = find_spec("openapi_spec_validator")
    assert spec is not None and spec.submodule_search_locations is not None
    folder = Path(next(iter(spec.submodule_search_locations))) / "resources/schemas"
    return json.loads((folder / f"v{version}" / "schema.json").read_text())


def documents(version: str) -> st.SearchStrategy[dict[str, Any]]:
    """Documents of `version` ("3.0" or "3.1") generated from its official JSON Schema."""
    root = official_schema(version)

    @st.composite
    def document(draw: Any) -> dict[str, Any]:
        return _Interpreter(root, draw).instance(root, 0)  # type: ignore[return-value]

    return document()


class _Interpreter:
    """One drawing of an instance of a JSON Schema: `instance(schema, depth)`."""

    def __init__(self, root: dict[str, Any], draw: Any) -> None:
        self.root = root
        self.draw = draw

    def resolve(self, schema: Any) -> Any:
        """`schema` with its `$ref` (local to the root) merged in, and `allOf` folded in."""
        for _ in range(16):
            if not isinstance(schema, dict):
                return schema
            if "$ref" in schema:
                target = self.root
                for token in schema["$ref"].lstrip("#/").split("/"):
                    target = target[token.replace("~1", "/").replace("~0", "~")]
                schema = _merge({k: v for k, v in schema.items() if k != "$ref"}, target)
                continue
            if "allOf" in schema:
                merged = {k: v for k, v in schema.items() if k != "allOf"}
                for member in schema["allOf"]:
                    merged = _merge(merged, self.resolve(member))
                schema = merged
                continue
            return schema
        return schema

    def instance(self, schema: Any, depth: int) -> Any:
        draw = self.draw
        schema = self.resolve(schema)
        if schema is True or schema == {}:
            return draw(json_values(depth))
        if schema is False:
            return None
        if "$dynamicRef" in schema:
            return draw(json_schemas(depth))
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            return draw(st.sampled_from(schema["enum"]))
        for choice in ("oneOf", "anyOf"):
            if choice in schema:
                schema = self.choose(schema, choice, depth)
        if "if" in schema:  # 3.1's "X or Reference": `then` is the Reference
            branch = "then" if depth >= MAX_DEPTH or draw(st.booleans()) else "else"
            rest = {k: v for k, v in schema.items() if k not in ("if", "then", "else")}
            schema = _merge(rest, self.resolve(schema.get(branch, {})))
        if depth and draw(st.integers(0, 40)) == 0:
            return draw(ODD)  # a value of the wrong shape, anywhere
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = draw(st.sampled_from(kind))
        if kind is None:
            kind = "object" if ("properties" in schema or "patternProperties" in schema) else None
        if kind == "object":
            return self.object(schema, depth)
        if kind == "array":
            return [
                self.instance(schema.get("items", {}), depth + 1)
                for _ in range(
                    draw(st.integers(schema.get("minItems", 0), 2)) if depth < MAX_DEPTH else 0
                )
            ]
        if kind == "string":
            if schema.get("format") in FORMATS:
                return draw(FORMATS[schema["format"]])
            if "pattern" in schema:
                return draw(st.from_regex(schema["pattern"], fullmatch=True))
            return draw(st.text(max_size=10))
        if kind == "integer":
            return draw(st.integers(-5, 10))
        if kind == "number":
            return draw(st.integers(-5, 10) | st.floats(-10, 10))
        if kind == "boolean":
            return draw(st.booleans())
        return draw(json_values(depth))

    def choose(self, schema: dict[str, Any], choice: str, depth: int) -> dict[str, Any]:
        options = [self.resolve(option) for option in schema[choice]]
        references = [o for o in options if isinstance(o, dict) and "$ref" in o.get("required", ())]
        if depth >= MAX_DEPTH and references:
            picked = references[0]
        else:
            picked = self.draw(st.sampled_from(options))
        rest = {k: v for k, v in schema.items() if k != choice}
        return _merge(rest, picked) if isinstance(picked, dict) else rest

    def object(self, schema: dict[str, Any], depth: int) -> dict[str, Any]:
        draw = self.draw
        properties = schema.get("properties", {})
        required = list(dict.fromkeys(schema.get("required", ())))
        result: dict[str, Any] = {}
        if (
            "^\\$ref$" in schema.get("patternProperties", {})
            or "$ref" in required
            or "$ref" in properties
        ):
            return {"$ref": draw(st.sampled_from(REFS))}
        optional = [name for name in properties if name not in required]
        chosen = required + (
            [n for n in optional if draw(st.integers(0, 3)) == 0] if depth < MAX_DEPTH else []
        )
        for name in chosen:
            result[name] = self.instance(properties.get(name, {}), depth + 1)
        if depth < MAX_DEPTH:
            for pattern, member in schema.get("patternProperties", {}).items():
                for _ in range(draw(st.integers(0, 2 if pattern != "^x-" else 1))):
                    key = draw(st.from_regex(pattern, fullmatch=pattern != "^x-"))
                    result.setdefault(key, self.instance(member, depth + 1))
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict):
                for _ in range(draw(st.integers(0, 2))):
                    key = draw(st.sampled_from(["application/json", "text/plain", "a", "b"]))
                    result.setdefault(key, self.instance(extra, depth + 1))
        while len(result) < schema.get("minProperties", 0):
            result[f"k{len(result)}"] = self.instance(
                schema.get("additionalProperties", {}), depth + 1
            )
        return result


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    merged = {**base, **{k: v for k, v in extra.items() if k not in ("properties", "required")}}
    if "properties" in base or "properties" in extra:
        merged["properties"] = {**base.get("properties", {}), **extra.get("properties", {})}
    if "required" in base or "required" in extra:
        merged["required"] = [*base.get("required", ()), *extra.get("required", ())]
    return merged
