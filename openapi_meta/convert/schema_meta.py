"""JSON Schema identity and comment keywords (`$schema`, `$id`, `$anchor`, ...) are removed.

OpenAPI 3.0 Schema Objects are a fixed subset of JSON Schema draft 5 without these keywords;
the validator rejects them. They name or annotate a schema and never constrain an instance,
except `$dynamicRef`, whose target 3.0 cannot express (removed with a warning).
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level

_REMOVED = (
    "$schema",
    "$id",
    "$anchor",
    "$dynamicAnchor",
    "$vocabulary",
    "$comment",
    "$recursiveAnchor",
)
_LOSSY = ("$dynamicRef", "$recursiveRef")
_ALL = frozenset(_REMOVED + _LOSSY)


class SchemaMeta:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with(*_ALL)
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict or node.keys().isdisjoint(_ALL):
            return
        for key in _REMOVED:
            if key in node:
                del node[key]
                self.context.report(
                    "schema-keyword-removed",
                    Level.INFO,
                    join_pointer(pointer, key),
                    f"{key} has no meaning in an OpenAPI 3.0 schema; removed",
                )
        for key in _LOSSY:
            if key in node:
                del node[key]
                self.context.report(
                    "dynamic-ref-removed",
                    Level.WARNING,
                    join_pointer(pointer, key),
                    f"{key} cannot be expressed in OpenAPI 3.0; removed (the schema accepts"
                    " more than before)",
                )
