"""`const: v` becomes `enum: [v]`: 3.0 has no `const`, and a one-value enum means the same.

Falsy values (`0`, `false`, `""`, `null`) are values like any other; `null` also needs
`nullable: true`, since a 3.0 schema with a `type` rejects null without it.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level


class SchemaConst:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with("const")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict or "const" not in node:
            return
        value = node.pop("const")
        enum = node.get("enum")
        if isinstance(enum, list) and value not in enum:
            # `const` and `enum` both apply: nothing is accepted. Keep that (an empty enum
            # is not allowed in 3.0, so `not: {}` says it).
            node.pop("enum")
            node["not"] = {}
            self.context.report(
                "const-to-enum",
                Level.WARNING,
                join_pointer(pointer, "const"),
                f"const {value!r} is not in the enum next to it: the schema accepts nothing",
            )
            return
        node["enum"] = [value]
        if value is None:
            node["nullable"] = True
        self.context.report(
            "const-to-enum",
            Level.INFO,
            join_pointer(pointer, "const"),
            f"const {value!r} written as a one-value enum",
        )
