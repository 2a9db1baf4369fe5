"""`required: true` on a property schema becomes the property's name in the parent `required`.

In a Schema Object `required` is a list of property names; a boolean there (Swagger-style
`required: true` copied into a schema, seen in real 3.0 documents) is invalid. The author's
intent is that the property is required, so the name is added to the enclosing object's list.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level


class RepairRequired:
    def __init__(self, context: Any) -> None:
        self.context = context

    def visit_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        # Pre-order: the children's flags are moved before the children are walked.
        properties = node.get("properties") if type(node) is dict else None
        if type(properties) is not dict:
            return
        for name, child in properties.items():
            if type(child) is dict and type(child.get("required")) is bool:
                flag = child.pop("required")
                where = join_pointer(pointer, "properties", name, "required")
                if flag:
                    required = node.get("required")
                    if type(required) is not list:
                        required = node["required"] = []
                    if name not in required:
                        required.append(name)
                    message = f"required: true moved into the parent's required list as {name!r}"
                else:
                    message = "required: false removed (a schema's required is a list of names)"
                self.context.report("required-flag", Level.WARNING, where, message)

    @only_with("required")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is dict and type(node.get("required")) is not list and "required" in node:
            value = node.pop("required")
            self.context.report(
                "required-flag",
                Level.WARNING,
                join_pointer(pointer, "required"),
                f"required: {value!r} removed (must be a list of names)",
            )
