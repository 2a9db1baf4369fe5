"""Conform's whole-document steps: what one object's projection cannot see.

Run once after the walk, in this order:

1. references: a local `$ref` whose target does not exist (never did, or conform removed it)
   is repaired where that invents nothing: at a Schema position it becomes `{}` (any value,
   which is all the document says); anywhere else the referring object is removed;
2. security requirements name schemes that exist: a requirement on a scheme that was removed
   (3.1's `mutualTLS`) or never declared loses that entry, and a requirement left naming
   nothing is removed (an empty one would mean "no authentication" instead);
3. operationIds are unique: a repeat gets `_2`, `_3`, ...;
4. a parameter list names each (name, in) once: later repeats are removed;
5. a schema with `allOf` requires only properties that it or its members define.

Each step records a finding at the place it changed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from openapi_meta.document.pointer import (
    PointerError,
    join_pointer,
    resolve_ref,
    unescape_token,
)
from openapi_meta.document.walk import OPENAPI_30, REMOVE, walk
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject

__all__ = ["ConformDocument", "property_names", "resolve_quietly"]

_MAX_CHAIN = 64


@dataclass
class ConformDocument:
    """What the conform walk collected, and the steps that use it."""

    context: Any
    references: list[tuple[JSONObject, str, str]] = field(default_factory=list)
    requirements: list[tuple[JSONObject, str]] = field(default_factory=list)
    operations: list[tuple[JSONObject, str]] = field(default_factory=list)
    path_items: list[tuple[JSONObject, str]] = field(default_factory=list)
    all_of: list[tuple[JSONObject, str]] = field(default_factory=list)
    extension_refs: list[tuple[JSONObject, str, str]] = field(default_factory=list)
    # The walk pointer (the input's) of parameters and references, by identity: list
    # positions shift when conform removes an item.
    origins: dict[int, str] = field(default_factory=dict)
    removed_schemes: set[str] = field(default_factory=set)

    def report(self, code: str, level: Level, pointer: str, message: str) -> None:
        self.context.report(code, level, pointer, message)

    def finish(self, document: JSONObject) -> None:
        self.references_resolve(document)
        self.requirements_name_schemes(document)
        self.unique_operation_ids()
        for holder, pointer in self.path_items + self.operations:
            self.unique_parameters(document, holder, pointer)
        for schema, pointer in self.all_of:
            self.required_defined(document, schema, pointer)

    # -- 1. references

    def references_resolve(self, document: JSONObject) -> None:
        doomed: set[int] = set()
        problems: dict[str, str | None] = {}  # GitHub's 10,000 refs name 900 targets
        for node, pointer, type_name in self.references:
            ref = node["$ref"]
            if ref not in problems:
                problems[ref] = _dangling(document, ref)  # type: ignore[arg-type]
            problem = problems[ref]  # type: ignore[index]
            if problem is None:
                continue
            ref = node["$ref"]
            if type_name == "Schema":
                node.clear()
                self.report(
                    "ref-unresolved",
                    Level.WARNING,
                    pointer,
                    f"$ref {ref!r} {problem}: the schema accepts any value",
                )
            else:
                doomed.add(id(node))
                self.report(
                    "ref-unresolved",
                    Level.WARNING,
                    pointer,
                    f"$ref {ref!r} {problem}: the {type_name} that refers to it is removed",
                )
        if doomed:
            walk(document, [_Remover(doomed, self.context)], OPENAPI_30)
        for holder, key, pointer in self.extension_refs:
            problem = _dangling(document, holder[key]["$ref"])  # type: ignore[index]
            if problem is not None:
                del holder[key]
                self.report(
                    "ref-unresolved",
                    Level.WARNING,
                    pointer,
                    f"the extension's $ref {problem}: removed (validators follow it)",
                )

    # -- 2. security requirements

    def requirements_name_schemes(self, document: JSONObject) -> None:
        components = document.get("components")
        schemes = components.get("securitySchemes") if type(components) is dict else None
        declared = set(schemes) if type(schemes) is dict else set()
        removed = {unescape_token(p.rsplit("/", 1)[-1]) for p in self.removed_schemes}
        emptied: set[int] = set()
        for requirement, pointer in self.requirements:
            if requirement and all(n not in declared for n in requirement):
                emptied.add(id(requirement))
            for name in [n for n in requirement if n not in declared]:
                del requirement[name]
                why = (
                    "was removed (3.0 cannot express it)"
                    if name in removed
                    else "is not declared in components.securitySchemes"
                )
                self.report(
                    "security-requirement-removed",
                    Level.WARNING,
                    join_pointer(pointer, name),
                    f"the security scheme {name!r} {why}: this requirement no longer names it",
                )
        if emptied:
            for holder in [document, *(op for op, _ in self.operations)]:
                security = holder.get("security")
                if type(security) is list:
                    holder["security"] = [r for r in security if id(r) not in emptied]

    # -- 3. operationIds

    def unique_operation_ids(self) -> None:
        taken = {
            op["operationId"] for op, _ in self.operations if type(op.get("operationId")) is str
        }
        seen: set[str] = set()
        for operation, pointer in self.operations:
            operation_id = operation.get("operationId")
            if type(operation_id) is not str:
                continue
            if operation_id not in seen:
                seen.add(operation_id)
                continue
            number = 2
            while f"{operation_id}_{number}" in taken:
                number += 1
            new_id = f"{operation_id}_{number}"
            taken.add(new_id)
            seen.add(new_id)
            operation["operationId"] = new_id
            self.report(
                "operation-id-renamed",
                Level.WARNING,
                join_pointer(pointer, "operationId"),
                f"operationId {operation_id!r} is used by another operation: renamed {new_id!r}",
            )

    # -- 4. parameters

    def unique_parameters(self, document: JSONObject, holder: JSONObject, pointer: str) -> None:
        parameters = holder.get("parameters")
        if type(parameters) is not list:
            return
        seen: set[tuple[Any, Any]] = set()
        kept = []
        for index, parameter in enumerate(parameters):
            resolved = resolve_quietly(document, parameter)
            key = (
                (resolved.get("name"), resolved.get("in"))
                if type(resolved) is dict
                else (id(parameter), None)
            )
            if key in seen:
                self.report(
                    "parameter-repeated",
                    Level.WARNING,
                    self.origins.get(id(parameter), join_pointer(pointer, "parameters", index)),
                    f"parameter {key[0]!r} in {key[1]} is declared twice here: the repeat removed",
                )
                continue
            seen.add(key)
            kept.append(parameter)
        if len(kept) != len(parameters):
            holder["parameters"] = kept

    # -- 5. required next to allOf

    def required_defined(self, document: JSONObject, schema: JSONObject, pointer: str) -> None:
        required = schema.get("required")
        if type(required) is not list or "allOf" not in schema:
            return
        defined = property_names(document, schema, set(), include_self=True)
        missing = [name for name in required if name not in defined]
        if not missing:
            return
        kept = [name for name in required if name in defined]
        if kept:
            schema["required"] = kept
        else:
            del schema["required"]
        self.report(
            "required-not-defined",
            Level.WARNING,
            join_pointer(pointer, "required"),
            f"required names {missing}, which neither this schema nor its allOf members define:"
            " removed from required",
        )


class _Remover:
    """A walk that removes the Reference Objects it was given (by identity), and gives a
    Responses object it emptied its default response."""

    def __init__(self, doomed: set[int], context: Any) -> None:
        self.doomed = doomed
        self.context = context

    def visit_Reference(self, node: JSONObject, pointer: str, node_type: Any) -> Any:
        return REMOVE if id(node) in self.doomed else None

    def leave_Responses(self, node: JSONObject, pointer: str, node_type: object) -> None:
        at_least_one_response(node, pointer, self.context)


def at_least_one_response(responses: JSONObject, pointer: str, context: Any) -> None:
    """3.0 requires an operation to declare a response: an empty `default` one, if none."""
    if not any(not key.startswith("x-") for key in responses):
        responses["default"] = {"description": ""}
        context.report(
            "required-added",
            Level.INFO,
            pointer,
            "3.0 requires at least one response: a default response added",
        )


def resolve_quietly(document: JSONObject, node: JSON) -> JSON:
    """`node`, or what its `$ref` chain leads to; None when it leads nowhere."""
    for _ in range(_MAX_CHAIN):
        if not (type(node) is dict and type(node.get("$ref")) is str):
            return node
        try:
            node = resolve_ref(document, node["$ref"])  # type: ignore[arg-type]
        except PointerError:
            return None
    return None


def property_names(
    document: JSONObject, schema: JSON, seen: set[int], *, include_self: bool = False
) -> set[str]:
    """Every property name a schema defines through properties, allOf/anyOf/oneOf, items and
    not (with `include_self`, only its own properties and allOf members: the reference
    validator's rule for `required` next to `allOf`)."""
    schema = resolve_quietly(document, schema)
    names: set[str] = set()
    if type(schema) is not dict or id(schema) in seen:
        return names
    seen.add(id(schema))
    properties = schema.get("properties")
    if type(properties) is dict:
        names.update(properties)
    keywords = ("allOf",) if include_self else ("allOf", "anyOf", "oneOf")
    for keyword in keywords:
        members = schema.get(keyword)
        for member in members if type(members) is list else ():
            names |= property_names(document, member, seen)
    if not include_self:
        for keyword in ("items", "not"):
            if keyword in schema:
                names |= property_names(document, schema[keyword], seen)
    return names


def _dangling(document: JSONObject, ref: str) -> str | None:
    """Why a `$ref` leads to no object, or None when it does."""
    seen = set()
    while True:
        if not ref.startswith("#"):
            return "points outside the document"
        if ref in seen:
            return "is circular"
        seen.add(ref)
        try:
            target = resolve_ref(document, ref)
        except PointerError as exc:
            return f"does not resolve ({exc})"
        if type(target) is bool:
            return None
        if type(target) is not dict:
            return f"points at {type(target).__name__}, not an object"
        next_ref = target.get("$ref")
        if type(next_ref) is not str:
            return None
        ref = next_ref
