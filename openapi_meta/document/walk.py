"""Walk: an OpenAPI-aware traversal driven by a per-version table of node types.

The document's structure is data (Redocly's type tree): for each object type, the table says
which fields hold which node types. `Schema.properties` is a *map of Schemas*, so a property
named `const`, `nullable` or `$id` is a key in that map and is never mistaken for a keyword;
`example`, `default`, `enum`, `const`, `examples` inside a schema and every `x-*` value are
opaque data and are never walked into.

API
---
Tables: `SWAGGER_20`, `OPENAPI_30`, `OPENAPI_31`, `OPENAPI_32` (each a `TypeTable`: name →
`NodeType`; the root type is `"Root"`), `table_for_version("3.1.0")`. A `NodeType` has
`name`, `fields` (field name → `Field(kind, type)`, kind one of "one", "map", "list",
"one_or_list") and `entries` (the type of every non-`x-` value of a map-like object: `Paths`,
`Responses`, `Callback`). The 3.x tables hold the fields that hold objects; the 3.0.3 table of
every field, scalars included, is `openapi_meta.document.oas30`, which they derive from.

    walk(document, visitors, types=OPENAPI_31, *, root_type="Root", pointer="") -> JSON

Visitors are plain objects; handlers are found by name and called in visitor order:

    visit_<Type>(node, pointer, node_type)   # before the children (pre-order)
    leave_<Type>(node, pointer, node_type)   # after the children (post-order)

`node` is the live value (a dict, or `True`/`False` for a 3.1 boolean Schema), `pointer` the
RFC 6901 JSON pointer of the node in the document *as it was when the walk started* (so
findings can name the input), `node_type` the `NodeType`. A handler returns:

    None            keep the node (in-place edits are fine)
    SKIP            (visit_ only) do not walk this node's children
    REMOVE          delete the node from its parent (map key or list item)
    Replace(value)  put `value` where the node was (later visitors see the new value)

References: a dict with a string `$ref` calls `visit_Reference(node, pointer, node_type)` /
`leave_Reference` where `node_type` is the type the position expects (the type of the target).
A `$ref` at a Schema or PathItem position is *also* visited as that type, because 3.1 allows
sibling keywords there; elsewhere a Reference Object has no children and is visited only as
a Reference. Rewrite schemas in `leave_Schema`: the children are then already walked with
their input pointers, so a rewrite never shifts the pointers of findings below it.

The walker does not resolve references (`openapi_meta.document.pointer` does).
`copy_tree(value)` is a fast deep copy of a JSON tree (about twice as fast as `copy.deepcopy`
on the GitHub description); work on a copy, never on the caller's document. A
subtree whose types no visitor handles is not descended into, which keeps a walk of the
13 MB GitHub description well under a second. With a Reference handler, a leaf type
(Example) is still visited, so a `$ref` in its place is seen; an example's own fields
(its opaque `value`) are never walked into.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from openapi_meta.document import oas30
from openapi_meta.document.pointer import escape_token
from openapi_meta.jsontypes import JSON

__all__ = [
    "OPENAPI_30",
    "OPENAPI_31",
    "OPENAPI_32",
    "REMOVE",
    "SKIP",
    "SWAGGER_20",
    "Field",
    "NodeType",
    "Replace",
    "TypeTable",
    "copy_tree",
    "only_with",
    "table_for_version",
    "walk",
]


class _Action:
    """A sentinel a handler returns to steer the walk."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return self.name


SKIP = _Action("SKIP")
REMOVE = _Action("REMOVE")


@dataclass(frozen=True)
class Replace:
    """Put `value` in the parent where the visited node was."""

    value: JSON


@dataclass(frozen=True)
class Field:
    """What a field holds: `kind` one of "one", "map", "list", "one_or_list"; `type` a name."""

    kind: str
    type: str


@dataclass(frozen=True)
class NodeType:
    """An object type of the OpenAPI structure and the types its fields hold."""

    name: str
    fields: Mapping[str, Field] = field(default_factory=dict)
    entries: str | None = None  # map-like object: every non-x- value has this type


TypeTable = Mapping[str, NodeType]


def _fields(spec: Mapping[str, str]) -> dict[str, Field]:
    """Parse {"properties": "map Schema", "not": "Schema"} into Field entries."""
    out = {}
    for name, text in spec.items():
        kind, _, type_name = text.rpartition(" ")
        out[name] = Field(kind or "one", type_name)
    return out


