"""`type` arrays become one `type` plus `nullable`, or an `anyOf` of single types.

3.0 `type` is a single string and there is no `"null"` type: `[X, "null"]` is
`type: X, nullable: true`; several types become `anyOf: [{type: X}, {type: Y}]` (each member
nullable too when null is allowed, since 3.0.3 applies `nullable` only next to a `type`);
`type: "null"` alone is `nullable: true, enum: [null]` (only null).
"""

from __future__ import annotations

from typing import Any

from openapi_meta.convert._schema import null_only
from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level

# Keywords that only make sense next to one type; they move into that type's anyOf member
# (`items` must sit next to `type: array` in 3.0).
_ARRAY_ONLY = ("items",)


class SchemaTypes:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with("type")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict or "type" not in node:
            return
        declared = node["type"]
        if declared == "null":
            del node["type"]
            node.update(null_only())
            self.context.report(
                "type-null",
                Level.INFO,
                join_pointer(pointer, "type"),
                'type "null" written as nullable: true, enum: [null]',
            )
            return
        if type(declared) is not list:
            return
        where = join_pointer(pointer, "type")
        types = list(dict.fromkeys(t for t in declared if t != "null"))
        nullable = "null" in declared
        del node["type"]
        if not types:
            node.update(null_only())
            message = 'type ["null"] written as nullable: true, enum: [null]'
        elif len(types) == 1:
            node["type"] = types[0]
            message = f"type {declared} written as type: {types[0]}"
            if nullable:
                node["nullable"] = True
                message += ", nullable: true"
            if types[0] != "array":
                for key in _ARRAY_ONLY:
                    node.pop(key, None)
        else:
            members = []
            for t in types:
                member: dict[str, Any] = {"type": t}
                if t == "array":
                    for key in _ARRAY_ONLY:
                        if key in node:
                            member[key] = node.pop(key)
                    member.setdefault("items", {})
                if nullable:
                    member["nullable"] = True
                members.append(member)
            for key in _ARRAY_ONLY:
                node.pop(key, None)
            if "anyOf" in node:
                node.setdefault("allOf", []).append({"anyOf": members})
            else:
                node["anyOf"] = members
            if nullable:
                node["nullable"] = True
            message = f"type {declared} written as anyOf of single types"
        self.context.report("type-array", Level.INFO, where, message)
