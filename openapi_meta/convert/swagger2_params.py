"""Swagger 2.0 → 3.0 parameters: typed fields → `schema`, `collectionFormat` → `style`/`explode`,
`in: body` and `in: formData` → `requestBody`.

In 2.0 a query/path/header parameter carries its JSON Schema subset inline (`type`, `format`,
`items`, `enum`, ...) and its array serialisation in `collectionFormat`; 3.0 moves the former
into `schema` and expresses the latter as `style` + `explode`. 3.0 has no body or form
parameters: the body becomes the operation's `requestBody`, one media type per `consumes` entry,
and form fields become the properties of one object schema, with an `encoding` entry for each
array field so its serialisation is not lost.
"""

from __future__ import annotations

from openapi_meta.convert.swagger2_refs import Swagger2State
from openapi_meta.convert.swagger2_schema import upgrade_schema
from openapi_meta.document.pointer import join_pointer
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject

# Fields a 2.0 Parameter / Header / Items object shares with JSON Schema.
SCHEMA_FIELDS = (
    "type",
    "format",
    "items",
    "default",
    "maximum",
    "exclusiveMaximum",
    "minimum",
    "exclusiveMinimum",
    "maxLength",
    "minLength",
    "pattern",
    "maxItems",
    "minItems",
    "uniqueItems",
    "enum",
    "multipleOf",
)
# 2.0 fields of a non-body parameter that have a 3.0 Parameter field of the same meaning.
_PARAMETER_FIELDS = ("name", "in", "description", "required", "deprecated", "allowEmptyValue")
# JSON Schema keywords some generators put on a query parameter of `type: object`.
_SCHEMA_ONLY = (
    "title",
    "properties",
    "additionalProperties",
    "allOf",
    "minProperties",
    "maxProperties",
)
_HANDLED = {
    *_SCHEMA_ONLY,
    *SCHEMA_FIELDS,
    *_PARAMETER_FIELDS,
    "collectionFormat",
    "x-example",
    "x-nullable",
    "x-deprecated",
}

# "If in is header and the name field is Accept, Content-Type or Authorization, the parameter
# definition SHALL be ignored" (OpenAPI 3.0.3, Parameter Object).
_IGNORED_HEADERS = ("accept", "content-type", "authorization")

FORM_URLENCODED = "application/x-www-form-urlencoded"
MULTIPART = "multipart/form-data"
DEFAULT_MEDIA_TYPE = "application/json"

# collectionFormat → (style, explode) where 3.0 has the same serialisation, per `in`.
_QUERY_STYLES: dict[str, tuple[str, bool]] = {
    "csv": ("form", False),
    "ssv": ("spaceDelimited", False),
    "pipes": ("pipeDelimited", False),
    "multi": ("form", True),
}
_SIMPLE_STYLES: dict[str, tuple[str, bool]] = {"csv": ("simple", False)}


def is_extension(key: str) -> bool:
    return key.startswith("x-")


def copy_extensions(source: JSONObject, target: JSONObject, *, skip: tuple[str, ...] = ()) -> None:
    """Copy the `x-*` fields of `source` onto `target` (3.0 allows them on the same objects)."""
    for key, value in source.items():
        if is_extension(key) and key not in skip:
            target[key] = value


def items_to_schema(node: JSONObject, pointer: str, state: Swagger2State) -> JSONObject:
    """A 3.0 Schema from the type fields of a 2.0 Parameter, Header or Items object."""
    if isinstance(node.get("$ref"), str):
        # Not 2.0 (Items have no $ref) but common, and its meaning is plain.
        return {"$ref": state.rewrite_ref(node["$ref"], join_pointer(pointer, "$ref"))}
    schema: JSONObject = {}
    for key in SCHEMA_FIELDS:
        if key not in node:
            continue
        value = node[key]
        if key == "items" and isinstance(value, dict):
            items_pointer = join_pointer(pointer, "items")
            if "collectionFormat" in value:
                state.report(
                    "swagger2-collection-format-lost",
                    Level.WARNING,
                    join_pointer(items_pointer, "collectionFormat"),
                    "a nested array's collectionFormat has no 3.0 equivalent (3.0 styles"
                    " describe the outer array only); dropped",
                )
            value = items_to_schema(value, items_pointer, state)
        schema[key] = value
    if isinstance(node.get("x-nullable"), bool):
        schema["nullable"] = node["x-nullable"]
    if schema.get("type") == "file":
        # 2.0's `file` type is a file upload; 3.0 says so with a binary string.
        schema["type"] = "string"
        schema["format"] = "binary"
    if schema.get("type") == "array" and "items" not in schema:
        schema["items"] = {}
        state.report(
            "swagger2-array-items-missing",
            Level.INFO,
            pointer,
            "array without 'items' (required by both 2.0 and 3.0): set to 'items: {}' (any value)",
        )
    state.origin(schema, pointer)
    return schema