def _table(types: Mapping[str, Mapping[str, str]], entries: Mapping[str, str]) -> TypeTable:
    names = set(types) | set(entries)
    return {n: NodeType(n, _fields(types.get(n, {})), entries.get(n)) for n in sorted(names)}


def _object_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """The fields of a 3.0.3 object that hold objects: the ones the walker descends into."""
    return {
        name: text for name, text in fields.items() if oas30.shape(text)[1] not in oas30.SCALARS
    }


_SCHEMA_30 = _object_fields(oas30.FIELDS["Schema"])

# JSON Schema 2020-12 applicators (plus draft 2019 `additionalItems`, `dependencies` that
# real 3.1 documents still carry). `const`, `examples`, `enum`, `default` stay opaque.
_SCHEMA_31 = {
    **_SCHEMA_30,
    "items": "one_or_list Schema",
    "$defs": "map Schema",
    "definitions": "map Schema",
    "prefixItems": "list Schema",
    "additionalItems": "Schema",
    "unevaluatedItems": "Schema",
    "contains": "Schema",
    "patternProperties": "map Schema",
    "dependentSchemas": "map Schema",
    "propertyNames": "Schema",
    "unevaluatedProperties": "Schema",
    "if": "Schema",
    "then": "Schema",
    "else": "Schema",
    "contentSchema": "Schema",
}

_COMMON_30 = {
    name: _object_fields(fields) for name, fields in oas30.FIELDS.items() if name != "Schema"
}
_ENTRIES_3 = {"Paths": "PathItem", "Responses": "Response", "Callback": "PathItem"}

OPENAPI_30: TypeTable = _table({**_COMMON_30, "Schema": _SCHEMA_30}, _ENTRIES_3)

_COMMON_31 = {
    **_COMMON_30,
    "Components": {**_COMMON_30["Components"], "pathItems": "map PathItem"},
    "Root": {**_COMMON_30["Root"], "webhooks": "map PathItem"},
}
OPENAPI_31: TypeTable = _table({**_COMMON_31, "Schema": _SCHEMA_31}, _ENTRIES_3)

# 3.2 (September 2025): the QUERY method and other methods by name, sequential media types
# (`itemSchema`), nested encodings, reusable media types and the device authorization flow.
OPENAPI_32: TypeTable = _table(
    {
        **_COMMON_31,
        "Schema": _SCHEMA_31,
        "PathItem": {
            **_COMMON_31["PathItem"],
            "query": "Operation",
            "additionalOperations": "map Operation",
        },
        "MediaType": {
            **_COMMON_31["MediaType"],
            "itemSchema": "Schema",
            "itemEncoding": "Encoding",
            "prefixEncoding": "list Encoding",
        },
        "Encoding": {
            **_COMMON_31["Encoding"],
            "encoding": "map Encoding",
            "itemEncoding": "Encoding",
            "prefixEncoding": "list Encoding",
        },
        "Components": {**_COMMON_31["Components"], "mediaTypes": "map MediaType"},
        "OAuthFlows": {**_COMMON_31["OAuthFlows"], "deviceAuthorization": "OAuthFlow"},
    },
    _ENTRIES_3,
)

SWAGGER_20: TypeTable = _table(
    {
        "Root": {
            "info": "Info",
            "paths": "Paths",
            "definitions": "map Schema",
            "parameters": "map Parameter",
            "responses": "map Response",
            "securityDefinitions": "map SecurityScheme",
            "security": "list SecurityRequirement",
            "tags": "list Tag",
            "externalDocs": "ExternalDocs",
        },
        "Info": {"contact": "Contact", "license": "License"},
        "PathItem": {
            **{op: "Operation" for op in oas30.OPERATIONS},
            "parameters": "list Parameter",
        },
        "Operation": {
            "externalDocs": "ExternalDocs",
            "parameters": "list Parameter",
            "responses": "Responses",
            "security": "list SecurityRequirement",
        },
        # `schema` for `in: body`; `items` for the other locations (a subset of Schema).
        "Parameter": {"schema": "Schema", "items": "Items"},
        "Items": {"items": "Items"},
        "Response": {"schema": "Schema", "headers": "map Header"},
        "Header": {"items": "Items"},
        # 2.0 has no anyOf/oneOf/not, but generators emit them (swaggo, hey-api's fixtures)
        # and 3.0 has them: their members are Schemas whose refs and keywords need upgrading.
        "Schema": {
            "allOf": "list Schema",
            "anyOf": "list Schema",
            "oneOf": "list Schema",
            "not": "Schema",
            "items": "one_or_list Schema",
            "properties": "map Schema",
            "additionalProperties": "Schema",
            "xml": "XML",
            "externalDocs": "ExternalDocs",
        },
        "Tag": {"externalDocs": "ExternalDocs"},
        "SecurityScheme": {},
        "SecurityRequirement": {},
        "ExternalDocs": {},
        "XML": {},
        "Contact": {},
        "License": {},
    },
    {"Paths": "PathItem", "Responses": "Response"},
)

