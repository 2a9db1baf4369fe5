"""Conform: the last pass, which projects the converted document onto OpenAPI 3.0.3.

The passes before it keep meaning; this one makes the result valid, also for documents nobody
listed, because it works from the 3.0.3 table (`openapi_meta.document.oas30`) and not from a
list of known mistakes. It walks the document and makes every object what its type allows:

- a field the type does not define becomes `x-<field>` when its value tells a reader
  something (`info.logo` → `x-logo`, a schema's `summary` → `x-summary`) and is removed when it
  does not (`null`, `""`, empty containers). A field one level off moves where it belongs:
  `servers`, `tags`, `externalDocs`, ... inside `info` go to the root; a parameter's or
  header's `type`, `format`, `enum`, ... (2.0's spelling) go into its `schema`;
- a value of the wrong shape is read as the right one when the intent is certain
  (`conform_values`: `'1e-08'` is a number, a lone string where a list of strings belongs is a
  one-item list), and is otherwise treated like an unknown field; a value outside the allowed
  set is matched without regard to case (`Query` → `query`), else removed;
- constraints between fields hold: a path parameter is required; `schema` xor `content`;
  `example` xor `examples`; a header's style is `simple`; `operationId` xor `operationRef`;
  a scheme has the fields of its kind; schemas obey JSON Schema's own rules (`conform_schema`);
- a required field that is missing gets a neutral value where one exists (a response's
  empty `description`, an operation's `default` response, a request body's empty `content`);
  otherwise the object cannot exist in 3.0 and is removed, together with what uses it
  (`conform_document`: `$ref`s to it, security requirements naming a removed scheme).

Every change is a finding at the pointer of what changed.
"""

from __future__ import annotations

import re
from typing import Any

from openapi_meta.convert.conform_document import (
    ConformDocument,
    at_least_one_response,
    resolve_quietly,
)
from openapi_meta.convert.conform_schema import conform_schema
from openapi_meta.convert.conform_values import MISSING, brief, coerce, format_ok, informative
from openapi_meta.document import oas30
from openapi_meta.document.pointer import join_pointer
from openapi_meta.document.walk import OPENAPI_30, REMOVE, Replace, copy_tree, walk
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject

__all__ = ["Conform"]

Shape = tuple[str, str]  # (kind, type): ("map", "Schema"), ("one", "string")

_SHAPES: dict[str, dict[str, Shape]] = {
    name: {field: oas30.shape(text) for field, text in fields.items()}
    for name, fields in oas30.FIELDS.items()
}
_PYTHON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
}
_ENTRY_KEYS = {name: re.compile(pattern) for name, pattern in oas30.ENTRY_KEYS.items()}
_ANY = frozenset()  # marks a field that takes any value


def _fine_types(type_name: str, field: str, shape: Shape) -> frozenset[type] | None:
    """The Python types a field's value may have to need no repair (None: always check)."""
    kind, shape_type = shape
    if kind != "one" or field == "$ref":
        return None  # lists and maps: their members need a look too
    if shape_type == "any":
        return _ANY
    if shape_type in _PYTHON_TYPES:
        return frozenset(_PYTHON_TYPES[shape_type])
    if (type_name, field) in oas30.BOOLEAN_OR_SCHEMA:
        return frozenset({dict, bool})
    return frozenset({dict})


_FINE: dict[str, dict[str, frozenset[type]]] = {
    name: {
        field: fine
        for field, shape in shapes.items()
        if (fine := _fine_types(name, field, shape)) is not None
    }
    for name, shapes in _SHAPES.items()
}
_REQUIRED_SET = {name: frozenset(fields) for name, fields in oas30.REQUIRED.items()}

# Neutral values for required fields: what an absent field can become without claiming
# anything the document did not say.
_FILL: dict[tuple[str, str], Any] = {
    ("Root", "openapi"): "3.0.3",
    ("Root", "info"): {"title": "API", "version": "unversioned"},
    ("Root", "paths"): {},
    ("Info", "title"): "API",
    ("Info", "version"): "unversioned",
    ("Response", "description"): "",
    ("RequestBody", "content"): {},
    ("Operation", "responses"): {"default": {"description": ""}},
}

