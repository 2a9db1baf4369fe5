"""Schema `$defs` (and draft 7 `definitions`) move into `components.schemas`.

3.0 schemas have no `$defs`; `components.schemas` is where 3.0 keeps reusable schemas. Each
definition gets its own name, or `Name_2`, `Name_3`... when the name is taken by a different
schema (an identical schema reuses the existing entry), so names are deterministic and never
collide. Every `$ref` into a moved definition is rewritten; `#/$defs/X` that only resolves
against the enclosing schema (what pydantic emits when a JSON Schema is pasted into a
component) is resolved lexically, the way its author meant it.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import (
    PointerError,
    escape_token,
    join_pointer,
    resolve_ref,
    unescape_token,
)
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level

_DEFS = ("$defs", "definitions")


class SchemaDefs:
    def __init__(self, context: Any, document: dict[str, Any]) -> None:
        self.context = context
        self.document = document
        self.owners: list[tuple[str, dict[str, Any]]] = []
        self.moved: dict[str, tuple[str, Any]] = {}  # input pointer → (name, schema)
        self.refs: list[tuple[dict[str, Any], str]] = []  # ($ref node, target input pointer)

    def visit_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        # Spelled out rather than any(...) over _DEFS: this runs once per schema.
        if type(node) is dict and (
            type(node.get("$defs")) is dict or type(node.get("definitions")) is dict
        ):
            self.owners.append((pointer, node))

    def visit_Reference(self, node: Any, pointer: str, node_type: Any) -> None:
        ref = node["$ref"]
        if node_type.name != "Schema" or not ref.startswith("#/"):
            return
        if "$defs" not in ref and "definitions" not in ref:
            return
        target = ref[1:]
        try:
            resolve_ref(self.document, ref)
        except PointerError:
            target = self._lexical(target) or target
        self.refs.append((node, target))

    def _lexical(self, target: str) -> str | None:
        """`/$defs/X/...` resolved against the innermost enclosing schema that defines X."""
        for keyword in _DEFS:
            head = f"/{keyword}/"
            if not target.startswith(head):
                continue
            name = unescape_token(target[len(head) :].split("/", 1)[0])
            for owner_pointer, owner in reversed(self.owners):
                if type(owner.get(keyword)) is dict and name in owner[keyword]:
                    return owner_pointer + target
        return None

    @only_with("$defs", "definitions")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if self.owners and self.owners[-1][1] is node:
            self.owners.pop()
        if type(node) is not dict:
            return
        for keyword in _DEFS:
            definitions = node.get(keyword)
            if type(definitions) is not dict:
                continue
            del node[keyword]
            for name, schema in definitions.items():
                self.moved[join_pointer(pointer, keyword, name)] = (name, schema)

    def finish(self, document: dict[str, Any]) -> None:
        """Give every moved definition its component name and rewrite the references."""
        if not self.moved:
            return
        components = document.setdefault("components", {})
        schemas = components.setdefault("schemas", {})
        taken = set(schemas)
        renamed: dict[str, str] = {}
        for origin, (name, schema) in self.moved.items():
            new_name = name
            suffix = 1
            while new_name in taken and schemas.get(new_name) != schema:
                suffix += 1
                new_name = f"{name}_{suffix}"
            if new_name not in schemas:
                schemas[new_name] = schema
                taken.add(new_name)
            renamed[origin] = "/components/schemas/" + escape_token(new_name)
            self.context.report(
                "defs-moved",
                Level.INFO,
                origin,
                f"moved to #/components/schemas/{new_name} (3.0 schemas have no $defs)",
            )
        for node, target in self.refs:
            prefix = target
            while prefix:
                if prefix in renamed:
                    node["$ref"] = "#" + renamed[prefix] + target[len(prefix) :]
                    break
                prefix = prefix.rpartition("/")[0]
