"""Validate: a converted document against OpenAPI 3.0.3, as strictly as openapi-spec-validator.

openapi-spec-validator 0.9 is the reference for what "valid" means here, but it takes 23 s on
GitHub's 13 MB description: its Schema walk keeps the schemas it has seen in lists (quadratic)
and reads every node through a path object. This module makes the same checks, in the same
order, in one linear pass over plain dicts, and reports every error at once:

1. the whole document against the OAS 3.0 JSON Schema that openapi-spec-validator ships,
   with jsonschema-rs (about 10 ms on GitHub's description; the pure-Python validator takes
   3.5 s), formats checked (regex, email, uri, uri-reference) as jsonschema-rs checks them
   under draft 4, which is how openapi-spec-validator runs it when jsonschema-rs is there;
2. tag names unique; per path item and operation: parameters unique by (name, in), every
   path template `{x}` backed by an `in: path` parameter and every path parameter used by the
   template, operationIds unique;
3. each Schema Object it reaches (components.schemas, parameter schemas, response media type
   schemas, and below them allOf/anyOf/oneOf/not/items/properties; not requestBody schemas or
   additionalProperties, which the reference does not walk either): checked against the JSON
   Schema draft 4 metaschema (regex patterns compiled as the reference compiles them), its
   `required` names defined somewhere when it uses allOf, its `default` valid against itself
   (OAS 3.0 semantics, formats checked; `example` is not checked, as in the reference);
4. every `$ref` on the way resolves (local references only: the pipeline bundles external
   files before validating).

One deliberate difference, stricter: every `$ref` in the document's structure must resolve,
also where the reference never looks (a requestBody schema, a header, a callback), because
a dangling reference breaks every consumer of the spec. The OpenAPI-aware walker finds them,
so a `$ref` key inside `example` data or an `x-` extension is not mistaken for one.

Every error is a `Finding` at the absolute JSON pointer of the offending node, also inside
referenced schemas (the reference reports nested errors relative to the schema it started
from, or with no location at all).

Checked against the reference: `tests/test_validate.py` compares verdicts on the corpus, on one
hand-made document per check and on hypothesis mutations of valid documents. OData-style
templates inside a segment (`/Businesses({key})`) are valid for both when `key` is declared
`in: path`.
"""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Iterator
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any

import jsonschema_rs

from openapi_meta.default_check import quick_valid
from openapi_meta.document.pointer import (
    PointerError,
    escape_token,
    join_pointer,
    parse_fragment,
    resolve,
)
from openapi_meta.document.walk import OPENAPI_30, walk
from openapi_meta.findings import Finding, Level
from openapi_meta.jsontypes import JSON, JSONObject

__all__ = ["validate"]

OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
MAX_MESSAGE = 300
# Structural errors refined with the pure-Python validator (a sharper message and location);
# the rest keep jsonschema-rs's message, so an invalid document never costs seconds.
MAX_REFINED = 200


def validate(document: JSONObject) -> list[Finding]:
    """Every validation error of `document` as an error finding with its absolute pointer:
    one per mistake (the structure check, the schema check and the reference check often see
    the same one at the same place; other checks find other mistakes there)."""
    findings = [*_structure_errors(document), *_SemanticChecker(document).run()]
    kept: dict[tuple[str, str], Finding] = {}
    for finding in sorted(findings, key=lambda f: (_PRIORITY.get(f.code, 9), f.message)):
        same = "overlapping" if finding.code in _PRIORITY else finding.code
        kept.setdefault((finding.pointer, same), finding)
    return sorted(set(kept.values()), key=lambda f: (f.pointer, f.code, f.message))


# The checks that report one mistake several ways, and which of them speaks for it.
_PRIORITY = {"unresolved-ref": 0, "invalid": 1, "invalid-schema": 2}


# --- 1. the OAS 3.0 JSON Schema -------------------------------------------------------------


@lru_cache(maxsize=1)
def _oas30_schema() -> JSONObject:
    """The OAS 3.0 JSON Schema (2021-09-28) exactly as openapi-spec-validator ships it (found
    without importing the package, which would pull in its whole validation machinery)."""
    spec = find_spec("openapi_spec_validator")
    assert spec is not None and spec.submodule_search_locations is not None
    package = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((package / "resources/schemas/v3.0/schema.json").read_text("utf-8"))


