"""JSON Schema 2020-12 applicators that 3.0 lacks: rewritten exactly where 3.0 can say the
same thing, otherwise removed with a warning (the schema then accepts more, never less).

- boolean schemas: `true` is `{}`, `false` is `not: {}` (3.0 allows booleans only for
  `additionalProperties`);
- `if/then/else` is `anyOf: [allOf: [if, then], allOf: [not: if, else]]` (exact);
- `dependentRequired`/`dependentSchemas` (and draft 7 `dependencies`) become `anyOf` of
  "property absent" or "the dependent constraint" (exact);
- `items: false` / `prefixItems` with `items: false` bound `maxItems`; `prefixItems` otherwise
  becomes an `items` that accepts any of the tuple's schemas (looser);
- `unevaluatedProperties` equals `additionalProperties` when no applicator can evaluate
  properties; `patternProperties`, `propertyNames`, `contains` are removed (looser).
"""

from __future__ import annotations

from typing import Any

from openapi_meta.convert._schema import SUBSCHEMA_LIST, SUBSCHEMA_MAP, SUBSCHEMA_ONE
from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import copy_tree, only_with
from openapi_meta.findings import Level

_OWN_BOOLEANS = ("additionalProperties", "items", "unevaluatedProperties")
_APPLICATORS = ("allOf", "anyOf", "oneOf", "not", "$ref", "if", "dependentSchemas")
# Keywords this pass looks at: a schema with none of them is left at C speed.
_KEYWORDS = frozenset(
    {
        *SUBSCHEMA_ONE,
        *SUBSCHEMA_LIST,
        *SUBSCHEMA_MAP,
        "then",
        "else",
        "dependentRequired",
        "dependencies",
        "minContains",
        "maxContains",
    }
)


def _schema(value: Any) -> Any:
    """A subschema in 3.0 form: booleans become objects."""
    if value is True:
        return {}
    if value is False:
        return {"not": {}}
    return value


