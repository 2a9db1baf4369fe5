"""Convert: any supported input version to an OpenAPI 3.0.3 document, recording findings.

    version detection → bundle external $refs → Swagger 2.0 upgrade (2.0 only)
    → one walk with the passes below (3.2/3.1 → 3.0, and 3.0.x repairs)
    → conform (project onto 3.0.3), with the path and value repairs → `openapi: 3.0.3`

The passes are visitors on the OpenAPI-aware walker (`openapi_meta.document.walk`), each in
its own module with the spec reason in its docstring, run together in one walk in the order of
`_passes`. They rewrite schemas in `leave_Schema`, after the children, so every finding names
a pointer in the input. A 3.0.x document gets the same passes: one that uses 3.1 constructs
(TGI's numeric `exclusiveMinimum`) is repaired the same way and gets a `mislabelled-version`
finding. Those passes keep meaning; the last walk, `conform`, makes the result valid whatever
the input held (see `openapi_meta.convert.conform`). The caller's document is never mutated:
conversion works on its own copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from openapi_meta.document.walk import OPENAPI_30, OPENAPI_32, walk
from openapi_meta.errors import DocumentError
from openapi_meta.findings import Finding, Level
from openapi_meta.jsontypes import JSONObject

TARGET_VERSION = "3.0.3"

# Finding codes that only a 3.1 construct produces: in a document labelled 3.0.x they mean
# the label is wrong.
CODES_31 = frozenset(
    {
        "type-array",
        "type-null",
        "nullable-member",
        "const-to-enum",
        "examples-to-example",
        "exclusive-bound",
        "content-encoding",
        "content-media-type",
        "defs-moved",
        "schema-keyword-removed",
        "dynamic-ref-removed",
        "boolean-schema",
        "if-then-else",
        "dependencies",
        "prefix-items",
        "items-false",
        "unevaluated-properties",
        "unevaluated-items",
        "pattern-properties",
        "property-names",
        "contains",
        "info-summary",
        "license-identifier",
        "json-schema-dialect",
        "webhooks",
        "path-items-inlined",
    }
)


@dataclass
class ConversionContext:
    """Per-run state of a conversion: options and the findings recorded so far."""

    base_dir: Path | None = None
    findings: list[Finding] = field(default_factory=list)
    allow_remote: bool = False
    name: str | None = None
    ref_root: Path | None = None
    # The version the input declares ("2.0", "3.0.1", "3.1.0").
    version: str = ""
    # 3.1: a schema `$ref` is a keyword among others; 3.0: siblings are ignored.
    schema_refs_have_siblings: bool = True
    # The document was handed over: bundling edits it instead of a copy.
    owned: bool = False

    def report(self, code: str, level: Level, pointer: str, message: str) -> None:
        self.findings.append(Finding(code, level, pointer, message))


@dataclass(frozen=True)
class ConversionResult:
    document: JSONObject
    findings: tuple[Finding, ...]


def detect_version(document: JSONObject) -> str:
    """The declared version ("2.0", "3.0.1", ...) or a clear error when there is none usable.

    A version is read as the one it spells when that is certain: YAML's unquoted
    `swagger: 2.0` is the float 2.0, `openapi: 3.1` the float 3.1 (3.1.0), and the string
    "3.1" names no patch version (3.1.0).
    """
    if type(document) is not dict:
        raise DocumentError(f"the document is {type(document).__name__}, not a mapping")
    field_name = _version_field(document)
    declared = document[field_name]
    if type(declared) is str:
        return _SHORT_VERSIONS.get(declared, declared)
    spelled = _numeric_version(declared)
    if spelled is None:
        raise DocumentError(
            f"/{field_name}: the version must be a string like '3.1.0', not {declared!r}"
        )
    return spelled


def _version_field(document: JSONObject) -> str:
    for name in ("openapi", "swagger"):
        if name in document:
            return name
    raise DocumentError(
        "not an OpenAPI document: the document root has no 'openapi' (3.x) or 'swagger' (2.0) field"
    )


_SHORT_VERSIONS = {"3.0": "3.0.0", "3.1": "3.1.0", "3.2": "3.2.0"}
_NUMERIC_VERSIONS = {2.0: "2.0", **{float(short): full for short, full in _SHORT_VERSIONS.items()}}


def _numeric_version(value: object) -> str | None:
    """`2.0` → "2.0", `3.0` → "3.0.0", `3.1` → "3.1.0"; None when a number says no more."""
    return _NUMERIC_VERSIONS.get(value) if type(value) is float else None  # type: ignore[call-overload]


_SUPPORTED = "Swagger 2.0 and OpenAPI 3.0.x, 3.1.x and 3.2.x"


def _check_supported(version: str, field_name: str, written: object) -> None:
    if field_name == "swagger" and version.startswith("3"):
        raise DocumentError(
            f"/swagger: swagger: {written!r}: that field names Swagger 2.0 only; an OpenAPI 3"
            " document says so in an `openapi` field (`openapi: 3.0.3`)"
        )
    if version == "2.0" or version.startswith(("3.0.", "3.1.", "3.2.")):
        return
    if version.startswith("3."):
        raise DocumentError(
            f"/openapi: OpenAPI {version} is not supported: openapi-meta reads {_SUPPORTED}"
            " (fal needs 3.0.3; ask your framework for a 3.1 or 3.0 document)"
        )
    raise DocumentError(
        f"/{field_name}: unsupported OpenAPI version {version!r}: openapi-meta reads {_SUPPORTED}"
    )


def _passes(context: ConversionContext, document: JSONObject) -> list[Any]:
    """The passes, in the order their `leave_Schema` handlers run on each schema."""
    from openapi_meta.convert.document31 import Document31
    from openapi_meta.convert.document32 import Document32
    from openapi_meta.convert.path_items import PathItems
    from openapi_meta.convert.repair_info import RepairInfo
    from openapi_meta.convert.repair_required import RepairRequired
    from openapi_meta.convert.schema_applicators import SchemaApplicators
    from openapi_meta.convert.schema_bounds import SchemaBounds
    from openapi_meta.convert.schema_const import SchemaConst
    from openapi_meta.convert.schema_content import SchemaContent
    from openapi_meta.convert.schema_defs import SchemaDefs
    from openapi_meta.convert.schema_examples import SchemaExamples
    from openapi_meta.convert.schema_meta import SchemaMeta
    from openapi_meta.convert.schema_nullable import SchemaNullable
    from openapi_meta.convert.schema_ref_siblings import SchemaRefSiblings
    from openapi_meta.convert.schema_types import SchemaTypes

    return [
        RepairRequired(context),
        SchemaMeta(context),
        SchemaApplicators(context),
        SchemaConst(context),
        SchemaExamples(context),
        SchemaBounds(context),
        SchemaContent(context),
        SchemaTypes(context),
        SchemaNullable(context),
        SchemaRefSiblings(context),
        SchemaDefs(context, document),
        PathItems(context),
        Document31(context),
        Document32(context, document),
        RepairInfo(context),
    ]


def _down_convert(document: JSONObject, context: ConversionContext) -> JSONObject:
    """Run every pass in one walk, then the passes' whole-document steps (`finish`)."""
    _walk_passes(document, _passes(context, document), OPENAPI_32)
    return document


