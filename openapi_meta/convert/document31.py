"""Document-level 3.1 features that 3.0 lacks, on Info, License, Root and references.

- `info.summary`: 3.0 Info has none; it becomes the description when there is none, else
  `x-summary`;
- `license.identifier` (SPDX): 3.0 License has only `url`; the SPDX page becomes the url;
- `jsonSchemaDialect`: 3.0 schemas have one fixed dialect; removed;
- `webhooks`: 3.0 has no webhooks; kept for readers as `x-webhooks` (tools ignore it);
- `paths` is required in 3.0 (optional in 3.1): `paths: {}` is added;
- a Reference Object is only `$ref` in 3.0: its `summary`/`description` are removed.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer
from openapi_meta.findings import Level


class Document31:
    def __init__(self, context: Any) -> None:
        self.context = context

    def leave_Info(self, node: Any, pointer: str, node_type: object) -> None:
        if "summary" not in node:
            return
        summary = node.pop("summary")
        where = join_pointer(pointer, "summary")
        if "description" not in node and isinstance(summary, str):
            node["description"] = summary
            self.context.report(
                "info-summary",
                Level.INFO,
                where,
                "info.summary used as info.description (3.0 has no summary)",
            )
        else:
            node["x-summary"] = summary
            self.context.report(
                "info-summary",
                Level.INFO,
                where,
                "info.summary kept as x-summary (3.0 has no summary)",
            )

    def leave_License(self, node: Any, pointer: str, node_type: object) -> None:
        if "identifier" not in node:
            return
        identifier = node.pop("identifier")
        if "url" not in node and isinstance(identifier, str):
            node["url"] = f"https://spdx.org/licenses/{identifier}.html"
        self.context.report(
            "license-identifier",
            Level.INFO,
            join_pointer(pointer, "identifier"),
            f"license identifier {identifier!r} written as the license url",
        )

    def leave_Reference(self, node: Any, pointer: str, node_type: Any) -> None:
        if node_type.name in ("Schema", "PathItem") or len(node) == 1:
            return
        extra = sorted(k for k in node if k != "$ref")
        for key in extra:
            del node[key]
        self.context.report(
            "reference-siblings",
            Level.INFO,
            pointer,
            f"{', '.join(extra)} next to $ref removed (3.0 ignores them)",
        )

    def leave_Root(self, node: Any, pointer: str, node_type: object) -> None:
        if "jsonSchemaDialect" in node:
            dialect = node.pop("jsonSchemaDialect")
            self.context.report(
                "json-schema-dialect",
                Level.INFO,
                "/jsonSchemaDialect",
                f"jsonSchemaDialect {dialect!r} removed (3.0 has one dialect)",
            )
        if "webhooks" in node:
            node["x-webhooks"] = node.pop("webhooks")
            self.context.report(
                "webhooks",
                Level.WARNING,
                "/webhooks",
                "3.0 has no webhooks: kept as x-webhooks, which tools ignore",
            )
        if "paths" not in node:
            node["paths"] = {}
            self.context.report(
                "paths-added",
                Level.INFO,
                "/paths",
                "3.0 requires paths: an empty paths object added",
            )
