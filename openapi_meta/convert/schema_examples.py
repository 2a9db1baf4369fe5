"""A schema's `examples` array becomes `example` (its first value).

3.0 Schema Objects have a single `example`; a JSON Schema `examples` array is not allowed
there. Examples never constrain instances, so keeping the first loses only the others.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level


class SchemaExamples:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with("examples")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict or "examples" not in node:
            return
        examples = node.pop("examples")
        where = join_pointer(pointer, "examples")
        if "example" in node or not isinstance(examples, list) or not examples:
            self.context.report(
                "examples-to-example",
                Level.INFO,
                where,
                "examples removed (3.0 schemas have one `example`, already present or empty)",
            )
            return
        node["example"] = examples[0]
        dropped = f"; {len(examples) - 1} more dropped" if len(examples) > 1 else ""
        self.context.report(
            "examples-to-example",
            Level.INFO,
            where,
            f"the first of the schema's examples kept as `example`{dropped}",
        )
