"""A `type` that is not one of the JSON Schema types is removed.

3.0 allows `type` to be one of array, boolean, integer, number, object, string; generators
sometimes put their own names there (Kubernetes test data: `type: test-type`), which makes
the document invalid. Without it the schema accepts any type, which is what a reader can
rely on anyway. 3.0 also requires `items` next to `type: array` (3.1 does not): `{}`.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.findings import Level

_TYPES = frozenset({"array", "boolean", "integer", "number", "object", "string"})


class RepairTypes:
    def __init__(self, context: Any) -> None:
        self.context = context

    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict or "type" not in node:
            return
        if node["type"] == "array" and "items" not in node:
            node["items"] = {}
            self.context.report(
                "items-added",
                Level.INFO,
                pointer,
                "3.0 requires items next to type: array; items: {} added",
            )
        if node["type"] in _TYPES:
            return
        value = node.pop("type")
        self.context.report(
            "unknown-type",
            Level.WARNING,
            join_pointer(pointer, "type"),
            f"type {value!r} is not a JSON Schema type; removed",
        )
