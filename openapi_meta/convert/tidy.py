"""Tidy: make a valid 3.0.3 document fal-ready; each step can be turned off.

- `servers` that point at the extraction host (loopback, 0.0.0.0, localhost, ::1, or a port
  the extraction published) are useless to a fal client and are dropped; `server_url`
  replaces every `servers` list instead.
- `include_paths` / `exclude_paths` (`fnmatch` globs, where `*` also matches `/`) hide
  endpoints such as /health or /metrics; components that only those endpoints used go too.
- `x-fal-order-paths` and `x-fal-order-properties`, placed exactly as `fal.App` places them
  (`fal/api/api.py`, `_mark_order_openapi`): fal sends metadata as a protobuf Struct, which
  does not keep key order, so the Playground reads the order from these lists.

Every removal is an info finding with the pointer of what was removed; the input is never
mutated.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any
from urllib.parse import urlsplit

from openapi_meta.document.pointer import join_pointer, unescape_token
from openapi_meta.document.walk import OPENAPI_30, copy_tree, walk
from openapi_meta.findings import Finding, Level
from openapi_meta.jsontypes import JSONObject

_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_LOCAL_NAMES = frozenset({"localhost", "0.0.0.0", "::", "::1"})
_VARIABLE = re.compile(r"\{([^{}]*)\}")
_COMPONENT_REF = re.compile(r"^#/components/([^/]+)/([^/]+)$")


@dataclass(frozen=True)
class TidyOptions:
    """Which tidy steps run; the defaults are what `extract` does without flags."""

    drop_local_servers: bool = True
    server_url: str | None = None
    extraction_ports: frozenset[int] = frozenset()
    include_paths: tuple[str, ...] = ()
    exclude_paths: tuple[str, ...] = ()
    prune_components: bool = True
    fal_order: bool = True


@dataclass(frozen=True)
class TidyResult:
    document: JSONObject
    findings: tuple[Finding, ...]


@dataclass
class _Context:
    findings: list[Finding] = field(default_factory=list)

    def report(self, code: str, pointer: str, message: str, level: Level = Level.INFO) -> None:
        self.findings.append(Finding(code, level, pointer, message))


def tidy(
    document: JSONObject, options: TidyOptions | None = None, *, copy: bool = True
) -> TidyResult:
    """A fal-ready 3.0.3 `document` and a finding for everything tidy removed.

    Works on a copy unless `copy=False` (the pipeline passes its own converted document,
    which nobody else holds, and saves a copy of a possibly 13 MB tree).
    """
    options = options or TidyOptions()
    context = _Context()
    result: Any = copy_tree(document) if copy else document
    if options.server_url is not None:
        replace_servers(result, options.server_url, context)
    elif options.drop_local_servers:
        drop_local_servers(result, options.extraction_ports, context)
    if options.include_paths or options.exclude_paths:
        used_before = reachable_components(result) if options.prune_components else None
        filter_paths(result, options.include_paths, options.exclude_paths, context)
        if used_before is not None:
            prune_components(result, used_before, context)
    if options.fal_order:
        mark_order(result)
    return TidyResult(result, tuple(context.findings))


def _server_lists(document: JSONObject) -> Iterable[tuple[dict[str, Any], str]]:
    """Every object that may hold `servers` (root, path items, operations) and its pointer."""
    yield document, ""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    for path, item in paths.items():
        if not isinstance(item, dict):
            continue
        pointer = join_pointer("", "paths", path)
        yield item, pointer
        for method in _OPERATIONS:
            if isinstance(item.get(method), dict):
                yield item[method], join_pointer(pointer, method)


def replace_servers(document: JSONObject, url: str, context: _Context) -> None:
    """`--server-url`: one root server; path- and operation-level lists would override it."""
    wanted: Any = [{"url": url}]
    for owner, pointer in _server_lists(document):
        if "servers" in owner and owner["servers"] != wanted:
            context.report(
                "tidy-servers-replaced",
                join_pointer(pointer, "servers"),
                f"servers replaced: --server-url {url} is the one server of the deployment",
            )
        owner.pop("servers", None)
    document["servers"] = wanted


def drop_local_servers(document: JSONObject, ports: frozenset[int], context: _Context) -> None:
    """Drop server entries on the extraction host; an emptied list is removed (3.0's default
    is "/", the deployment itself)."""
    for owner, pointer in _server_lists(document):
        servers = owner.get("servers")
        if not isinstance(servers, list):
            continue
        kept = []
        for index, server in enumerate(servers):
            url = _server_url(server)
            if url is not None and is_extraction_host(url, ports):
                context.report(
                    "tidy-server-removed",
                    join_pointer(pointer, "servers", index),
                    f"server {url} points at the machine the spec was extracted on",
                )
            else:
                kept.append(server)
        if kept:
            owner["servers"] = kept
        else:
            del owner["servers"]


def _server_url(server: Any) -> str | None:
    """The server's URL with each `{variable}` set to its default."""
    if not isinstance(server, dict) or not isinstance(server.get("url"), str):
        return None
    variables = server.get("variables") if isinstance(server.get("variables"), dict) else {}

    def default(match: re.Match[str]) -> str:
        variable = variables.get(match[1])
        value = variable.get("default") if isinstance(variable, dict) else None
        return value if isinstance(value, str) else match[0]

    return _VARIABLE.sub(default, server["url"])