def _collection_format(node: JSONObject, pointer: str, state: Swagger2State) -> str | None:
    """The effective collectionFormat of an array parameter (2.0 default csv), else None."""
    fmt = node.get("collectionFormat")
    if node.get("type") != "array":
        if fmt is not None:
            state.report(
                "swagger2-collection-format-ignored",
                Level.INFO,
                join_pointer(pointer, "collectionFormat"),
                f"collectionFormat applies to arrays only; dropped on type {node.get('type')!r}",
            )
        return None
    return fmt if isinstance(fmt, str) else "csv"


def _style_for(
    fmt: str, location: str, pointer: str, state: Swagger2State
) -> tuple[str, bool] | None:
    """The 3.0 (style, explode) of a collectionFormat at `location`, or None with a finding."""
    table = _QUERY_STYLES if location in ("query", "formData") else _SIMPLE_STYLES
    if fmt in table:
        return table[fmt]
    state.report(
        "swagger2-collection-format-lost",
        Level.WARNING,
        join_pointer(pointer, "collectionFormat"),
        f"collectionFormat {fmt!r} has no 3.0 style for an 'in: {location}' value;"
        " kept as x-collectionFormat, clients will use the 3.0 default",
    )
    return None


def convert_parameter(
    param: JSONObject, pointer: str, state: Swagger2State, *, schema: JSONObject | None = None
) -> JSONObject:
    """A 3.0 Parameter (query, path, header) from a 2.0 non-body, non-form parameter.

    `schema`, when given, is the 3.0 schema already decided for it (no type fields are read).
    """
    location = param.get("in")
    result: JSONObject = {}
    for key in _PARAMETER_FIELDS:
        if key in param:
            result[key] = param[key]
    if "deprecated" not in result and isinstance(param.get("x-deprecated"), bool):
        result["deprecated"] = param["x-deprecated"]
    if location == "path" and param.get("required") is not True:
        result["required"] = True
        state.report(
            "swagger2-path-param-required",
            Level.INFO,
            pointer,
            f"path parameter {param.get('name')!r} lacked 'required: true' (mandatory for path"
            " parameters); set",
        )
    if location == "header" and str(param.get("name")).lower() in _IGNORED_HEADERS:
        state.report(
            "swagger2-header-param-ignored",
            Level.INFO,
            pointer,
            f"3.0 ignores a header parameter named {param.get('name')!r} (it is described by"
            " the request body's media type or by a security scheme); kept, but tools and"
            " fal's Playground will not show it",
        )
    if "allowEmptyValue" in result and location != "query":
        del result["allowEmptyValue"]
        state.report(
            "swagger2-allow-empty-value-dropped",
            Level.INFO,
            join_pointer(pointer, "allowEmptyValue"),
            "allowEmptyValue applies to query parameters only in 3.0;"
            f" dropped for 'in: {location}'",
        )
    if schema is not None:
        pass
    elif "type" not in param and isinstance(param.get("schema"), dict):
        # A 3.0-style parameter inside a 2.0 document: its schema is what it means.
        state.report(
            "swagger2-param-schema",
            Level.INFO,
            pointer,
            f"parameter {param.get('name')!r} has a 'schema' instead of 2.0's 'type'; kept as"
            " its 3.0 schema",
        )
        schema = param["schema"]
    elif "type" not in param:
        param = {**param, "type": "string"}
        state.report(
            "swagger2-param-type-missing",
            Level.WARNING,
            pointer,
            f"parameter {param.get('name')!r} has no 'type' (mandatory for non-body parameters);"
            " assumed 'string'",
        )
    if param.get("type") == "file":
        state.report(
            "swagger2-file-outside-form",
            Level.WARNING,
            join_pointer(pointer, "type"),
            f"'type: file' is only allowed on formData parameters, not 'in: {location}';"
            " described as a binary string",
        )
    fmt = _collection_format(param, pointer, state)
    if fmt is not None:
        style = _style_for(fmt, str(location), pointer, state)
        if style is None:
            result["x-collectionFormat"] = fmt
        elif style != ("simple", False):  # the 3.0 default for path and header
            result["style"], result["explode"] = style
    if schema is None:
        schema = items_to_schema(param, pointer, state)
        _schema_only_keywords(param, schema, pointer, state)
    result["schema"] = schema
    if "x-example" in param:
        result["example"] = param["x-example"]
    copy_extensions(param, result, skip=("x-example", "x-nullable", "x-deprecated"))
    report_unknown_fields(param, _HANDLED, pointer, "parameter", state)
    state.origin(result, pointer)
    return result


def _schema_only_keywords(
    param: JSONObject, schema: JSONObject, pointer: str, state: Swagger2State
) -> None:
    """Move JSON Schema keywords found on a non-body parameter into its schema."""
    moved = [key for key in _SCHEMA_ONLY if key in param]
    if not moved:
        return
    extra = upgrade_schema({key: param[key] for key in moved}, pointer, state)
    schema.update(extra)  # type: ignore[arg-type]
    state.report(
        "swagger2-param-schema-keywords",
        Level.INFO,
        pointer,
        f"{', '.join(moved)} are Schema keywords, not 2.0 parameter fields; moved into the"
        " parameter's schema",
    )