@lru_cache(maxsize=1)
def _oas30_validator() -> Any:
    return jsonschema_rs.Draft4Validator(_oas30_schema(), validate_formats=True)


def _structure_errors(document: JSONObject) -> Iterator[Finding]:
    for index, error in enumerate(_oas30_validator().iter_errors(document)):
        tokens = list(error.instance_path)
        pointer = _pointer("", tokens)
        message = error.message
        if index < MAX_REFINED:
            refined = _refine(document, tokens, list(error.schema_path))
            if refined is not None:
                extra, message = refined
                pointer = _pointer(pointer, extra)
        yield Finding("invalid", Level.ERROR, pointer, _shorten(message))


def _refine(
    document: JSONObject, tokens: list[Any], schema_path: list[Any]
) -> tuple[list[Any], str] | None:
    """A deeper location and a message a person can act on for a structural error, from the
    pure-Python validator run on the offending node only (see `_explain`)."""
    node: Any = document
    for token in tokens:
        node = node[int(token)] if isinstance(node, list) else node[str(token)]
    schema: Any = _oas30_schema()
    for token in schema_path[:-1]:
        if not isinstance(schema, (dict, list)):
            return None
        schema = schema[int(token)] if isinstance(schema, list) else schema[str(token)]
    from jsonschema import Draft4Validator  # the pure-Python validator: error paths only

    validator = Draft4Validator(_oas30_schema()).evolve(schema=schema)
    errors = list(validator.iter_errors(node))
    return _explain(errors) if errors else None


def _explain(errors: list[Any]) -> tuple[list[Any], str]:
    path, message, context = _explain_parts(errors)
    return path, f"{context}: {message}" if context else message


def _explain_parts(errors: list[Any]) -> tuple[list[Any], str, str]:
    """The error that says what is wrong, followed through every oneOf/anyOf into the branch
    the author meant; all the required fields missing there named in one message; a `not`
    of required fields said as the schema's own description ("Example and examples are
    mutually exclusive")."""
    from jsonschema.exceptions import relevance

    # jsonschema's `best_match` would also descend into oneOf branches, by its own guess.
    error = max(errors, key=relevance)
    siblings = errors
    context = ""
    while error.context and error.validator in ("oneOf", "anyOf"):
        branch = _meant_branch(error)
        if branch is None:
            break
        siblings = [e for e in error.context if e.relative_schema_path[0] == branch]
        chosen = error.validator_value[branch]
        if isinstance(chosen, dict) and isinstance(chosen.get("description"), str):
            context = chosen["description"]  # "Parameter in path"
        error = max(siblings, key=relevance)
    path = list(error.absolute_path)
    if error.validator in ("oneOf", "anyOf") and all(
        e.validator == "required" for e in error.context
    ):
        names = ", ".join(dict.fromkeys(_missing_name(e) for e in error.context))
        return path, f"one of these fields is required: {names}", context
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed and not k.startswith("x-")]
        owner = _definition_name(error.schema)
        message = (
            f"{', '.join(extra)}: not a field of {owner or 'this object'} in 3.0.3 (only its own"
            " fields and x- extensions are allowed)"
        )
        return path, message, context
    if error.validator == "required":
        missing = [
            _missing_name(e)
            for e in siblings
            if e.validator == "required" and list(e.absolute_path) == path
        ]
        names = ", ".join(dict.fromkeys(missing))
        plural = "s" if len(set(missing)) > 1 else ""
        return path, f"required field{plural} missing: {names}", context
    if error.validator == "not" and isinstance(error.validator_value, dict):
        fields = error.validator_value.get("required")
        if isinstance(fields, list):
            described = error.schema.get("description") if isinstance(error.schema, dict) else None
            return path, described or f"{' and '.join(fields)} must not both be present", context
    return path, error.message, context


def _definition_name(schema: Any) -> str | None:
    """The OAS 3.0 JSON Schema's name for one of its definitions ("MediaType")."""
    for name, definition in _oas30_schema()["definitions"].items():
        if definition is schema:
            return name
    return None


def _missing_name(error: Any) -> str:
    """The property a `required` error names ("'title' is a required property")."""
    message = str(error.message)
    return message.split("'")[1] if message.count("'") >= 2 else message


