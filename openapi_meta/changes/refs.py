"""One side of a comparison: a spec whose local `$ref`s resolve to the node and its pointer.

Changes are reported where a reviewer would edit them, so resolving a reference also yields
the pointer of its target (`/components/schemas/Todo`), not the pointer of the `$ref`.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import PointerError, join_pointer, parse_fragment, resolve
from openapi_meta.jsontypes import JSONObject


class Side:
    """A spec to compare; `resolve` follows `$ref` chains (a cycle or a dangling one stops)."""

    def __init__(self, document: JSONObject) -> None:
        self.document = document
        self._targets: dict[str, tuple[Any, str] | None] = {}

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str]:
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                break
            seen.add(ref)
            target = self._target(ref)
            if target is None:
                break
            node, pointer = target
        return node, pointer

    def _target(self, ref: str) -> tuple[Any, str] | None:
        if ref not in self._targets:
            self._targets[ref] = None
            if ref.startswith("#"):
                try:
                    tokens = parse_fragment(ref[1:])
                    self._targets[ref] = (
                        resolve(self.document, tokens),
                        join_pointer("", *tokens),
                    )
                except PointerError:
                    pass
        return self._targets[ref]

    def get(self, node: Any, pointer: str, key: str) -> tuple[Any, str]:
        """`node[key]` resolved, with its pointer; (None, "") when absent."""
        if not isinstance(node, dict) or key not in node:
            return None, ""
        return self.resolve(node[key], join_pointer(pointer, key))