def body_request_body(
    param: JSONObject, pointer: str, media_types: list[str], state: Swagger2State
) -> JSONObject:
    """A 3.0 Request Body from a 2.0 `in: body` parameter, one media type per `consumes`."""
    schema = param.get("schema")
    if not isinstance(schema, dict):
        # A body the document names but does not describe: `{}` says just that (any body).
        written = "no schema (2.0 requires one)" if schema is None else f"the schema {schema!r:.40}"
        state.report(
            "body-schema-added",
            Level.WARNING,
            pointer,
            f"body parameter {param.get('name')!r} has {written}: written as `schema: {{}}`,"
            " any body",
        )
        schema = {}
    result: JSONObject = {}
    if "description" in param:
        result["description"] = param["description"]
    # Each media type entry stands for the parameter (its `schema` is the parameter's).
    schema_pointer = join_pointer(pointer, "schema")
    result["content"] = {
        media_type: state.origin(
            {"schema": schema if i == 0 else state.origin_copy(schema, schema_pointer)},
            pointer,
        )
        for i, media_type in enumerate(media_types or [DEFAULT_MEDIA_TYPE])
    }
    if param.get("required") is True:
        result["required"] = True
    copy_extensions(param, result)
    state.origin(result, pointer)
    return result


def form_request_body(
    fields: list[tuple[JSONObject, str]], consumes: list[str], pointer: str, state: Swagger2State
) -> JSONObject:
    """A 3.0 Request Body from the `in: formData` parameters of one operation.

    Each field becomes a property of one object schema; its `collectionFormat` becomes an
    `encoding` entry (which 3.0 honours for urlencoded bodies), so a client still knows how to
    send the array.
    """
    properties: JSONObject = {}
    required: list[JSON] = []
    encoding: JSONObject = {}
    has_file = False
    for param, param_pointer in fields:
        name = str(param.get("name"))
        has_file = has_file or param.get("type") == "file"
        if "type" not in param:
            param = {**param, "type": "string"}
            state.report(
                "swagger2-param-type-missing",
                Level.WARNING,
                param_pointer,
                f"form field {name!r} has no 'type' (mandatory for non-body parameters);"
                " assumed 'string'",
            )
        prop: JSONObject = {}
        if "description" in param:
            prop["description"] = param["description"]
        prop.update(items_to_schema(param, param_pointer, state))
        if "x-example" in param:
            prop["example"] = param["x-example"]
        copy_extensions(param, prop, skip=("x-example", "x-nullable"))
        properties[name] = state.origin(prop, param_pointer)
        if param.get("required") is True:
            required.append(name)
        if "allowEmptyValue" in param:
            state.report(
                "swagger2-allow-empty-value-dropped",
                Level.INFO,
                join_pointer(param_pointer, "allowEmptyValue"),
                "allowEmptyValue has no 3.0 equivalent for a form field; dropped",
            )
        fmt = _collection_format(param, param_pointer, state)
        if fmt is not None:
            style = _style_for(fmt, "formData", param_pointer, state)
            encoding[name] = (
                {"style": style[0], "explode": style[1]} if style else {"x-collectionFormat": fmt}
            )
        report_unknown_fields(param, _HANDLED, param_pointer, "form parameter", state)
    schema: JSONObject = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    media_types = [m for m in consumes if _base_type(m) in (FORM_URLENCODED, MULTIPART)]
    if not media_types:
        media_types = [MULTIPART if has_file else FORM_URLENCODED]
        if consumes:
            state.report(
                "swagger2-form-consumes",
                Level.INFO,
                pointer,
                f"formData parameters but 'consumes' lists no form media type ({consumes});"
                f" the request body uses {media_types[0]}",
            )
    content: JSONObject = {}
    for i, media_type in enumerate(media_types):
        entry: JSONObject = {"schema": schema if i == 0 else state.origin_copy(schema, pointer)}
        if encoding:
            entry["encoding"] = encoding if i == 0 else state.origin_copy(encoding, pointer)
        content[media_type] = entry
    result: JSONObject = {"content": content}
    if required:
        result["required"] = True
    return result


def report_unknown_fields(
    node: JSONObject,
    known: set[str],
    pointer: str,
    what: str,
    state: Swagger2State,
    *,
    handled_elsewhere: tuple[str, ...] = ("schema", "$ref"),
) -> None:
    """A finding for each field 2.0 does not define here (3.0 would reject it); they are dropped.

    `handled_elsewhere`: fields the caller converts itself (a parameter's `schema`, a `$ref`).
    """
    for key in node:
        if key not in known and not is_extension(key) and key not in handled_elsewhere:
            state.report(
                "swagger2-unknown-field",
                Level.WARNING,
                join_pointer(pointer, key),
                f"{key!r} is not a Swagger 2.0 {what} field; dropped",
            )


def _base_type(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()