def _conform(document: JSONObject, context: ConversionContext) -> JSONObject:
    """Project onto 3.0.3, then repair path templates and defaults on the projected shape."""
    from openapi_meta.convert.conform import Conform
    from openapi_meta.convert.repair_paths import RepairPaths
    from openapi_meta.convert.repair_values import RepairValues

    visitors = [Conform(context, document), RepairPaths(context, document), RepairValues(context)]
    _walk_passes(document, visitors, OPENAPI_30)
    return document


def _walk_passes(document: JSONObject, visitors: list[Any], types: Any) -> None:
    walk(document, visitors, types)
    for visitor in visitors:
        finish = getattr(visitor, "finish", None)
        if finish is not None:
            finish(document)


def _bundle(document: JSONObject, context: ConversionContext) -> JSONObject:
    from openapi_meta.document.refs import bundle

    return bundle(
        document,
        base_dir=context.base_dir,
        context=context,
        allow_remote=context.allow_remote,
        name=context.name,
        ref_root=context.ref_root,
        copy=not context.owned,
    )


def convert(
    document: JSONObject,
    *,
    base_dir: Path | None = None,
    allow_remote: bool = False,
    name: str | None = None,
    ref_root: Path | None = None,
    owned: bool = False,
) -> ConversionResult:
    """Return a 3.0.3 copy of `document` and the findings of every step that changed it.

    `base_dir` is where relative `$ref`s resolve (None: the document came from a URL);
    `allow_remote` lets `$ref`s to http(s) URLs be fetched; `name` is what messages call
    the document; `ref_root` is the folder file `$ref`s may not leave (default: `base_dir`).
    With `owned`, the caller hands `document` over (a tree `load_document` just made, which
    holds no node twice): it is converted in place instead of copied first.
    """
    version = detect_version(document)
    field_name = _version_field(document)
    written = document[field_name]
    _check_supported(version, field_name, written)
    context = ConversionContext(
        base_dir=base_dir,
        allow_remote=allow_remote,
        name=name,
        version=version,
        ref_root=ref_root,
        owned=owned,
    )
    if type(written) is not str:
        context.report(
            "version-number",
            Level.INFO,
            f"/{field_name}",
            f"{field_name}: {written!r} is a number (YAML without quotes); read as '{version}'",
        )
    elif written != version:
        context.report(
            "version-incomplete",
            Level.INFO,
            f"/{field_name}",
            f"{field_name}: {written!r} names no patch version; read as '{version}'",
        )
    result = _bundle(document, context)  # a new document (unless `owned`): the input stays
    result[field_name] = version
    pointer_map = None
    if version == "2.0":
        from openapi_meta.convert.swagger2 import upgrade_swagger2_traced

        result, pointer_map = upgrade_swagger2_traced(result, context, copy=False)
    upgraded = len(context.findings)
    context.schema_refs_have_siblings = version.startswith(("3.1.", "3.2."))
    result = _down_convert(result, context)
    result = _conform(result, context)
    if pointer_map is not None:
        # The 3.x passes saw the upgraded shape (/components/schemas/X); the user's document
        # says /definitions/X, so that is what their findings must name. A body schema the
        # upgrade copied into several media types is one place in the input: one finding.
        mapped = (
            replace(f, pointer=pointer_map.input_pointer(f.pointer))
            for f in context.findings[upgraded:]
        )
        context.findings[upgraded:] = list(dict.fromkeys(mapped))
    declared = result.get("openapi")
    result["openapi"] = TARGET_VERSION
    if version.startswith("3.0."):
        if version != TARGET_VERSION:
            context.report(
                "version-set",
                Level.INFO,
                "/openapi",
                f"declared version {version} set to {TARGET_VERSION} (same 3.0 schema)",
            )
        constructs = sorted({f.code for f in context.findings if f.code in CODES_31})
        if constructs:
            context.report(
                "mislabelled-version",
                Level.WARNING,
                "/openapi",
                f"the document says {declared} but uses 3.1 constructs ({', '.join(constructs)});"
                " converted as 3.1",
            )
    elif version != "2.0":
        context.report(
            "version-set", Level.INFO, "/openapi", f"OpenAPI {version} converted to 3.0.3"
        )
    return ConversionResult(result, tuple(context.findings))
