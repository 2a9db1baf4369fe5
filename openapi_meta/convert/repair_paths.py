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

from openapi_meta.convert.conform import rename_key
from openapi_meta.document.pointer import PointerError, join_pointer, resolve_ref
from openapi_meta.findings import Level

_TEMPLATE = re.compile(r"\{([^{}/]+)\}")
# `{name=shelves/*}` (Google's HTTP rules, grpc-gateway) and `{id:[0-9]+}` (routers' patterns).
_PATTERNED = re.compile(r"\{([^{}=:/]+)[=:][^{}]*\}")
_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _renamed(path: str, old: str, new: str) -> str:
    return path.replace("{" + old + "}", "{" + new + "}")


class RepairPaths:
    def __init__(self, context: Any, document: dict[str, Any]) -> None:
        self.context = context
        self.document = document
        self._resolved: dict[str, Any] = {}

    def _resolve(self, parameter: Any) -> Any:
        ref = parameter.get("$ref") if type(parameter) is dict else None
        if type(ref) is not str:
            return parameter if type(parameter) is dict else None
        if ref not in self._resolved:
            self._resolved[ref] = self._follow(parameter)
        return self._resolved[ref]

    def _follow(self, parameter: Any) -> Any:
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

    def leave_Paths(self, node: Any, pointer: str, node_type: object) -> None:
        for path in list(node):
            if path.startswith("x-") or type(node[path]) is not dict:
                continue
            plain = self._simplified(node, path)
            if plain != path:
                rename_key(node, path, plain)
                self.context.report(
                    "path-template-simplified",
                    Level.WARNING,
                    join_pointer(pointer, path),
                    f"path {path!r} written as {plain!r}: a template variable is a name in"
                    " OpenAPI, not a name with a pattern",
                )
                path = plain
            self.path_item(node[path], join_pointer(pointer, path), path)

    def _simplified(self, paths: dict[str, Any], path: str) -> str:
        """`/v1/{name=shelves/*}` → `/v1/{name}`; when another path already has that name,
        the variable (and its path parameters here) get a number: `/v1/{name_2}`."""
        plain = _PATTERNED.sub(r"{\1}", path)
        if plain == path or plain not in paths:
            return plain
        item = paths[path]
        for name in _PATTERNED.findall(path):
            number = 2
            while _renamed(plain, name, f"{name}_{number}") in paths:
                number += 1
            new = f"{name}_{number}"
            plain = _renamed(plain, name, new)
            self._rename_parameter(item, name, new)
        return plain

    def _rename_parameter(self, item: dict[str, Any], old: str, new: str) -> None:
        """Path parameter `old` of a path item is `new` (its name is never sent: renaming is
        free); a shared `$ref`'d parameter is copied here first."""
        holders = [item, *(item[m] for m in _OPERATIONS if type(item.get(m)) is dict)]
        for holder in holders:
            parameters = holder.get("parameters")
            for index, parameter in enumerate(parameters if type(parameters) is list else ()):
                resolved = self._resolve(parameter)
                if resolved and resolved.get("in") == "path" and resolved.get("name") == old:
                    parameters[index] = {**resolved, "name": new}

    def path_item(self, node: Any, pointer: str, path: str) -> None:
        template = set(_TEMPLATE.findall(path))
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
                    where,
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