def is_extraction_host(url: str, ports: frozenset[int] = frozenset()) -> bool:
    """Is `url` on a loopback or unspecified address, or on one of the published `ports`?"""
    if "://" in url:
        url = "//" + url.split("://", 1)[1]  # the scheme does not matter (and may be a {var})
    elif _looks_like_host(url):
        url = "//" + url
    try:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        port = parts.port
    except ValueError:
        return False
    if not host:
        return False  # a relative URL ("/api") is the deployment itself
    if port is not None and port in ports:
        return True
    if host in _LOCAL_NAMES or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def _looks_like_host(url: str) -> bool:
    """`localhost:8000` (no scheme, no leading slash) is a host, not a relative path."""
    return not url.startswith("/") and ":" in url.split("/", 1)[0]


def filter_paths(
    document: JSONObject,
    include: tuple[str, ...],
    exclude: tuple[str, ...],
    context: _Context,
) -> None:
    """Keep the paths matching an `include` glob (all when none) and no `exclude` glob."""
    paths = document.get("paths")
    if not isinstance(paths, dict):
        return
    used: set[str] = set()
    kept = {}
    for path, item in paths.items():
        included = [g for g in include if fnmatchcase(path, g)]
        excluded = [g for g in exclude if fnmatchcase(path, g)]
        used.update(included, excluded)
        if (include and not included) or excluded:
            reason = f"--exclude-path {excluded[0]}" if excluded else "no --include-path matches"
            context.report(
                "tidy-path-removed", join_pointer("", "paths", path), f"{path} removed ({reason})"
            )
        else:
            kept[path] = item
    document["paths"] = kept
    for pattern in sorted(set(include) | set(exclude)):
        if pattern not in used:
            option = "--include-path" if pattern in include else "--exclude-path"
            context.report(
                "tidy-pattern-unused",
                "/paths",
                f"{option} {pattern} matches no path (patterns are globs on the path"
                " template, e.g. /health or /internal/*)",
                Level.WARNING,
            )


def prune_components(
    document: JSONObject, used_before: set[tuple[str, str]], context: _Context
) -> None:
    """Remove components that were used before the path filter and no longer are.

    Components nothing used to begin with are the author's business and stay."""
    lost = used_before - reachable_components(document)
    components = document.get("components")
    if not isinstance(components, dict):
        return
    for section, name in sorted(lost):
        entries = components.get(section)
        if isinstance(entries, dict) and name in entries:
            del entries[name]
            context.report(
                "tidy-component-removed",
                join_pointer("", "components", section, name),
                f"{section}/{name} removed: only removed paths used it",
            )
            if not entries:
                del components[section]
    if not components:
        del document["components"]


class _References:
    """Collects local component references, by the component (or None: outside) holding them.

    Discriminator mappings count as references too: they name schemas by `$ref` string."""

    def __init__(self) -> None:
        self.edges: dict[tuple[str, str] | None, set[tuple[str, str]]] = {}

    def _add(self, pointer: str, ref: Any) -> None:
        match = _COMPONENT_REF.match(ref) if isinstance(ref, str) else None
        if match:
            target = (unescape_token(match[1]), unescape_token(match[2]))
            self.edges.setdefault(_owner(pointer), set()).add(target)

    def visit_Reference(self, node: dict[str, Any], pointer: str, node_type: object) -> None:
        self._add(pointer, node["$ref"])

    def visit_Schema(self, node: Any, pointer: str, node_type: object) -> None:
        discriminator = node.get("discriminator") if isinstance(node, dict) else None
        mapping = discriminator.get("mapping") if isinstance(discriminator, dict) else None
        if isinstance(mapping, dict):
            for ref in mapping.values():
                self._add(pointer, ref)


def reachable_components(document: JSONObject) -> set[tuple[str, str]]:
    """The (section, name) of every component reachable from outside `components`."""
    references = _References()
    walk(document, [references], OPENAPI_30)
    seen: set[tuple[str, str]] = set()
    todo = list(references.edges.get(None, ()))
    while todo:
        target = todo.pop()
        if target not in seen:
            seen.add(target)
            todo.extend(references.edges.get(target, ()))
    return seen


def _owner(pointer: str) -> tuple[str, str] | None:
    tokens = pointer.split("/")
    if len(tokens) >= 4 and tokens[1] == "components":
        return unescape_token(tokens[2]), unescape_token(tokens[3])
    return None


def mark_order(document: JSONObject) -> None:
    """fal's `_mark_order_openapi`: the order of `paths`, and of `properties` in every
    component schema (and, recursively, in its `allOf` members)."""
    _mark(document, "paths")
    components = document.get("components")
    schemas = components.get("schemas") if isinstance(components, dict) else None
    if isinstance(schemas, dict):
        for schema in schemas.values():
            _mark_schema(schema)


def _mark_schema(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    members = schema.get("allOf")
    if isinstance(members, list):
        for member in members:
            _mark_schema(member)
    _mark(schema, "properties")


def _mark(node: dict[str, Any], key: str) -> None:
    if isinstance(node.get(key), dict):
        node[f"x-fal-order-{key}"] = list(node[key])