class SchemaApplicators:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with(*_KEYWORDS)
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> Any:
        if type(node) is not dict or node.keys().isdisjoint(_KEYWORDS):
            return None
        self._booleans(node, pointer)
        self._conditionals(node, pointer)
        self._dependencies(node, pointer)
        self._arrays(node, pointer)
        self._objects(node, pointer)
        return None

    def _top_level(self, node: Any, pointer: str, field: str, is_map: bool) -> None:
        """Boolean schemas whose parent is not a schema (`MediaType.schema`, `schemas.X`)."""
        if type(node) is not dict:
            return
        holder = node.get(field)
        entries = holder.items() if is_map and type(holder) is dict else [(None, holder)]
        for name, value in list(entries):
            if type(value) is bool:
                where = (
                    join_pointer(pointer, field)
                    if name is None
                    else join_pointer(pointer, field, name)
                )
                if name is None:
                    node[field] = _schema(value)
                else:
                    holder[name] = _schema(value)
                self._report(
                    "boolean-schema",
                    Level.INFO,
                    where,
                    f"boolean schema {str(value).lower()} written as an object",
                )

    def leave_MediaType(self, node: Any, pointer: str, node_type: object) -> None:
        self._top_level(node, pointer, "schema", False)

    def leave_Parameter(self, node: Any, pointer: str, node_type: object) -> None:
        self._top_level(node, pointer, "schema", False)

    def leave_Header(self, node: Any, pointer: str, node_type: object) -> None:
        self._top_level(node, pointer, "schema", False)

    def leave_Components(self, node: Any, pointer: str, node_type: object) -> None:
        self._top_level(node, pointer, "schemas", True)

    def _report(self, code: str, level: Level, pointer: str, message: str) -> None:
        self.context.report(code, level, pointer, message)

    def _constrain(self, node: dict[str, Any], schema: dict[str, Any]) -> None:
        node.setdefault("allOf", []).append(schema)

    def _booleans(self, node: dict[str, Any], pointer: str) -> None:
        for key in SUBSCHEMA_ONE:
            value = node.get(key)
            # `items` and `unevaluatedProperties` booleans are rewritten with their keyword.
            if type(value) is bool and key not in _OWN_BOOLEANS:
                node[key] = _schema(value)
                self._report(
                    "boolean-schema",
                    Level.INFO,
                    join_pointer(pointer, key),
                    f"boolean schema {str(value).lower()} written as an object",
                )
        for key in SUBSCHEMA_LIST:
            items = node.get(key)
            if type(items) is list:
                for index, value in enumerate(items):
                    if type(value) is bool:
                        items[index] = _schema(value)
                        self._report(
                            "boolean-schema",
                            Level.INFO,
                            join_pointer(pointer, key, index),
                            f"boolean schema {str(value).lower()} written as an object",
                        )
        for key in SUBSCHEMA_MAP:
            entries = node.get(key)
            if type(entries) is dict:
                for name, value in entries.items():
                    if type(value) is bool:
                        entries[name] = _schema(value)
                        self._report(
                            "boolean-schema",
                            Level.INFO,
                            join_pointer(pointer, key, name),
                            f"boolean schema {str(value).lower()} written as an object",
                        )

    def _conditionals(self, node: dict[str, Any], pointer: str) -> None:
        if "if" not in node:
            for key in ("then", "else"):
                if node.pop(key, None) is not None:
                    self._report(
                        "if-then-else",
                        Level.INFO,
                        join_pointer(pointer, key),
                        f"{key} without if has no effect; removed",
                    )
            return
        condition = node.pop("if")
        then = node.pop("then", {})
        otherwise = node.pop("else", {})
        self._constrain(
            node,
            {
                "anyOf": [
                    {"allOf": [condition, then]},
                    {"allOf": [{"not": copy_tree(condition)}, otherwise]},
                ]
            },
        )
        self._report(
            "if-then-else",
            Level.INFO,
            join_pointer(pointer, "if"),
            "if/then/else written as anyOf: [if and then, not if and else]",
        )

    def _dependencies(self, node: dict[str, Any], pointer: str) -> None:
        required = node.pop("dependentRequired", None)
        schemas = node.pop("dependentSchemas", None)
        legacy = node.pop("dependencies", None)
        pairs: list[tuple[str, str, Any]] = []
        for keyword, value in (
            ("dependentRequired", required),
            ("dependentSchemas", schemas),
            ("dependencies", legacy),
        ):
            if type(value) is dict:
                pairs.extend((keyword, name, dependent) for name, dependent in value.items())
            elif value is not None:
                self._report(
                    "dependencies",
                    Level.WARNING,
                    join_pointer(pointer, keyword),
                    f"{keyword} is not an object; removed",
                )
        for keyword, name, dependent in pairs:
            if type(dependent) is list:
                then: Any = {"required": dependent} if dependent else {}
            else:
                then = dependent
            self._constrain(node, {"anyOf": [{"not": {"required": [name]}}, then]})
            self._report(
                "dependencies",
                Level.INFO,
                join_pointer(pointer, keyword, name),
                f"{keyword} for {name!r} written as anyOf: [{name!r} absent, ...]",
            )

    def _arrays(self, node: dict[str, Any], pointer: str) -> None:
        prefix = node.pop("prefixItems", None)
        items = node.get("items")
        if type(prefix) is list:
            where = join_pointer(pointer, "prefixItems")
            closed = items is False
            if closed:
                node["items"] = {"anyOf": prefix} if prefix else {}
                node["maxItems"] = min(node.get("maxItems", len(prefix)), len(prefix))
            elif prefix:
                choices = [*prefix, _schema(items) if items is not None else {}]
                node["items"] = {"anyOf": choices}
            self._report(
                "prefix-items",
                Level.WARNING,
                where,
                "prefixItems (a tuple) written as items accepting any of its schemas:"
                " the position of each item is no longer checked",
            )
        elif items is False:
            node["items"] = {}
            node["maxItems"] = 0
            self._report(
                "items-false",
                Level.INFO,
                join_pointer(pointer, "items"),
                "items: false written as maxItems: 0",
            )
        if node.get("items") is True:
            node["items"] = {}
        if "additionalItems" in node:
            del node["additionalItems"]
            self._report(
                "additional-items",
                Level.WARNING,
                join_pointer(pointer, "additionalItems"),
                "additionalItems has no 3.0 form; removed",
            )
        if "unevaluatedItems" in node:
            del node["unevaluatedItems"]
            self._report(
                "unevaluated-items",
                Level.WARNING,
                join_pointer(pointer, "unevaluatedItems"),
                "unevaluatedItems has no 3.0 form; removed",
            )
        for key in ("contains", "minContains", "maxContains"):
            if key in node:
                del node[key]
                self._report(
                    "contains",
                    Level.WARNING,
                    join_pointer(pointer, key),
                    f"{key} has no 3.0 form; removed (more arrays are accepted)",
                )

    def _objects(self, node: dict[str, Any], pointer: str) -> None:
        patterns = node.pop("patternProperties", None)
        if patterns is not None:
            where = join_pointer(pointer, "patternProperties")
            extra = node.get("additionalProperties")
            if extra is not None and extra is not True and type(patterns) is dict and patterns:
                choices = list(patterns.values())
                if extra is not False:
                    choices.append(extra)
                node["additionalProperties"] = {"anyOf": choices}
            self._report(
                "pattern-properties",
                Level.WARNING,
                where,
                "patternProperties has no 3.0 form; removed (property names are no"
                " longer matched against the patterns)",
            )
        if "unevaluatedProperties" in node:
            value = node.pop("unevaluatedProperties")
            where = join_pointer(pointer, "unevaluatedProperties")
            exact = not any(k in node for k in _APPLICATORS) and patterns is None
            if exact and "additionalProperties" not in node:
                node["additionalProperties"] = value
                self._report(
                    "unevaluated-properties",
                    Level.INFO,
                    where,
                    "unevaluatedProperties written as additionalProperties (same"
                    " meaning without applicators)",
                )
            else:
                self._report(
                    "unevaluated-properties",
                    Level.WARNING,
                    where,
                    "unevaluatedProperties has no 3.0 form here; removed",
                )
        if "propertyNames" in node:
            del node["propertyNames"]
            self._report(
                "property-names",
                Level.WARNING,
                join_pointer(pointer, "propertyNames"),
                "propertyNames has no 3.0 form; removed (any property name is accepted)",
            )
