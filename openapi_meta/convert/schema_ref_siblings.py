"""A `$ref` with sibling keywords becomes `allOf: [{$ref}]` next to those siblings.

In 3.1 a `$ref` is one keyword among others; in 3.0 a Reference Object replaces the whole
schema and its siblings are ignored. Wrapping keeps `description`, `default`, `nullable`
and every constraint that sat next to the reference. 3.0 documents are left alone: there,
siblings were already meant to be ignored.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level


class SchemaRefSiblings:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with("$ref")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict or len(node) < 2 or type(node.get("$ref")) is not str:
            return
        if not self.context.schema_refs_have_siblings:
            return
        reference = {"$ref": node.pop("$ref")}
        if type(node.get("allOf")) is list:
            node["allOf"].insert(0, reference)
        else:
            node["allOf"] = [reference]
        self.context.report(
            "ref-siblings",
            Level.INFO,
            join_pointer(pointer, "$ref"),
            f"$ref with sibling keywords ({', '.join(sorted(k for k in node if k != 'allOf'))})"
            " wrapped in allOf",
        )
