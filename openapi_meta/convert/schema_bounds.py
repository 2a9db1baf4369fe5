"""Numeric `exclusiveMinimum`/`exclusiveMaximum` become `minimum`/`maximum` + a boolean flag.

JSON Schema 2020-12 (OpenAPI 3.1) makes them numbers; 3.0 (draft 5) makes them booleans that
modify `minimum`/`maximum`. When both bounds are given, the tighter one is kept, which is the
same set of numbers. Mislabelled 3.0 documents (TGI) use the numeric form too.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level

_EXCLUSIVE = frozenset({"exclusiveMinimum", "exclusiveMaximum"})
_PAIRS = (("exclusiveMinimum", "minimum", 1), ("exclusiveMaximum", "maximum", -1))


def _number(value: Any) -> bool:
    return type(value) in (int, float)


class SchemaBounds:
    def __init__(self, context: Any) -> None:
        self.context = context

    @only_with(*_EXCLUSIVE)
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        if type(node) is not dict or node.keys().isdisjoint(_EXCLUSIVE):
            return
        for exclusive, inclusive, sign in _PAIRS:
            bound = node.get(exclusive)
            if not _number(bound):
                continue
            other = node.get(inclusive)
            # sign 1: a minimum; the exclusive bound wins when it is >= the inclusive one.
            if _number(other) and (other - bound) * sign > 0:
                del node[exclusive]
                message = f"{exclusive} {bound} is looser than {inclusive} {other}; removed"
            else:
                node[inclusive] = bound
                node[exclusive] = True
                message = (
                    f"{exclusive}: {bound} written as {inclusive}: {bound} + {exclusive}: true"
                )
            self.context.report(
                "exclusive-bound", Level.INFO, join_pointer(pointer, exclusive), message
            )
