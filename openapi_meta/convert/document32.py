"""OpenAPI 3.2 (September 2025) features that 3.0 lacks, written the 3.0 way where it has one.

Schemas are 3.1's, so the 3.1 passes convert them. The rest, field by field:

- the `query` method and `additionalOperations` (COPY, LINK, ...): 3.0 has eight fixed
  methods; each operation is kept for readers as `x-query` / `x-additionalOperations`
  (warning: clients and fal's Playground will not offer it);
- a `querystring` parameter (the whole query string as one value): when its content is
  `application/x-www-form-urlencoded` with an object schema, each property becomes an
  `in: query` parameter (form style, exploded: the same query string); otherwise 3.0 cannot
  describe it, and it is kept as `x-querystring` on its operation or path item;
- a tag's `summary` (a display name) becomes `x-displayName`, which Redoc and Scalar read;
  `parent` and `kind` become `x-parent` / `x-kind`;
- a response's `summary` is its description when it has none (3.2 made it optional);
- an example's `dataValue` is its `value` when it has none;
- XML `nodeType: attribute` is `attribute: true`; on an array `element` is `wrapped: true` and
  `none` is `wrapped: false`;
- the device authorization flow: 3.0 has no such flow; removed (warning);
- `$self` (the document's own URI) is removed: references were resolved when bundling;
- `components.mediaTypes`: every reference to one was inlined when bundling (3.0 cannot
  refer to a media type), so the section is removed.

Other new fields (a server's `name`, a scheme's `deprecated`, `itemSchema`, ...) have no 3.0
spelling; conform keeps them as `x-` extensions.
"""

from __future__ import annotations

from typing import Any

from openapi_meta.document.pointer import join_pointer, resolve_ref
from openapi_meta.document.walk import only_with
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSONObject

_FORM = "application/x-www-form-urlencoded"


