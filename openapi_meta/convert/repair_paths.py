"""Path parameters that match the path template, responses with a description, unique tags.

3.0 requires every `{name}` in a path template to be declared as an `in: path` parameter
(of the operation or its path item), and every declared path parameter to appear in the
template; a Response needs a `description`; tag names are unique. Real documents break each
rule (a shared path parameter reused on a path without it, a generator that leaves the
description out, a tag listed twice): each repair is a finding.
"""

from __future__ import annotations

import re
from typing import Any

from openapi_meta.document.pointer import PointerError, join_pointer, resolve_ref, unescape_token
from openapi_meta.findings import Level

_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


class RepairPaths:
    def __init__(self, context: Any, document: dict[str, Any]) -> None:
        self.context = context
        self.document = document

    def _resolve(self, parameter: Any) -> Any:
        ref = parameter.get("$ref") if type(parameter) is dict else None
        for _ in range(16):
            if type(ref) is not str or not ref.startswith("#"):
                break
            try:
                parameter = resolve_ref(self.document, ref)
            except PointerError:
                return None
            ref = parameter.get("$ref") if type(parameter) is dict else None
        return parameter if type(parameter) is dict else None

    def _path_names(self, parameters: Any) -> dict[int, str]:
        names = {}
        if type(parameters) is list:
            for index, parameter in enumerate(parameters):
                resolved = self._resolve(parameter)
                if resolved and resolved.get("in") == "path" and type(resolved.get("name")) is str:
                    names[index] = resolved["name"]
        return names

    def leave_PathItem(self, node: Any, pointer: str, node_type: object) -> None:
        if not pointer.startswith("/paths/") or pointer.count("/") != 2:
            return
        template = set(_TEMPLATE.findall(unescape_token(pointer[len("/paths/") :])))
        shared = self._path_names(node.get("parameters"))
        self._drop_unknown(node, pointer, shared, template)
        shared_names = set(self._path_names(node.get("parameters")).values())
        for method in _OPERATIONS:
            operation = node.get(method)
            if type(operation) is not dict:
                continue
            where = join_pointer(pointer, method)
            own = self._path_names(operation.get("parameters"))
            self._drop_unknown(operation, where, own, template)
            declared = shared_names | set(self._path_names(operation.get("parameters")).values())
            for name in sorted(template - declared):
                operation.setdefault("parameters", []).append(
                    {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
                )
                self.context.report(
                    "path-parameter-added",
                    Level.WARNING,
                    join_pointer(where, "parameters"),
                    f"path parameter {name!r} is in the template but not declared; added as a"
                    " string",
                )

    def _drop_unknown(
        self, holder: dict[str, Any], pointer: str, names: dict[int, str], template: set[str]
    ) -> None:
        unknown = [index for index, name in names.items() if name not in template]
        for index in reversed(unknown):
            del holder["parameters"][index]
            if not holder["parameters"]:
                del holder["parameters"]
            self.context.report(
                "path-parameter-removed",
                Level.WARNING,
                join_pointer(pointer, "parameters", index),
                f"path parameter {names[index]!r} is not in the path template; removed here",
            )

    def leave_Response(self, node: Any, pointer: str, node_type: object) -> None:
        if "description" not in node:
            node["description"] = ""
            self.context.report(
                "response-description-added",
                Level.INFO,
                pointer,
                "3.0 requires a response description: an empty one added",
            )

    def leave_Root(self, node: Any, pointer: str, node_type: object) -> None:
        tags = node.get("tags")
        if type(tags) is not list:
            return
        seen: dict[str, dict[str, Any]] = {}
        kept = []
        for index, tag in enumerate(tags):
            name = tag.get("name") if type(tag) is dict else None
            if name in seen:
                for key, value in tag.items():
                    seen[name].setdefault(key, value)
                self.context.report(
                    "duplicate-tag",
                    Level.INFO,
                    join_pointer("/tags", index),
                    f"tag {name!r} listed twice; merged into the first",
                )
                continue
            if name is not None:
                seen[name] = tag
            kept.append(tag)
        node["tags"] = kept