def _meant_branch(error: Any) -> int | None:
    """The branch of a failed oneOf/anyOf the node was meant to match, or None: a Reference
    only when the node has a `$ref`; not a branch whose fixed value (`type: apiKey`, `in:
    path`) the node contradicts; of the rest, the one with the fewest errors."""
    is_ref = isinstance(error.instance, dict) and "$ref" in error.instance
    by_branch: dict[int, list[Any]] = {}
    for e in error.context:
        by_branch.setdefault(e.relative_schema_path[0], []).append(e)
    candidates = []
    for index, branch in enumerate(error.validator_value):
        if (branch == _REFERENCE) != is_ref:
            continue
        branch_errors = by_branch.get(index, [])
        contradicted = any(
            len(e.relative_path) == 1
            and (e.validator == "const" or (e.validator == "enum" and len(e.validator_value) == 1))
            for e in branch_errors
        )
        if not contradicted:
            candidates.append((len(branch_errors), index))
    candidates.sort()
    if not candidates or (len(candidates) > 1 and candidates[0][0] == candidates[1][0]):
        return None  # two branches fit as well (or as badly): say what the choice is
    return candidates[0][1]


_REFERENCE = {"$ref": "#/definitions/Reference"}


# --- 2-4. the semantic walk -----------------------------------------------------------------


@lru_cache(maxsize=1)
def _metaschema_validator() -> Any:
    """JSON Schema draft 4's metaschema, with the one format it uses (regex) checked the way
    openapi-schema-validator's `OAS30Validator.check_schema` checks it (ECMA 262 with
    regress, which is a dependency; its META_SCHEMA is draft 4's, read from the file)."""
    return jsonschema_rs.Draft4Validator(
        _draft4_metaschema(), validate_formats=True, formats={"regex": _ecma_regex}
    )


def _draft4_metaschema() -> JSONObject:
    """JSON Schema draft 4's metaschema, from jsonschema-specifications (found without
    importing jsonschema, which only error paths need)."""
    spec = find_spec("jsonschema_specifications")
    assert spec is not None and spec.submodule_search_locations is not None
    package = Path(next(iter(spec.submodule_search_locations)))
    return json.loads((package / "schemas/draft4/metaschema.json").read_text("utf-8"))


def _ecma_regex(pattern: str) -> bool:
    from regress import Regex, RegressError

    try:
        Regex(pattern)
    except RegressError:
        return False
    return True


class _Unresolvable(Exception):
    """A `$ref` that does not lead to a node of this document."""


