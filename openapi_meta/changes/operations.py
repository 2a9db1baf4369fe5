"""Two specs compared operation by operation, as an HTTP client of the API would notice.

Operations are matched by method and path template, with the parameter names left out
(`/todos/{id}` and `/todos/{todo_id}` are the same URL to a client); parameters by location
and name (a header's name without case, a path parameter by its place in the template);
request bodies and responses by media type and status code; schemas structurally along
them (`schemas`). Each fact becomes a `Change` with oasdiff's rule id for where it sits.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from openapi_meta.changes.model import Change
from openapi_meta.changes.naming import describe, rule_for
from openapi_meta.changes.refs import Side
from openapi_meta.changes.rules import RULES
from openapi_meta.changes.schemas import Delta, Direction, SchemaComparer
from openapi_meta.document.pointer import join_pointer
from openapi_meta.jsontypes import JSONObject

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_TEMPLATE_PARAMETER = re.compile(r"\{([^{}]*)\}")


def compare_documents(old: JSONObject, new: JSONObject) -> list[Change]:
    """Every change from `old` to `new` that a rule in `rules.RULES` describes."""
    return _Comparison(Side(old), Side(new)).run()


class _Comparison:
    def __init__(self, old: Side, new: Side) -> None:
        self.old, self.new = old, new
        self.changes: list[Change] = []
        self.comparers: dict[Direction, SchemaComparer] = {
            "request": SchemaComparer(old, new, "request"),
            "response": SchemaComparer(old, new, "response"),
        }
        self.method = self.path = ""

    def run(self) -> list[Change]:
        self._paths()
        self.method = self.path = ""
        self._security_requirements(
            self.old.document.get("security"),
            self.new.document.get("security"),
            "",
            "api-global-security",
        )
        self._security_schemes()
        return self.changes

    def add(self, rule: str, text: str, pointer: str, side: str = "new") -> None:
        self.changes.append(Change(rule, RULES[rule], self.method, self.path, text, pointer, side))

    # -- paths and operations -------------------------------------------------------------

    def _paths(self) -> None:
        before, after = _endpoints(self.old), _endpoints(self.new)
        templates = {template for template, _ in after}
        for key, was in before.items():
            if key not in after:
                self.method, self.path = key[1], was.path
                self._removed(was, whole_path=key[0] not in templates)
        for key, now in after.items():
            self.method, self.path = key[1], now.path
            if key in before:
                self._operation(before[key], now)
            else:
                self.add("endpoint-added", "operation added", now.pointer)

    def _removed(self, was: _Endpoint, *, whole_path: bool) -> None:
        deprecated = was.operation.get("deprecated") is True
        rule = ("api-path-removed" if whole_path else "api-removed") + (
            "-with-deprecation" if deprecated else "-without-deprecation"
        )
        text = "deprecated operation removed" if deprecated else "operation removed"
        if whole_path:
            text += " (the whole path is gone)"
        self.add(rule, text, was.pointer, "old")

    def _operation(self, old: _Endpoint, new: _Endpoint) -> None:
        was, was_pointer, now, now_pointer = old.operation, old.pointer, new.operation, new.pointer
        if (was.get("deprecated") is True) != (now.get("deprecated") is True):
            if now.get("deprecated") is True:
                self.add("endpoint-deprecated", "operation deprecated", now_pointer)
            else:
                self.add("endpoint-reactivated", "operation no longer deprecated", now_pointer)
        self._operation_id(was, was_pointer, now, now_pointer)
        self._tags(was, was_pointer, now, now_pointer)
        self._parameters(_parameters(self.old, old), _parameters(self.new, new))
        self._request_body(was, was_pointer, now, now_pointer)
        self._responses(was, was_pointer, now, now_pointer)
        if "security" in was or "security" in now:
            self._security_requirements(
                was.get("security"),
                now.get("security"),
                join_pointer(now_pointer, "security"),
                "api-security",
            )

    def _operation_id(self, was: Any, was_pointer: str, now: Any, now_pointer: str) -> None:
        before, after = was.get("operationId"), now.get("operationId")
        if before == after:
            return
        if before is None:
            pointer = join_pointer(now_pointer, "operationId")
            self.add("api-operation-id-added", f"operationId {after} added", pointer)
        elif after is None:
            pointer = join_pointer(was_pointer, "operationId")
            self.add("api-operation-id-removed", f"operationId {before} removed", pointer, "old")
        else:
            pointer = join_pointer(now_pointer, "operationId")
            text = f"operationId changed from {before} to {after}"
            self.add("api-operation-id-removed", text, pointer)

    def _tags(self, was: Any, was_pointer: str, now: Any, now_pointer: str) -> None:
        before = [t for t in was.get("tags") or () if isinstance(t, str)]
        after = [t for t in now.get("tags") or () if isinstance(t, str)]
        for tag in after:
            if tag not in before:
                self.add("api-tag-added", f"tag {tag} added", join_pointer(now_pointer, "tags"))
        for tag in before:
            if tag not in after:
                pointer = join_pointer(was_pointer, "tags")
                self.add("api-tag-removed", f"tag {tag} removed", pointer, "old")

    # -- parameters -----------------------------------------------------------------------

    def _parameters(
        self,
        before: dict[tuple[str, str], tuple[Any, str]],
        after: dict[tuple[str, str], tuple[Any, str]],
    ) -> None:
        for key, (parameter, pointer) in after.items():
            subject = f"{parameter.get('in')} parameter {parameter.get('name')}"
            required = parameter.get("required") is True
            if key not in before:
                if required:
                    self.add("new-required-request-parameter", f"new required {subject}", pointer)
                else:
                    self.add("new-optional-request-parameter", f"new optional {subject}", pointer)
                continue
            old, old_pointer = before[key]
            if required != (old.get("required") is True):
                rule = "request-parameter-became-" + ("required" if required else "optional")
                self.add(rule, f"{subject} became {rule.rsplit('-', 1)[1]}", pointer)
            if (parameter.get("deprecated") is True) != (old.get("deprecated") is True):
                if parameter.get("deprecated") is True:
                    self.add("request-parameter-deprecated", f"{subject} deprecated", pointer)
                else:
                    self.add("request-parameter-reactivated", f"{subject} undeprecated", pointer)
            old_schema = _parameter_schema(old, old_pointer)
            new_schema = _parameter_schema(parameter, pointer)
            if old_schema and new_schema:
                deltas = self.comparers["request"].compare(*old_schema, *new_schema)
                self._deltas(deltas, "request-parameter", subject, "")
        for key, (parameter, pointer) in before.items():
            if key not in after:
                subject = f"{parameter.get('in')} parameter {parameter.get('name')}"
                if parameter.get("deprecated") is True:
                    rule, text = (
                        "request-parameter-removed-with-deprecation",
                        f"deprecated {subject} removed",
                    )
                else:
                    rule, text = "request-parameter-removed", f"{subject} removed"
                self.add(rule, text, pointer, "old")

    # -- request bodies -------------------------------------------------------------------

    def _request_body(self, was: Any, was_pointer: str, now: Any, now_pointer: str) -> None:
        old, old_pointer = self.old.get(was, was_pointer, "requestBody")
        new, new_pointer = self.new.get(now, now_pointer, "requestBody")
        if not isinstance(old, dict) and not isinstance(new, dict):
            return
        if not isinstance(old, dict):
            required = new.get("required") is True
            rule = "request-body-added-" + ("required" if required else "optional")
            words = "required request body added" if required else "optional request body added"
            self.add(rule, words, new_pointer)
            return
        if not isinstance(new, dict):
            self.add("request-body-removed", "request body removed", old_pointer, "old")
            return
        if (old.get("required") is True) != (new.get("required") is True):
            state = "required" if new.get("required") is True else "optional"
            self.add(f"request-body-became-{state}", f"request body became {state}", new_pointer)
        self._content((old, old_pointer), (new, new_pointer), "request", "")

    def _content(
        self, old: tuple[Any, str], new: tuple[Any, str], direction: Direction, suffix: str
    ) -> None:
        """Media types of a request body or response: added, removed, their schemas compared."""
        rules, noun = (
            ("request-body", "request body") if direction == "request" else ("response", "response")
        )
        schema_rule = f"{direction}-body-media-type-schema"
        before, after = _media_types(old), _media_types(new)
        several = len(after) > 1 or len(before) > 1
        for name, (media, pointer) in after.items():
            if name not in before:
                self.add(
                    f"{rules}-media-type-added", f"{noun} media type {name} added{suffix}", pointer
                )
                continue
            old_media, old_pointer = before[name]
            old_schema = self.old.get(old_media, old_pointer, "schema")
            new_schema = self.new.get(media, pointer, "schema")
            where = f"{suffix} ({name})" if several else suffix
            if old_schema[0] is None and new_schema[0] is not None:
                self.add(
                    f"{schema_rule}-added",
                    f"{noun} media type {name}: schema added{suffix}",
                    new_schema[1],
                )
            elif old_schema[0] is not None and new_schema[0] is None:
                text = f"{noun} media type {name}: schema removed{suffix}"
                self.add(f"{schema_rule}-removed", text, old_schema[1], "old")
            elif old_schema[0] is not None:
                deltas = self.comparers[direction].compare(*old_schema, *new_schema)
                self._deltas(deltas, f"{direction}-body", direction, where)
        for name, (_, pointer) in before.items():
            if name not in after:
                text = f"{noun} media type {name} removed{suffix}"
                self.add(f"{rules}-media-type-removed", text, pointer, "old")

    # -- responses ------------------------------------------------------------------------

    def _responses(self, was: Any, was_pointer: str, now: Any, now_pointer: str) -> None:
        before = _statuses(was.get("responses"), join_pointer(was_pointer, "responses"))
        after = _statuses(now.get("responses"), join_pointer(now_pointer, "responses"))
        for status, pointer in after.items():
            if status not in before:
                kind = "success" if status.startswith("2") else "non-success"
                text = f"{'success ' if kind == 'success' else ''}response {status} added"
                self.add(f"response-{kind}-status-added", text, pointer)
                continue
            old, old_pointer = self.old.resolve(was["responses"][status], before[status])
            new, new_pointer = self.new.resolve(now["responses"][status], pointer)
            if isinstance(old, dict) and isinstance(new, dict):
                self._headers((old, old_pointer), (new, new_pointer), status)
                self._content(
                    (old, old_pointer), (new, new_pointer), "response", f" for status {status}"
                )
        for status, pointer in before.items():
            if status not in after:
                kind = "success" if status.startswith("2") else "non-success"
                text = f"{'success ' if kind == 'success' else ''}response {status} removed"
                self.add(f"response-{kind}-status-removed", text, pointer, "old")

    def _headers(self, old: tuple[Any, str], new: tuple[Any, str], status: str) -> None:
        before, after = _headers_by_name(*old), _headers_by_name(*new)
        suffix = f" for status {status}"
        for key, (name, pointer) in after.items():
            header, pointer = self.new.resolve(new[0]["headers"][name], pointer)
            if key not in before:
                self.add("response-header-added", f"response header {name} added{suffix}", pointer)
                continue
            old_name, old_pointer = before[key]
            old_header, old_pointer = self.old.resolve(old[0]["headers"][old_name], old_pointer)
            if not isinstance(header, dict) or not isinstance(old_header, dict):
                continue
            if old_header.get("required") is True and header.get("required") is not True:
                text = f"response header {name} became optional{suffix}"
                self.add("response-header-became-optional", text, pointer)
            old_schema = self.old.get(old_header, old_pointer, "schema")
            new_schema = self.new.get(header, pointer, "schema")
            if old_schema[0] is not None and new_schema[0] is not None:
                deltas = self.comparers["response"].compare(*old_schema, *new_schema)
                self._deltas(deltas, "response-header", f"response header {name}", suffix)
        for key, (name, pointer) in before.items():
            if key not in after:
                header, _ = self.old.resolve(old[0]["headers"][name], pointer)
                required = isinstance(header, dict) and header.get("required") is True
                rule = (
                    "required-response-header-removed"
                    if required
                    else "optional-response-header-removed"
                )
                words = "required response header" if required else "response header"
                self.add(rule, f"{words} {name} removed{suffix}", pointer, "old")

    # -- security -------------------------------------------------------------------------

    def _security_requirements(self, was: Any, now: Any, pointer: str, rules: str) -> None:
        before = {_canonical(r): r for r in was or () if isinstance(r, dict)}
        after = {_canonical(r): r for r in now or () if isinstance(r, dict)}
        scope = "security requirement" if rules == "api-security" else "global security requirement"
        pointer = pointer or "/security"
        for key, requirement in after.items():
            if key not in before:
                self.add(f"{rules}-added", f"{scope} {_requirement(requirement)} added", pointer)
        for key, requirement in before.items():
            if key not in after:
                self.add(
                    f"{rules}-removed",
                    f"{scope} {_requirement(requirement)} removed",
                    pointer,
                    "old",
                )

    def _security_schemes(self) -> None:
        self.method = self.path = ""
        pointer = "/components/securitySchemes"
        before = _entries(self.old.document.get("components", {}).get("securitySchemes"), pointer)
        after = _entries(self.new.document.get("components", {}).get("securitySchemes"), pointer)
        for name, where in after.items():
            if name not in before:
                self.add("api-security-component-added", f"security scheme {name} added", where)
        for name, where in before.items():
            if name not in after:
                self.add(
                    "api-security-component-removed",
                    f"security scheme {name} removed",
                    where,
                    "old",
                )

    # -- schema deltas to changes ---------------------------------------------------------

    def _deltas(self, deltas: list[Delta], where: str, subject: str, suffix: str) -> None:
        """`where` is "request-body", "response-body", "request-parameter" or "response-header";
        for bodies `subject` is the direction, else the parameter or header in words."""
        for delta in deltas:
            rule = rule_for(where, delta)
            if rule is not None:
                self.add(rule, describe(where, subject, delta) + suffix, delta.pointer, delta.side)


# -- reading the documents ----------------------------------------------------------------


@dataclass(frozen=True)
class _Endpoint:
    """An operation and the path item it is in, as this spec writes its path."""

    path: str
    item: dict[str, Any]
    item_pointer: str
    operation: dict[str, Any]
    pointer: str


def _endpoints(side: Side) -> dict[tuple[str, str], _Endpoint]:
    """Operations by (path template without parameter names, method); when two paths of one
    spec differ only in parameter names, the second keeps its exact path as its key."""
    found: dict[tuple[str, str], _Endpoint] = {}
    templates: set[str] = set()
    paths = side.document.get("paths")
    for path, raw in paths.items() if isinstance(paths, dict) else ():
        if not isinstance(path, str) or path.startswith("x-"):
            continue
        item, item_pointer = side.resolve(raw, join_pointer("/paths", path))
        if not isinstance(item, dict):
            continue
        template = _TEMPLATE_PARAMETER.sub("{}", path)
        template = path if template in templates else template
        templates.add(template)
        for method in METHODS:
            operation = item.get(method)
            if isinstance(operation, dict):
                pointer = join_pointer(item_pointer, method)
                found[(template, method)] = _Endpoint(path, item, item_pointer, operation, pointer)
    return found


def _parameters(side: Side, endpoint: _Endpoint) -> dict[tuple[str, str], tuple[Any, str]]:
    """The parameters an operation takes (its own over its path item's), by location and name;
    a header's name in lower case; a path parameter by its place in the template."""
    template = _TEMPLATE_PARAMETER.findall(endpoint.path)
    found: dict[tuple[str, str], tuple[Any, str]] = {}
    for owner, pointer in (
        (endpoint.item, endpoint.item_pointer),
        (endpoint.operation, endpoint.pointer),
    ):
        raw = owner.get("parameters")
        for index, entry in enumerate(raw if isinstance(raw, list) else ()):
            parameter, where = side.resolve(entry, join_pointer(pointer, "parameters", index))
            if not isinstance(parameter, dict) or not isinstance(parameter.get("name"), str):
                continue
            location, name = str(parameter.get("in")), parameter["name"]
            if location == "header":
                name = name.lower()
            elif location == "path" and name in template:
                name = f"#{template.index(name)}"
            found[(location, name)] = (parameter, where)
    return found


def _parameter_schema(parameter: Any, pointer: str) -> tuple[Any, str] | None:
    """A parameter's schema, or the schema of its one `content` media type."""
    if isinstance(parameter.get("schema"), dict):
        return parameter["schema"], join_pointer(pointer, "schema")
    content = parameter.get("content")
    if isinstance(content, dict):
        for media_type, media in content.items():
            if isinstance(media, dict) and isinstance(media.get("schema"), dict):
                return media["schema"], join_pointer(pointer, "content", media_type, "schema")
    return None


def _media_types(owner: tuple[Any, str]) -> dict[str, tuple[Any, str]]:
    node, pointer = owner
    content = node.get("content")
    if not isinstance(content, dict):
        return {}
    return {
        name: (media, join_pointer(pointer, "content", name))
        for name, media in content.items()
        if isinstance(media, dict)
    }


def _entries(mapping: Any, pointer: str) -> dict[str, str]:
    """The keys of a map (responses, headers, ...) with their pointers."""
    if not isinstance(mapping, dict):
        return {}
    return {k: join_pointer(pointer, k) for k in mapping}


def _headers_by_name(response: dict[str, Any], pointer: str) -> dict[str, tuple[str, str]]:
    """A response's headers by lower-case name (HTTP header names have no case)."""
    headers = _entries(response.get("headers"), join_pointer(pointer, "headers"))
    return {name.lower(): (name, where) for name, where in headers.items()}


def _statuses(responses: Any, pointer: str) -> dict[str, str]:
    """A Responses Object's status codes (it may also hold `x-` extensions)."""
    return {k: p for k, p in _entries(responses, pointer).items() if not k.startswith("x-")}


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True)


def _requirement(requirement: dict[str, Any]) -> str:
    if not requirement:
        return "{} (anonymous access)"
    parts = []
    for name, scopes in requirement.items():
        listed = ", ".join(str(s) for s in scopes) if isinstance(scopes, list) else ""
        parts.append(f"{name} [{listed}]" if listed else name)
    return " + ".join(parts)
