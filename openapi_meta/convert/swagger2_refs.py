"""Swagger 2.0 → 3.0 names and references: component names and every local `$ref` rewritten.

2.0 keeps reusable objects in `definitions`, `parameters`, `responses` and
`securityDefinitions`; 3.0 keeps them under `components`, where a name must match
`^[a-zA-Z0-9.\\-_]+$`. A 2.0 name such as `Page«User»` (springfox) is renamed, without
collisions, and each `$ref` follows it. A shared `in: body` parameter becomes a
`components.requestBodies` entry, and a shared `in: formData` parameter has no 3.0 component
at all (its field is inlined into each operation's form schema).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from openapi_meta.convert.swagger2_origins import Origins
from openapi_meta.document.pointer import fragment_ref, join_pointer, parse_local_ref
from openapi_meta.document.walk import copy_tree
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject

if TYPE_CHECKING:
    from openapi_meta.convert import ConversionContext

_VALID_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
_INVALID_CHARS = re.compile(r"[^A-Za-z0-9._-]+")

# 2.0 section → 3.0 components section, for sections whose entries keep their kind.
SECTIONS = {
    "definitions": "schemas",
    "parameters": "parameters",
    "responses": "responses",
    "securityDefinitions": "securitySchemes",
}


@dataclass
class Swagger2State:
    """Per-run state of one Swagger 2.0 upgrade: the input, findings sink and the name maps."""

    context: ConversionContext
    source: JSONObject
    # 2.0 section → {2.0 name → 3.0 name}; only names that exist in the input.
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    # Names of shared parameters that are `in: body` (→ requestBodies) or `in: formData`.
    body_parameters: set[str] = field(default_factory=set)
    form_parameters: set[str] = field(default_factory=set)
    consumes: list[str] = field(default_factory=list)
    produces: list[str] = field(default_factory=list)
    host: str | None = None
    base_path: str = ""
    schemes: list[JSON] | None = None
    reported_operation_schemes: bool = False
    origins: Origins | None = None  # only when the caller wants input pointers traced

    def report(self, code: str, level: Level, pointer: str, message: str) -> None:
        self.context.report(code, level, pointer, message)

    def origin(self, node: JSON, pointer: str) -> JSON:
        """Note that `node` (in the output) stands for the input at `pointer`; returns it."""
        if self.origins is not None:
            self.origins.record(node, pointer)
        return node

    def origin_copy(self, node: JSON, pointer: str) -> JSON:
        """A deep copy of `node` that stands for the same input as `node` does."""
        if self.origins is None:
            return copy_tree(node)
        return self.origins.copy(node, pointer)

    def plan_names(self) -> None:
        """Choose a valid, collision-free 3.0 name for every shared object, in input order."""
        for section in SECTIONS:
            entries = self.source.get(section)
            if not isinstance(entries, dict):
                continue
            taken = {name for name in entries if _VALID_NAME.match(name)}
            mapping: dict[str, str] = {}
            for name in entries:
                if _VALID_NAME.match(name):
                    mapping[name] = name
                    continue
                new = _unique(_INVALID_CHARS.sub("_", name).strip("_") or "unnamed", taken)
                taken.add(new)
                mapping[name] = new
                self.report(
                    "swagger2-name-sanitized",
                    Level.INFO,
                    join_pointer("", section, name),
                    f"name {name!r} is not a valid 3.0 component name"
                    f" (allowed: letters, digits, '.', '-', '_'); renamed to {new!r}",
                )
            self.names[section] = mapping
        parameters = self.source.get("parameters")
        if isinstance(parameters, dict):
            for name, parameter in parameters.items():
                if isinstance(parameter, dict) and parameter.get("in") == "body":
                    self.body_parameters.add(name)
                elif isinstance(parameter, dict) and parameter.get("in") == "formData":
                    self.form_parameters.add(name)

    def new_name(self, section: str, name: str) -> str:
        return self.names.get(section, {}).get(name, name)

    def rename_security(self, requirements: JSON) -> JSON:
        """Security requirements with the scheme names as renamed in `components`."""
        names = self.names.get("securityDefinitions", {})
        if not isinstance(requirements, list) or all(k == v for k, v in names.items()):
            return requirements
        return [
            {names.get(k, k): v for k, v in r.items()} if isinstance(r, dict) else r
            for r in requirements
        ]

    def rewrite_ref(self, ref: JSON, pointer: str) -> JSON:
        """The 3.0 form of a `$ref` value found at `pointer` (the `$ref` key's own pointer).

        External refs are left to the bundler; a local ref this converter cannot place is kept
        as it is, with a warning (validation will then name it).
        """
        if not isinstance(ref, str):
            return ref
        tokens = parse_local_ref(ref)
        if tokens is None:
            return ref
        if len(tokens) >= 2 and tokens[0] in SECTIONS:
            section, name, rest = tokens[0], tokens[1], tokens[2:]
            if name not in self.names.get(section, {}):
                self.report(
                    "swagger2-ref-missing",
                    Level.WARNING,
                    pointer,
                    f"$ref {ref!r} points at nothing: there is no {section}.{name}",
                )
            target = SECTIONS[section]
            if section == "parameters" and name in self.body_parameters:
                target = "requestBodies"
                if rest:
                    self.report(
                        "swagger2-ref-unmapped",
                        Level.WARNING,
                        pointer,
                        f"$ref {ref!r} points inside a body parameter, which 3.0 turns into a"
                        " request body; the ref is kept as it was",
                    )
                    return ref
            return fragment_ref(["components", target, self.new_name(section, name), *rest])
        self.report(
            "swagger2-ref-unmapped",
            Level.WARNING,
            pointer,
            f"$ref {ref!r} points into a part of the 2.0 document that 3.0 restructures;"
            " it is kept as it was (point it at a definition instead)",
        )
        return ref


def _unique(base: str, taken: set[str]) -> str:
    if base not in taken:
        return base
    n = 2
    while f"{base}_{n}" in taken:
        n += 1
    return f"{base}_{n}"