class _SemanticChecker:
    """One pass over the document in openapi-spec-validator's order; per-run state only."""

    def __init__(self, document: JSONObject) -> None:
        self.document = document
        self.findings: list[Finding] = []
        # Schemas are identified by object identity, as in the reference: a schema reached
        # twice (through two $refs) is checked once, in the context where it was met first.
        self.meta_checked: set[int] = set()
        self.visited: set[int] = set()
        self.operation_ids: set[str] = set()
        self.targets: dict[str, tuple[Any, str]] = {}
        self._resolver: Any = None

    def run(self) -> list[Finding]:
        root = self.document
        tags = self.child(root, "", "tags")
        if tags is not None:
            self.check_tags(*tags)
        paths = self.child(root, "", "paths")
        if paths is not None and isinstance(paths[0], dict):
            for url, item in paths[0].items():
                resolved = self.resolve(item, _join(paths[1], url))
                if resolved is not None and isinstance(resolved[0], dict):
                    self.check_path_item(url, *resolved)
        components = self.child(root, "", "components")
        if components is not None:
            schemas = self.child(*components, "schemas")
            if schemas is not None and isinstance(schemas[0], dict):
                for name, schema in schemas[0].items():
                    self.check_schema_at(schema, _join(schemas[1], name), top=True)
        self.check_all_references()
        return self.findings

    def report(self, code: str, pointer: str, message: str) -> None:
        self.findings.append(Finding(code, Level.ERROR, pointer, _shorten(message)))

    # -- references

    def resolve(self, node: Any, pointer: str) -> tuple[Any, str] | None:
        """`node` itself, or what its `$ref` (chain) points at; None (reported) if nothing."""
        seen: set[str] = set()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            if ref in seen:
                self.report("unresolved-ref", _join(pointer, "$ref"), f"circular $ref {ref!r}")
                return None
            seen.add(ref)
            try:
                node, pointer = self.target(ref)
            except _Unresolvable as exc:
                self.report("unresolved-ref", _join(pointer, "$ref"), str(exc))
                return None
        return node, pointer

    def target(self, ref: str) -> tuple[Any, str]:
        """The node a local `$ref` names and its canonical pointer (RFC 6901, percent-decoded
        as `referencing` decodes it)."""
        if ref in self.targets:
            return self.targets[ref]
        if not ref.startswith("#"):
            raise _Unresolvable(
                f"$ref {ref!r} points outside this document: external references must be"
                " bundled before validation"
            )
        try:
            tokens = parse_fragment(ref[1:])
        except PointerError:
            raise _Unresolvable(f"$ref {ref!r} is not a JSON pointer (#/...)") from None
        try:
            node = resolve(self.document, tokens)
        except PointerError as exc:
            where = join_pointer("", *tokens[: exc.depth]) or "the document root"
            raise _Unresolvable(f"$ref {ref!r} does not resolve: at {where}, {exc}") from None
        self.targets[ref] = (node, join_pointer("", *tokens))
        return self.targets[ref]

    def child(self, node: Any, pointer: str, key: str) -> tuple[Any, str] | None:
        """`node[key]` resolved, with its pointer; None when absent or unresolvable."""
        if not isinstance(node, dict) or key not in node:
            return None
        return self.resolve(node[key], _join(pointer, key))

    def items(self, node: Any, pointer: str) -> Iterator[tuple[Any, str]]:
        """The resolved members of a list."""
        if isinstance(node, list):
            for index, member in enumerate(node):
                resolved = self.resolve(member, _join(pointer, index))
                if resolved is not None:
                    yield resolved

    def check_all_references(self) -> None:
        """A finding for every `$ref` anywhere in the document's structure that does not
        resolve (stricter than the reference, which only follows the ones it walks).

        Most documents have none: when every `$ref` string anywhere (data included) leads to
        a node without a cycle, no walk of the structure is needed to know it."""
        if all(
            self.quiet_resolve({"$ref": ref}) is not None for ref in _ref_strings(self.document)
        ):
            return
        checker = self

        class Collector:
            def visit_Reference(self, node: JSONObject, pointer: str, node_type: Any) -> None:
                checker.resolve(node, pointer)

        walk(self.document, [Collector()], OPENAPI_30)

    # -- tags, paths, operations, parameters, responses

    def check_tags(self, tags: Any, pointer: str) -> None:
        seen: set[str] = set()
        for tag, tag_pointer in self.items(tags, pointer):
            name = tag.get("name") if isinstance(tag, dict) else None
            if not isinstance(name, str):
                continue
            if name in seen:
                self.report("duplicate-tag", tag_pointer, f"duplicate tag name {name!r}")
            seen.add(name)

    def check_path_item(self, url: str, item: JSONObject, pointer: str) -> None:
        shared = self.child(item, pointer, "parameters")
        if shared is not None:
            self.check_parameters(*shared)
        for method, operation in item.items():
            if method in OPERATIONS:
                resolved = self.resolve(operation, _join(pointer, method))
                if resolved is not None and isinstance(resolved[0], dict):
                    self.check_operation(url, method, *resolved, shared)

    def check_operation(
        self,
        url: str,
        method: str,
        operation: JSONObject,
        pointer: str,
        shared: tuple[Any, str] | None,
    ) -> None:
        operation_id = operation.get("operationId")
        if isinstance(operation_id, str):
            if operation_id in self.operation_ids:
                self.report(
                    "duplicate-operation-id",
                    _join(pointer, "operationId"),
                    f"operationId {operation_id!r} of {method.upper()} {url} is not unique",
                )
            self.operation_ids.add(operation_id)

        responses = self.child(operation, pointer, "responses")
        if responses is not None and isinstance(responses[0], dict):
            for code, response in responses[0].items():
                resolved = self.resolve(response, _join(responses[1], code))
                if resolved is not None:
                    self.check_content(self.child(*resolved, "content"))

        declared: dict[str, str] = {}
        own = self.child(operation, pointer, "parameters")
        if own is not None:
            self.check_parameters(*own)
            declared.update(self.path_parameter_names(*own))
        if shared is not None:
            for name, where in self.path_parameter_names(*shared):
                declared.setdefault(name, where)
        self.check_templates(url, method, pointer, declared)

    def check_templates(
        self, url: str, method: str, pointer: str, declared: dict[str, str]
    ) -> None:
        """Template names are what `string.Formatter` parses, as in the reference: `{id}`
        anywhere in the path, also inside a segment (`/Businesses({key})`)."""
        try:
            templates = {field for _, field, _, _ in string.Formatter().parse(url) if field}
        except ValueError as exc:
            self.report("invalid-path-template", pointer, f"path {url!r} is malformed: {exc}")
            return
        for name in sorted(templates - declared.keys()):
            self.report(
                "unresolved-path-parameter",
                pointer,
                f"{method.upper()} {url}: the template {{{name}}} has no parameter with"
                f" name {name!r} and in: path (declare it in the operation or path item)",
            )
        for name in sorted(declared.keys() - templates):
            self.report(
                "unresolved-path-parameter",
                declared[name],
                f"{method.upper()} {url}: path parameter {name!r} is not a template in the"
                " path (remove it, or use in: query/header/cookie)",
            )

    def check_parameters(self, parameters: Any, pointer: str) -> None:
        seen: set[tuple[Any, Any]] = set()
        for parameter, parameter_pointer in self.items(parameters, pointer):
            if not isinstance(parameter, dict):
                continue
            schema = self.child(parameter, parameter_pointer, "schema")
            if schema is not None:
                self.check_schema(*schema, top=True)
            key = (parameter.get("name"), parameter.get("in"))
            if not all(isinstance(part, str) for part in key):
                continue
            if key in seen:
                self.report(
                    "duplicate-parameter",
                    parameter_pointer,
                    f"duplicate parameter {key[0]!r} in {key[1]}",
                )
            seen.add(key)

    def path_parameter_names(self, parameters: Any, pointer: str) -> Iterator[tuple[str, str]]:
        for parameter, parameter_pointer in self.items(parameters, pointer):
            if isinstance(parameter, dict) and parameter.get("in") == "path":
                name = parameter.get("name")
                if isinstance(name, str):
                    yield name, parameter_pointer

    def check_content(self, content: tuple[Any, str] | None) -> None:
        if content is None or not isinstance(content[0], dict):
            return
        for media_type, media in content[0].items():
            resolved = self.resolve(media, _join(content[1], media_type))
            if resolved is not None:
                schema = self.child(*resolved, "schema")
                if schema is not None:
                    self.check_schema(*schema, top=True)

    # -- schemas

    def check_schema_at(self, node: Any, pointer: str, *, top: bool) -> None:
        resolved = self.resolve(node, pointer)
        if resolved is not None:
            self.check_schema(*resolved, top=top)

    def check_schema(self, schema: Any, pointer: str, *, top: bool) -> None:
        """One Schema Object (already resolved) and the subschemas the reference walks.

        `top` marks a schema met from outside any schema: the reference checks those against
        the metaschema (a check that covers their inline subschemas) and applies the
        allOf/required rule to them only."""
        if not isinstance(schema, (dict, bool)):
            self.report(
                "invalid-schema", pointer, f"{_brief(schema)} is not of type 'object', 'boolean'"
            )
            return
        key = id(schema)
        if top and key not in self.meta_checked:
            self.meta_checked.add(key)
            errors = list(_metaschema_validator().iter_errors(schema))
            if errors:
                for error in errors:
                    where = _pointer(pointer, list(error.instance_path))
                    self.report("invalid-schema", where, error.message)
                return
        if key in self.visited or not isinstance(schema, dict):
            return
        self.visited.add(key)

        for keyword in ("allOf", "anyOf", "oneOf"):
            members = self.child(schema, pointer, keyword)
            if members is not None:
                for member, member_pointer in self.items(*members):
                    self.check_schema(member, member_pointer, top=False)
        for keyword in ("not", "items"):
            if keyword in schema:
                self.check_schema_at(schema[keyword], _join(pointer, keyword), top=False)
        properties = self.child(schema, pointer, "properties")
        if properties is not None and isinstance(properties[0], dict):
            for name, member in properties[0].items():
                self.check_schema_at(member, _join(properties[1], name), top=False)

        if top and "allOf" in schema:
            self.check_required_defined(schema, pointer)
        if "default" in schema:
            value = schema["default"]
            if value is not None or schema.get("nullable", False) is not True:
                self.check_default(schema, pointer, value)

    def check_required_defined(self, schema: JSONObject, pointer: str) -> None:
        """A schema with allOf may only require properties that it or its members define."""
        required = schema.get("required")
        if not isinstance(required, list) or not required:
            return
        defined = self.property_names(schema, set(), include_self=True)
        missing = sorted({n for n in required if isinstance(n, str)} - defined)
        if missing:
            self.report(
                "required-not-defined",
                _join(pointer, "required"),
                f"required names properties that neither this schema nor its allOf members"
                f" define: {missing}",
            )

    def property_names(
        self, schema: Any, seen: set[int], *, include_self: bool = False
    ) -> set[str]:
        """Every property name reachable through properties, allOf/anyOf/oneOf, items, not."""
        names: set[str] = set()
        if not isinstance(schema, dict) or id(schema) in seen:
            return names
        seen.add(id(schema))
        properties = schema.get("properties")
        if isinstance(properties, dict):
            names.update(properties)
        keywords = ("allOf",) if include_self else ("allOf", "anyOf", "oneOf")
        for keyword in keywords:
            members = schema.get(keyword)
            for member in members if isinstance(members, list) else ():
                names |= self.property_names(self.quiet_resolve(member), seen)
        if not include_self:
            for keyword in ("items", "not"):
                if keyword in schema:
                    names |= self.property_names(self.quiet_resolve(schema[keyword]), seen)
        return names

    def quiet_resolve(self, node: Any) -> Any:
        """Resolve without reporting: the walk reports unresolvable references once."""
        for _ in range(64):
            if not (isinstance(node, dict) and isinstance(node.get("$ref"), str)):
                return node
            try:
                node = self.target(node["$ref"])[0]
            except _Unresolvable:
                return None
        return None

    def check_default(self, schema: JSONObject, pointer: str, value: JSON) -> None:
        """The default must be valid against its own schema, as openapi-schema-validator's
        OAS30Validator sees it (nullable, OAS formats); `$ref`s resolve in this document.
        Most defaults are told valid without it (`quick_valid`)."""
        if quick_valid(schema, value):
            return
        from openapi_schema_validator import OAS30Validator, oas30_format_checker

        validator = OAS30Validator(
            schema, _resolver=self.resolver(), format_checker=oas30_format_checker
        )
        where = _join(pointer, "default")
        try:
            for error in validator.iter_errors(value):
                self.report("invalid-default", _pointer(where, error.absolute_path), error.message)
        except Exception as exc:  # the schema is broken in a way its own validator trips on
            self.report("invalid-default", where, f"cannot check the default: {exc}")

    def resolver(self) -> Any:
        if self._resolver is None:
            from referencing import Registry
            from referencing.jsonschema import DRAFT202012

            resource = DRAFT202012.create_resource(self.document)
            self._resolver = Registry().with_resource("", resource).resolver(base_uri="")
        return self._resolver


# --- helpers --------------------------------------------------------------------------------


def _ref_strings(value: Any, found: set[str] | None = None) -> set[str]:
    """Every string `$ref` value in `value`, wherever it stands."""
    found = set() if found is None else found
    if type(value) is dict:
        ref = value.get("$ref")
        if type(ref) is str:
            found.add(ref)
        members: Iterable[Any] = value.values()
    else:
        members = value
    for member in members:
        if type(member) is dict or type(member) is list:
            _ref_strings(member, found)
    return found


def _join(pointer: str, token: str | int) -> str:
    return f"{pointer}/{escape_token(token)}"


def _pointer(pointer: str, tokens: Iterable[Any]) -> str:
    for token in tokens:
        pointer = _join(pointer, token)
    return pointer


def _brief(value: Any) -> str:
    return _shorten(json.dumps(value, default=repr))


def _shorten(message: str) -> str:
    """At most MAX_MESSAGE characters, cut between words."""
    if len(message) <= MAX_MESSAGE:
        return message
    cut = message.rfind(" ", 0, MAX_MESSAGE - 1)
    return message[: cut if cut > MAX_MESSAGE // 2 else MAX_MESSAGE - 1].rstrip(" ,:;") + "…"