# Types whose `$ref` may have siblings that are part of the node (3.1 Schema, Path Item).
_REF_WITH_SIBLINGS = frozenset({"Schema", "PathItem"})


def table_for_version(version: str) -> TypeTable:
    """The type table for a declared version: "2.0", "3.0.x", "3.1.x" or "3.2.x"."""
    if version == "2.0":
        return SWAGGER_20
    if version.startswith("3.0."):
        return OPENAPI_30
    if version.startswith("3.1."):
        return OPENAPI_31
    if version.startswith("3.2."):
        return OPENAPI_32
    raise ValueError(f"no type table for OpenAPI version {version!r}")


def copy_tree(value: JSON) -> JSON:
    """A deep copy of a JSON tree: new dicts and lists, shared immutable leaves."""
    kind = type(value)
    if kind is dict:
        return {k: copy_tree(v) for k, v in value.items()}
    if kind is list:
        return [copy_tree(v) for v in value]
    return value


Handler = Callable[[Any, str, NodeType], Any]


class _Walker:
    def __init__(self, types: TypeTable, visitors: Iterable[object]) -> None:
        visitors = list(visitors)
        self.types = types
        names = [*types, "Reference"]
        self.enter: dict[str, list[Handler]] = {n: [] for n in names}
        # (keys, handler): a handler marked `only_with(...)` runs on the objects holding one
        # of those keys only, which spares a call per schema for passes that rarely act.
        self.leave: dict[str, list[tuple[frozenset[str] | None, Handler]]] = {n: [] for n in names}
        for visitor in visitors:
            for n in names:
                if (h := getattr(visitor, f"visit_{n}", None)) is not None:
                    self.enter[n].append(h)
                if (h := getattr(visitor, f"leave_{n}", None)) is not None:
                    self.leave[n].append((getattr(h, "only_with", None), h))
        self.handles_refs = bool(self.enter["Reference"] or self.leave["Reference"])
        self.descend = self._types_worth_descending()
        # A position is worth visiting when its type is worth descending into, or when a
        # Reference handler wants the `$ref`s that may stand there: a leaf type (Example)
        # has no children, but `examples: {default: {$ref: ...}}` is still a reference.
        self.reach = {n: worth or self.handles_refs for n, worth in self.descend.items()}

    def _types_worth_descending(self) -> dict[str, bool]:
        """For each type: does any handler apply to it or to a type reachable below it?"""
        children: dict[str, set[str]] = {}
        for name, node_type in self.types.items():
            below = {f.type for f in node_type.fields.values()}
            if node_type.entries:
                below.add(node_type.entries)
            children[name] = below
        handled = {n for n in self.types if self.enter[n] or self.leave[n]}
        worth = {n: n in handled or (self.handles_refs and bool(children[n])) for n in self.types}
        changed = True
        while changed:
            changed = False
            for name, below in children.items():
                if not worth[name] and any(worth.get(b, False) for b in below):
                    worth[name] = changed = True
        return worth

    def visit(self, node: Any, node_type: NodeType, pointer: str) -> Any:
        """Walk one node; return None (keep), REMOVE, or Replace."""
        name = node_type.name
        replaced = False
        skip = False
        if type(node) is dict and type(node.get("$ref")) is str:
            if self.handles_refs:
                for handler in self.enter["Reference"]:
                    action = handler(node, pointer, node_type)
                    if action is None:
                        continue
                    if action is REMOVE:
                        return REMOVE
                    if action is SKIP:
                        skip = True
                    elif type(action) is Replace:
                        node, replaced = action.value, True
            if name not in _REF_WITH_SIBLINGS:
                if self.handles_refs:
                    for _, handler in self.leave["Reference"]:
                        action = handler(node, pointer, node_type)
                        if action is REMOVE:
                            return REMOVE
                        if type(action) is Replace:
                            node, replaced = action.value, True
                return Replace(node) if replaced else None
        for handler in self.enter[name]:
            action = handler(node, pointer, node_type)
            if action is None:
                continue
            if action is REMOVE:
                return REMOVE
            if action is SKIP:
                skip = True
            elif type(action) is Replace:
                node, replaced = action.value, True
        if not skip and type(node) is dict and self.descend[name]:
            self._children(node, node_type, pointer)
        for keys, handler in self.leave[name]:
            if keys is not None and (type(node) is not dict or keys.isdisjoint(node)):
                continue
            action = handler(node, pointer, node_type)
            if action is None:
                continue
            if action is REMOVE:
                return REMOVE
            if type(action) is Replace:
                node, replaced = action.value, True
        if (
            self.handles_refs
            and name in _REF_WITH_SIBLINGS
            and type(node) is dict
            and type(node.get("$ref")) is str
        ):
            for _, handler in self.leave["Reference"]:
                action = handler(node, pointer, node_type)
                if action is REMOVE:
                    return REMOVE
                if type(action) is Replace:
                    node, replaced = action.value, True
        return Replace(node) if replaced else None

    def _children(self, node: dict[str, Any], node_type: NodeType, pointer: str) -> None:
        types = self.types
        reach = self.reach
        fields = node_type.fields
        entries = node_type.entries
        removed: list[str] = []
        for key, value in list(node.items()):
            spec = fields.get(key)
            if spec is None:
                if entries is None or key.startswith("x-") or not reach[entries]:
                    continue
                if type(value) is not dict:
                    continue
                action = self.visit(value, types[entries], pointer + "/" + escape_token(key))
                if action is REMOVE:
                    removed.append(key)
                elif action is not None:
                    node[key] = action.value
                continue
            child_type = types[spec.type]
            if not reach[spec.type]:
                continue
            kind = spec.kind
            bool_ok = spec.type == "Schema"
            here = pointer + "/" + escape_token(key)
            if kind == "one" or (kind == "one_or_list" and type(value) is not list):
                if type(value) is not dict and not (bool_ok and type(value) is bool):
                    continue
                action = self.visit(value, child_type, here)
                if action is REMOVE:
                    removed.append(key)
                elif action is not None:
                    node[key] = action.value
            elif kind == "map":
                if type(value) is not dict:
                    continue
                gone = []
                for name, item in list(value.items()):
                    if type(item) is not dict and not (bool_ok and type(item) is bool):
                        continue
                    action = self.visit(item, child_type, here + "/" + escape_token(name))
                    if action is REMOVE:
                        gone.append(name)
                    elif action is not None:
                        value[name] = action.value
                for name in gone:
                    del value[name]
            else:  # "list", or "one_or_list" holding a list
                if type(value) is not list:
                    continue
                gone_at = []
                for index, item in enumerate(list(value)):
                    if type(item) is not dict and not (bool_ok and type(item) is bool):
                        continue
                    action = self.visit(item, child_type, f"{here}/{index}")
                    if action is REMOVE:
                        gone_at.append(index)
                    elif action is not None:
                        value[index] = action.value
                for index in reversed(gone_at):
                    del value[index]
        for key in removed:
            del node[key]


def only_with(*keys: str) -> Callable[[Handler], Handler]:
    """Mark a `leave_<Type>` handler that has work only on objects holding one of `keys`:
    the walker does not call it for the others (nor for booleans)."""
    wanted = frozenset(keys)

    def mark(handler: Handler) -> Handler:
        handler.only_with = wanted  # type: ignore[attr-defined]
        return handler

    return mark


def walk(
    document: JSON,
    visitors: Iterable[object],
    types: TypeTable = OPENAPI_31,
    *,
    root_type: str = "Root",
    pointer: str = "",
) -> JSON:
    """Walk `document` as `root_type`, calling the visitors' handlers; return the (new) root.

    The document is edited in place by the handlers; the return value differs from
    `document` only when a handler replaced the root. REMOVE on the root returns None.
    """
    walker = _Walker(types, visitors)
    action = walker.visit(document, types[root_type], pointer)
    if action is REMOVE:
        return None
    if action is not None:
        return action.value
    return document