class Document32:
    def __init__(self, context: Any, document: JSONObject) -> None:
        self.context = context
        self.document = document

    def report(self, code: str, level: Level, pointer: str, message: str) -> None:
        self.context.report(code, level, pointer, message)

    def leave_PathItem(self, node: JSONObject, pointer: str, node_type: object) -> None:
        for key, what in (("query", "QUERY is not one"), ("additionalOperations", "these are not")):
            if key in node:
                node[f"x-{key}"] = node.pop(key)
                self.report(
                    "operation-kept-as-extension",
                    Level.WARNING,
                    join_pointer(pointer, key),
                    f"3.0 has eight HTTP methods and {what}: kept as x-{key}, which clients"
                    " and fal's Playground do not offer",
                )
        self.querystring(node, pointer)

    def leave_Operation(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.querystring(node, pointer)

    def querystring(self, holder: JSONObject, pointer: str) -> None:
        parameters = holder.get("parameters")
        if type(parameters) is not list:
            return
        kept: list[Any] = []
        for index, parameter in enumerate(parameters):
            resolved = self.resolve(parameter)
            if type(resolved) is not dict or resolved.get("in") != "querystring":
                kept.append(parameter)
                continue
            where = join_pointer(pointer, "parameters", index)
            expanded = self.expand(resolved)
            if expanded is None:
                holder.setdefault("x-querystring", []).append(resolved)
                self.report(
                    "querystring-kept-as-extension",
                    Level.WARNING,
                    where,
                    "a querystring parameter that is not a form-encoded object has no 3.0"
                    " spelling: kept as x-querystring",
                )
                continue
            kept.extend(expanded)
            self.report(
                "querystring-expanded",
                Level.INFO,
                where,
                f"the form-encoded querystring parameter written as {len(expanded)} query"
                " parameter" + ("s" if len(expanded) != 1 else ""),
            )
        if len(kept) == len(parameters) and all(
            a is b for a, b in zip(kept, parameters, strict=True)
        ):
            return
        if kept:
            holder["parameters"] = kept
        else:
            del holder["parameters"]

    def expand(self, parameter: JSONObject) -> list[JSONObject] | None:
        """The `in: query` parameters a form-encoded object querystring stands for."""
        content = parameter.get("content")
        media = content.get(_FORM) if type(content) is dict and len(content) == 1 else None
        schema = self.resolve(media.get("schema")) if type(media) is dict else None
        properties = schema.get("properties") if type(schema) is dict else None
        if type(properties) is not dict or not properties:
            return None
        required = schema.get("required")  # type: ignore[union-attr]
        required = set(required) if type(required) is list else set()
        return [
            {
                "name": name,
                "in": "query",
                **({"required": True} if name in required else {}),
                "style": "form",
                "explode": True,
                "schema": member,
            }
            for name, member in properties.items()
        ]

    def resolve(self, node: Any) -> Any:
        for _ in range(16):
            if not (type(node) is dict and type(node.get("$ref")) is str):
                return node
            try:
                node = resolve_ref(self.document, node["$ref"])
            except LookupError:
                return None
        return None

    def leave_Tag(self, node: JSONObject, pointer: str, node_type: object) -> None:
        for key, extension in (
            ("summary", "x-displayName"),
            ("parent", "x-parent"),
            ("kind", "x-kind"),
        ):
            if key in node and extension not in node:
                node[extension] = node.pop(key)
                self.report(
                    "tag-field",
                    Level.INFO,
                    join_pointer(pointer, key),
                    f"tag {key} kept as {extension}",
                )

    def leave_Response(self, node: JSONObject, pointer: str, node_type: object) -> None:
        if "summary" in node and "description" not in node and type(node["summary"]) is str:
            node["description"] = node.pop("summary")
            self.report(
                "response-summary",
                Level.INFO,
                join_pointer(pointer, "summary"),
                "the response's summary used as its description (3.0 requires a description)",
            )

    def leave_Example(self, node: JSONObject, pointer: str, node_type: object) -> None:
        if "dataValue" in node and "value" not in node and "externalValue" not in node:
            node["value"] = node.pop("dataValue")
            self.report(
                "example-data-value",
                Level.INFO,
                join_pointer(pointer, "dataValue"),
                "the example's dataValue used as its value",
            )

    @only_with("xml")
    def leave_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        xml = node.get("xml") if type(node) is dict else None
        if type(xml) is not dict or "nodeType" not in xml:
            return
        kind = xml["nodeType"]
        spelled = {"attribute": ("attribute", True)}
        if node.get("type") == "array":
            spelled.update({"element": ("wrapped", True), "none": ("wrapped", False)})
        if kind in spelled:
            key, value = spelled[kind]
            del xml["nodeType"]
            xml.setdefault(key, value)
            self.report(
                "xml-node-type",
                Level.INFO,
                join_pointer(pointer, "xml", "nodeType"),
                f"xml nodeType {kind!r} written as {key}: {str(value).lower()}",
            )

    def leave_OAuthFlows(self, node: JSONObject, pointer: str, node_type: object) -> None:
        if "deviceAuthorization" in node:
            del node["deviceAuthorization"]
            self.report(
                "oauth-flow-removed",
                Level.WARNING,
                join_pointer(pointer, "deviceAuthorization"),
                "3.0 has no device authorization flow: removed",
            )

    def leave_Root(self, node: JSONObject, pointer: str, node_type: object) -> None:
        if "$self" in node:
            del node["$self"]
            self.report(
                "self-removed",
                Level.INFO,
                "/$self",
                "$self removed: relative references were resolved when the spec was bundled",
            )
        components = node.get("components")
        if type(components) is dict and "mediaTypes" in components:
            del components["mediaTypes"]
            self.report(
                "media-types-removed",
                Level.INFO,
                "/components/mediaTypes",
                "components.mediaTypes removed: 3.0 cannot refer to a media type, so each"
                " reference to one was replaced by the media type",
            )