# Root fields that real servers put inside `info` (Robyn: `servers`, `externalDocs`).
_ROOT_FIELDS = frozenset(oas30.FIELDS["Root"]) - {"info", "openapi"}
# Schema keywords that 2.0 wrote on the parameter itself; they belong in its `schema`.
_SCHEMA_KEYWORDS = frozenset(oas30.FIELDS["Schema"]) - frozenset(oas30.FIELDS["Parameter"])


class Conform:
    """The conform visitor; `finish` runs the whole-document steps (`ConformDocument`)."""

    def __init__(self, context: Any, document: JSONObject) -> None:
        self.context = context
        self.document = document
        self.after = ConformDocument(context)

    def report(self, code: str, level: Level, pointer: str, message: str) -> None:
        self.context.report(code, level, pointer, message)

    # --- the generic projection -------------------------------------------------------

    def project(self, node: JSONObject, pointer: str, type_name: str, fields: Any = None) -> Any:
        """Make `node` an object of `type_name`; REMOVE when it cannot be one."""
        shapes: dict[str, Shape] = fields if fields is not None else _SHAPES[type_name]
        fine = _FINE[type_name] if fields is None else {}
        for key in list(node):
            value = node[key]
            accepted = fine.get(key)
            if accepted is not None and (accepted is _ANY or type(value) in accepted):
                continue  # the common case: a defined field with a value of its shape
            shape = shapes.get(key)
            if shape is None:
                if key.startswith("x-") or (key == "$ref" and type_name == "Schema"):
                    continue
                self.foreign(node, key, pointer, type_name)
                continue
            if key == "$ref" and type(value) is not str:  # a reference is never read into one
                self.misfit(node, key, pointer, type_name, shape)
                continue
            if _members_fine(value, shape):
                continue  # a list or map whose members all have their shape already
            fixed = self.shaped(value, shape, join_pointer(pointer, key))
            if fixed is MISSING:
                self.misfit(node, key, pointer, type_name, shape)
            elif fixed is not value:
                node[key] = fixed
                self.report(
                    "value-coerced",
                    Level.INFO,
                    join_pointer(pointer, key),
                    f"{key} {brief(value)} read as {brief(fixed)}",
                )
        for key, allowed in _ALLOWED.get(type_name, ()):
            if key in node and node[key] not in allowed:
                if key not in _REQUIRED_SET.get(type_name, ()):
                    self.not_allowed(node, key, pointer, allowed)
                elif not self.matched(node, key, pointer, allowed):
                    return self.impossible(pointer, f"a {type_name} with {key} {brief(node[key])}")
        for key, name in _FORMATS.get(type_name, ()):
            if key in node and not format_ok(node[key], name):  # type: ignore[arg-type]
                self.keep_as_extension(
                    node,
                    key,
                    node.pop(key),
                    join_pointer(pointer, key),
                    f"{type_name}.{key} is not a valid {name}",
                    Level.WARNING,
                )
        return self.require(node, pointer, type_name)

    def shaped(self, value: JSON, shape: Shape, pointer: str) -> JSON:
        """`value` in the shape 3.0.3 wants (possibly the same object, edited), or MISSING."""
        kind, shape_type = shape
        scalar = shape_type in oas30.SCALARS
        if kind == "one":
            if scalar:
                return coerce(value, shape_type)
            if shape_type == "Schema" and type(value) is bool:
                return {} if value else {"not": {}}
            if type(value) is str:
                return _named(shape_type, value)
            return value if type(value) is dict else MISSING
        if kind == "list" and type(value) is not list:
            # `tags: pets`, `servers: {url: ...}`: a list of one, when the one is certain.
            if scalar and shape_type != "any" and type(value) not in _PYTHON_TYPES[shape_type]:
                return MISSING
            if value is None or (not scalar and type(value) is not dict):
                return MISSING
            return [value]
        if kind == "list":
            kept = []
            changed = False
            for index, item in enumerate(value):  # type: ignore[arg-type]
                if not scalar and type(item) is dict:
                    kept.append(item)
                    continue
                fixed = self.entry(item, shape_type, scalar, f"{pointer}/{index}")
                changed = changed or fixed is not item
                if fixed is not MISSING:
                    kept.append(fixed)
            if changed:
                value[:] = kept  # type: ignore[index]
            return value
        if type(value) is not dict:
            return MISSING
        for name in list(value):
            item = value[name]
            if not scalar and type(item) is dict:
                continue
            fixed = self.entry(item, shape_type, scalar, join_pointer(pointer, name))
            if fixed is MISSING:
                del value[name]
            elif fixed is not item:
                value[name] = fixed
        return value

    def entry(self, item: JSON, shape_type: str, scalar: bool, pointer: str) -> JSON:
        """One member of a list or map: the shape's type, else MISSING (reported)."""
        if scalar:
            fixed = coerce(item, shape_type)
        elif type(item) is dict:
            return item
        elif shape_type == "Schema" and type(item) is bool:
            fixed = {} if item else {"not": {}}
        elif shape_type == "Schema" and item in oas30.ALLOWED[("Schema", "type")]:
            fixed = {"type": item}  # `properties: {name: string}`, a shorthand
        elif type(item) is str:
            fixed = _named(shape_type, item)  # `tags: [pets]`, `servers: [https://...]`
        else:
            fixed = MISSING
        if fixed is MISSING:
            self.report(
                "value-removed",
                Level.WARNING,
                pointer,
                f"{brief(item)} is not a {_article(shape_type)}; removed",
            )
        elif fixed != item or type(fixed) is not type(item):
            self.report(
                "value-coerced", Level.INFO, pointer, f"{brief(item)} read as {brief(fixed)}"
            )
        return fixed

    def foreign(self, node: JSONObject, key: str, pointer: str, type_name: str) -> None:
        """A field `type_name` does not define: moved where it belongs, to `x-`, or removed."""
        value = node.pop(key)
        where = join_pointer(pointer, key)
        movable = type_name in ("Parameter", "Header") and key in _SCHEMA_KEYWORDS
        schema = node.setdefault("schema", {}) if movable and "content" not in node else None
        if type(schema) is dict and key not in schema and "$ref" not in schema:
            schema[key] = value
            self.report(
                "field-moved",
                Level.WARNING,
                where,
                f"{key} is a schema keyword: moved into the {type_name.lower()}'s schema"
                " (the Swagger 2.0 spelling)",
            )
            return
        self.keep_as_extension(node, key, value, where, f"{key} is not a field of {type_name}")

    def misfit(
        self, node: JSONObject, key: str, pointer: str, type_name: str, shape: Shape
    ) -> None:
        """A defined field whose value has a shape no reading can repair."""
        kind, shape_type = shape
        wanted = _article(shape_type) if kind == "one" else f"{kind} of {shape_type}"
        value = node.pop(key)
        self.keep_as_extension(
            node,
            key,
            value,
            join_pointer(pointer, key),
            f"{type_name}.{key} must be {wanted}, not {brief(value, 40)}",
            Level.WARNING,
        )

    def keep_as_extension(
        self,
        node: JSONObject,
        key: str,
        value: JSON,
        pointer: str,
        reason: str,
        level: Level = Level.INFO,
    ) -> None:
        """`value` (already taken out of `node`) kept as `x-<key>` when it says something."""
        if not informative(value):
            self.report("field-removed", level, pointer, f"{reason}: removed ({brief(value)})")
            return
        name = _extension_name(key)
        if name in node:
            self.report(
                "field-removed",
                Level.WARNING,
                pointer,
                f"{reason}: removed ({name} is taken; the value was {brief(value)})",
            )
            return
        node[name] = value
        self.report("field-to-extension", level, pointer, f"{reason}: kept as {name}")

    def not_allowed(
        self, node: JSONObject, key: str, pointer: str, allowed: tuple[str, ...]
    ) -> None:
        """A value outside `allowed`: matched without regard to case, else removed."""
        if self.matched(node, key, pointer, allowed):
            return
        value = node.pop(key)
        self.report(
            "value-not-allowed",
            Level.WARNING,
            join_pointer(pointer, key),
            f"{key} {brief(value)} is not one of {', '.join(allowed)}; removed",
        )

    def matched(self, node: JSONObject, key: str, pointer: str, allowed: tuple[str, ...]) -> bool:
        """`Query` is `query`: the allowed value that differs only in case, if there is one."""
        value = node[key]
        for candidate in allowed if type(value) is str else ():
            if candidate.lower() == value.lower():  # type: ignore[union-attr]
                node[key] = candidate
                self.report(
                    "value-coerced",
                    Level.INFO,
                    join_pointer(pointer, key),
                    f"{value!r} read as {candidate!r}",
                )
                return True
        return False

    def require(self, node: JSONObject, pointer: str, type_name: str, fields: Any = None) -> Any:
        """Fill or give up on the required fields: None, or REMOVE for an impossible object."""
        for key in fields if fields is not None else oas30.REQUIRED.get(type_name, ()):
            if key in node:
                continue
            fill = _FILL.get((type_name, key), MISSING)
            if fill is not MISSING:
                node[key] = _fresh(fill)
                self.report(
                    "required-added",
                    Level.INFO,
                    pointer,
                    f"3.0 requires {type_name}.{key}: {brief(fill)} added",
                )
                continue
            return self.impossible(pointer, f"a {type_name} without {key}")
        return None

    def impossible(self, pointer: str, what: str) -> Any:
        self.report(
            "object-removed",
            Level.WARNING,
            pointer,
            f"{what} cannot exist in OpenAPI 3.0.3; removed",
        )
        return REMOVE

    # --- types with rules of their own --------------------------------------------------

    def visit_Root(self, node: JSONObject, pointer: str, node_type: object) -> None:
        info = node.get("info")
        for key in _ROOT_FIELDS & set(info) if type(info) is dict else ():
            if key not in node:
                node[key] = info.pop(key)
                self.report(
                    "field-moved",
                    Level.WARNING,
                    join_pointer("/info", key),
                    f"{key} belongs at the document root, not inside info; moved there",
                )
        self.project(node, pointer, "Root")

    def visit_Paths(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.entries(node, pointer, "Paths", "PathItem", _path_key)

    def visit_Responses(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.entries(node, pointer, "Responses", "Response", _status_key)

    def leave_Responses(self, node: JSONObject, pointer: str, node_type: object) -> None:
        at_least_one_response(node, pointer, self.context)

    def visit_Callback(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.entries(node, pointer, "Callback", "PathItem", lambda key: key)

    def visit_SecurityRequirement(self, node: JSONObject, pointer: str, node_type: object) -> None:
        for name in list(node):
            fixed = self.shaped(node[name], ("list", "string"), join_pointer(pointer, name))
            if fixed is MISSING:
                node[name] = []
                self.report(
                    "value-coerced",
                    Level.INFO,
                    join_pointer(pointer, name),
                    "scopes must be a list of strings; written as []",
                )
        self.after.requirements.append((node, pointer))

    def leave_Operation(self, node: JSONObject, pointer: str, node_type: object) -> Any:
        self.after.operations.append((node, pointer))
        return self.require(node, pointer, "Operation")

    def leave_PathItem(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.after.path_items.append((node, pointer))

    def visit_Parameter(self, node: JSONObject, pointer: str, node_type: object) -> Any:
        self.after.origins[id(node)] = pointer
        if self.project(node, pointer, "Parameter") is REMOVE:
            return REMOVE
        location = node["in"]
        if location == "path" and node.get("required") is not True:
            node["required"] = True
            self.report(
                "path-parameter-required",
                Level.INFO,
                join_pointer(pointer, "required"),
                "a path parameter is always required: required: true",
            )
        style = node.get("style")
        if style is not None and style not in oas30.STYLES[location]:
            self.not_allowed(node, "style", pointer, oas30.STYLES[location])
        self.serialization(node, pointer, "parameter")
        return None

    def visit_Header(self, node: JSONObject, pointer: str, node_type: object) -> Any:
        # A header's name is its key and its location is implied: 2.0-style copies say nothing.
        name = pointer.rsplit("/", 1)[-1]
        for key, redundant in (("in", "header"), ("name", name)):
            if type(node.get(key)) is str and node[key].lower() == redundant.lower():
                del node[key]
                self.report(
                    "field-removed",
                    Level.INFO,
                    join_pointer(pointer, key),
                    f"{key} is not a field of Header (it is implied): removed",
                )
        self.project(node, pointer, "Header")
        self.serialization(node, pointer, "header")
        return None

    def serialization(self, node: JSONObject, pointer: str, what: str) -> None:
        """`schema` xor `content` (one media type, without style and examples next to it)."""
        content = node.get("content")
        if "schema" in node and content is not None:
            del node["content"]
            self.report(
                "content-removed",
                Level.WARNING,
                join_pointer(pointer, "content"),
                f"a {what} has schema or content, not both: content removed",
            )
            content = None
        if content is not None:
            if len(content) != 1:  # type: ignore[arg-type]
                if not content:
                    del node["content"]
                else:
                    first = next(iter(content))  # type: ignore[call-overload]
                    node["content"] = {first: content[first]}  # type: ignore[index]
                self.report(
                    "content-trimmed",
                    Level.WARNING,
                    join_pointer(pointer, "content"),
                    f"a {what}'s content holds exactly one media type: the others removed",
                )
            for key in ("style", "explode", "allowReserved", "example", "examples"):
                if key in node and "content" in node:
                    del node[key]
                    self.report(
                        "field-removed",
                        Level.WARNING,
                        join_pointer(pointer, key),
                        f"{key} has no meaning next to content: removed",
                    )
        if "schema" not in node and "content" not in node:
            node["schema"] = {}
            self.report(
                "required-added",
                Level.INFO,
                pointer,
                f"a {what} needs a schema or content: schema {{}} (any value) added",
            )
        self.examples(node, pointer)

    def examples(self, node: JSONObject, pointer: str) -> None:
        if "example" in node and "examples" in node:
            del node["example"]
            self.report(
                "example-and-examples",
                Level.WARNING,
                join_pointer(pointer, "example"),
                "example and examples are mutually exclusive: example removed",
            )

    def visit_MediaType(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.project(node, pointer, "MediaType")
        self.examples(node, pointer)

    def visit_Link(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.project(node, pointer, "Link")
        if "operationId" in node and "operationRef" in node:
            del node["operationRef"]
            self.report(
                "field-removed",
                Level.WARNING,
                join_pointer(pointer, "operationRef"),
                "operationId and operationRef are mutually exclusive: operationRef removed",
            )

    def visit_SecurityScheme(self, node: JSONObject, pointer: str, node_type: object) -> Any:
        declared = node.get("type")
        if declared not in oas30.SCHEME_FIELDS and "type" in node:
            self.matched(node, "type", pointer, oas30.ALLOWED[("SecurityScheme", "type")])
        kind = node.get("type")
        if kind not in oas30.SCHEME_FIELDS:
            self.after.removed_schemes.add(pointer)
            what = (
                f"a security scheme of type {brief(declared)}"
                if declared
                else "a security scheme without type"
            )
            return self.impossible(pointer, what)
        own = oas30.SCHEME_FIELDS[kind]  # type: ignore[index]
        shapes = {key: shape for key, shape in _SHAPES["SecurityScheme"].items() if key in own}
        if self.project(node, pointer, "SecurityScheme", shapes) is REMOVE:
            self.after.removed_schemes.add(pointer)
            return REMOVE
        if kind == "apiKey" and "in" in node and node["in"] not in oas30.API_KEY_LOCATIONS:
            self.not_allowed(node, "in", pointer, oas30.API_KEY_LOCATIONS)
        if kind == "http" and "bearerFormat" in node:
            scheme = node.get("scheme")
            if not (type(scheme) is str and scheme.lower() == "bearer"):
                del node["bearerFormat"]
                self.report(
                    "field-removed",
                    Level.WARNING,
                    join_pointer(pointer, "bearerFormat"),
                    "bearerFormat only applies to the bearer scheme: removed",
                )
        if self.require(node, pointer, kind, oas30.SCHEME_REQUIRED[kind]) is REMOVE:  # type: ignore[arg-type]
            self.after.removed_schemes.add(pointer)
            return REMOVE
        return None

    def visit_OAuthFlows(self, node: JSONObject, pointer: str, node_type: object) -> None:
        self.project(node, pointer, "OAuthFlows")
        for flow, required in oas30.FLOW_REQUIRED.items():
            value = node.get(flow)
            if type(value) is not dict:
                continue
            value.setdefault("scopes", {})
            missing = [key for key in required if key not in value]
            if missing:
                del node[flow]
                self.impossible(join_pointer(pointer, flow), f"a {flow} flow without {missing[0]}")

    def visit_ServerVariable(self, node: JSONObject, pointer: str, node_type: object) -> Any:
        self.project(node, pointer, "ServerVariable")
        if "default" not in node and type(node.get("enum")) is list and node["enum"]:
            node["default"] = first = node["enum"][0]
            self.report(
                "required-added",
                Level.INFO,
                pointer,
                f"3.0 requires a server variable's default: the first enum value {first!r}",
            )
        if node.get("enum") == []:
            del node["enum"]
        return self.require(node, pointer, "ServerVariable")

    def visit_Schema(self, node: Any, pointer: str, node_type: object) -> Any:
        if type(node) is bool:
            # The parent's projection already wrote every other boolean schema as an object.
            return None  # `additionalProperties: false`, which 3.0 allows
        if node.get("type") == "file":  # 2.0's upload type, in a 3.x document
            node["type"] = "string"
            node.setdefault("format", "binary")
            self.report(
                "file-type",
                Level.INFO,
                join_pointer(pointer, "type"),
                "type: file written as type: string, format: binary (3.0's spelling of a file)",
            )
        self.project(node, pointer, "Schema")
        conform_schema(node, pointer, self.context)
        if "allOf" in node and "required" in node:
            self.after.all_of.append((node, pointer))
        return None

    def visit_Reference(self, node: JSONObject, pointer: str, node_type: Any) -> Any:
        name = node_type.name
        if name in oas30.REFERENCEABLE or name == "PathItem":
            self.after.references.append((node, pointer, name))
            self.after.origins[id(node)] = pointer
            return None
        # Bundling replaced every reference where 3.0 allows none; one that the 2.0 upgrade or
        # a 3.1 pass made is replaced here by a projected copy of its target, or removed.
        target = resolve_quietly(self.document, node)
        if type(target) is not dict:
            return self.impossible(
                pointer, f"a reference ({node['$ref']!r}) where a {name} belongs"
            )
        copied = copy_tree(target)
        self.report(
            "ref-inlined",
            Level.INFO,
            pointer,
            f"$ref {node['$ref']!r} stands for a whole {name}, which 3.0 cannot refer to;"
            " replaced by it",
        )
        projected = walk(copied, [self], OPENAPI_30, root_type=name, pointer=pointer)
        return REMOVE if projected is None else Replace(projected)

    # --- map-like objects -------------------------------------------------------------

    def entries(
        self, node: JSONObject, pointer: str, type_name: str, entry_type: str, fix_key: Any
    ) -> None:
        """Keys that name entries (paths, status codes) in the form 3.0.3 requires."""
        pattern = _ENTRY_KEYS.get(type_name)
        for key in list(node):
            if key.startswith("x-"):
                continue
            value = node[key]
            where = join_pointer(pointer, key)
            named = _named(entry_type, value) if type(value) is str else MISSING
            if named is not MISSING:  # `200: OK`
                self.report(
                    "value-coerced", Level.INFO, where, f"{brief(value)} read as {brief(named)}"
                )
                node[key] = value = named
            if type(value) is not dict:
                del node[key]
                self.report(
                    "value-removed",
                    Level.WARNING,
                    where,
                    f"{brief(value)} is not a {_article(entry_type)}; removed",
                )
                continue
            if pattern is None or pattern.match(key):
                continue
            fixed = fix_key(key)
            if fixed is not None and fixed not in node and pattern.match(fixed):
                rename_key(node, key, fixed)
                self.report(
                    "key-renamed",
                    Level.WARNING,
                    where,
                    f"{key!r} written as {fixed!r} ({type_name} keys must look like that)",
                )
            else:
                self.keep_as_extension(
                    node,
                    key,
                    node.pop(key),
                    where,
                    f"{key!r} is not a valid key of {type_name}",
                    Level.WARNING,
                )
        # openapi-spec-validator follows a `$ref` in the extensions of Paths and Responses as
        # if they were entries, and fails on one that leads nowhere: checked at the end.
        for key, value in node.items():
            if key.startswith("x-") and type(value) is dict and type(value.get("$ref")) is str:
                self.after.extension_refs.append((node, key, join_pointer(pointer, key)))

    def finish(self, document: JSONObject) -> None:
        self.after.finish(document)


# Allowed values checked by `project` (the per-location and per-kind ones are rules above).
_ALLOWED: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for (_type, _field), _values in oas30.ALLOWED.items():
    if _type != "SecurityScheme":
        _ALLOWED.setdefault(_type, []).append((_field, _values))

# Formats checked by `project` (a pattern's is a rule of conform_schema, which also asks for
# more than the format: a regular expression every reader reads alike).
_FORMATS: dict[str, list[tuple[str, str]]] = {}
for (_type, _field), _name in oas30.FORMATS.items():
    if _name != "regex":
        _FORMATS.setdefault(_type, []).append((_field, _name))

# Every object type without a rule of its own is projected with the generic rule; after its
# children, each type checks its required fields again (a child may have been removed).
for _name in oas30.FIELDS:
    if not hasattr(Conform, f"visit_{_name}") and _name not in oas30.ENTRIES:

        def _visit(self: Conform, node: Any, pointer: str, node_type: Any) -> Any:
            return self.project(node, pointer, node_type.name)

        setattr(Conform, f"visit_{_name}", _visit)
    if _name in oas30.REQUIRED and not hasattr(Conform, f"leave_{_name}"):

        def _leave(self: Conform, node: Any, pointer: str, node_type: Any) -> Any:
            return self.require(node, pointer, node_type.name) if type(node) is dict else None

        setattr(Conform, f"leave_{_name}", _leave)


# The Python types a list's or map's members may have to need no repair, by member type.
_FINE_MEMBERS: dict[str, frozenset[type]] = {
    **{name: frozenset({dict}) for name in oas30.FIELDS},
    **{name: frozenset(types) for name, types in _PYTHON_TYPES.items()},
    "any": _ANY,
}


def _members_fine(value: JSON, shape: Shape) -> bool:
    kind, shape_type = shape
    if kind == "list":
        if type(value) is not list:
            return False
        members: Any = value
    elif kind == "map":
        if type(value) is not dict:
            return False
        members = value.values()
    else:
        return False
    fine = _FINE_MEMBERS[shape_type]
    return fine is _ANY or all(type(member) in fine for member in members)


def rename_key(mapping: JSONObject, old: str, new: str) -> None:
    """`mapping[old]` becomes `mapping[new]` in the same place of the order (the object stays
    the same one: others may hold it)."""
    items = [(new if key == old else key, value) for key, value in mapping.items()]
    mapping.clear()
    mapping.update(items)


def _path_key(key: str) -> str | None:
    return "/" + key.lstrip("/") if key.strip() else None


# Objects that one string names: a Tag by its name, a Server by its url, a License by its name.
_NAMED_BY = {
    name: required[0]
    for name, required in oas30.REQUIRED.items()
    if len(required) == 1 and oas30.FIELDS[name].get(required[0]) == "string"
}


def _named(type_name: str, text: str) -> JSON:
    """`{name: text}` for an object that one string names, else MISSING."""
    field = _NAMED_BY.get(type_name)
    return {field: text} if field is not None and text.strip() else MISSING


def _status_key(key: str) -> str | None:
    """`2xx` → `2XX`, ` 200 ` → `200`, `200.0` → `200`; None when no status code is meant."""
    text = key.strip().upper()
    if text.endswith(".0"):
        text = text[:-2]
    return "default" if text == "DEFAULT" else text


def _extension_name(key: str) -> str:
    """`logo` → `x-logo`, `X-Internal` → `x-Internal`, `$comment` → `x-comment`."""
    if key[:2] in ("X-", "X_", "x_"):
        return "x-" + key[2:]
    return "x-" + key.lstrip("$")


def _article(type_name: str) -> str:
    words = {"any": "value", "map": "map"}
    word = words.get(type_name, type_name)
    return ("an " if word[0].lower() in "aeiou" else "a ") + word


def _fresh(value: Any) -> Any:
    """A new copy of a fill value (the templates above are shared)."""
    if type(value) is dict:
        return {k: _fresh(v) for k, v in value.items()}
    return value
