"""`components.pathItems` (3.1 only) are inlined where they are referenced, then removed.

3.0 Components have no `pathItems`, so a `$ref: '#/components/pathItems/X'` in `paths`,
`callbacks` or `webhooks` is replaced by a copy of the (already converted) Path Item. One
that names no Path Item (or only itself, in a circle) leaves the referring item as it is
without the reference: an empty Path Item is valid, and there is nothing to copy.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import PointerError, resolve_ref
from openapi_meta.document.walk import copy_tree
from openapi_meta.findings import Level

_PREFIX = "#/components/pathItems/"


class PathItems:
    def __init__(self, context: Any) -> None:
        self.context = context
        self.refs: list[tuple[dict[str, Any], str]] = []

    def visit_Reference(self, node: Any, pointer: str, node_type: Any) -> None:
        if node_type.name == "PathItem" and node["$ref"].startswith(_PREFIX):
            self.refs.append((node, pointer))

    def finish(self, document: dict[str, Any]) -> None:
        for node, pointer in self.refs:
            seen = set()
            while type(node.get("$ref")) is str and node["$ref"].startswith(_PREFIX):
                ref = node.pop("$ref")
                problem = "is circular" if ref in seen else None
                seen.add(ref)
                try:
                    target = resolve_ref(document, ref)
                except PointerError as exc:
                    problem = f"does not resolve ({exc})"
                if problem is not None or type(target) is not dict:
                    self.context.report(
                        "ref-unresolved",
                        Level.WARNING,
                        pointer,
                        f"$ref {ref!r} {problem or 'names no Path Item'}: the reference is removed",
                    )
                    break
                inlined = copy_tree(target)
                inlined.update(node)  # the referring item's own fields take precedence
                node.clear()
                node.update(inlined)
                self.context.report(
                    "path-items-inlined",
                    Level.INFO,
                    pointer,
                    f"{ref} inlined (3.0 has no components.pathItems)",
                )
        components = document.get("components")
        if type(components) is dict and "pathItems" in components:
            del components["pathItems"]
            if not components:
                del document["components"]
            self.context.report(
                "path-items-removed",
                Level.INFO,
                "/components/pathItems",
                "components.pathItems removed (3.0 has none; uses inlined)",
            )
