"""Bundle: inline a spec's external `$ref`s so the result is one self-contained document.

fal receives the spec as one dict, so a spec split over files (`$ref: ./schemas/Pet.yaml`,
`../common/Error.yaml#/Error`, `parameters.yaml#/limit`) must become a single document. Each
external target is copied into the document's reusable section for its node type (Swagger 2.0
`definitions`/`parameters`/`responses`, 3.x `components.*`) and the `$ref` becomes a local
`#/...` pointer. The node type comes from the walker's type table (`openapi_meta.document.walk`),
never from key names: the position of the `$ref` says what the target is.

Decisions (each one a question real multi-file specs raise):
- Names come from the target: the last pointer token, else the file stem. The same target
  (file + pointer) is inlined once. A different target wanting a taken name gets `Name_2`,
  `Name_3`, ... and a `ref-name-clash` finding. A root entry that is only a `$ref`
  (`components.schemas.Pet: {$ref: ./Pet.yaml}`) keeps its name and receives the content.
- `$ref`s inside a referenced file resolve relative to that file (its local `#/...` refs point
  into that file, so they are external to the root and get inlined too).
- Circular references end up as local `$ref`s: a target gets its name before it is walked.
- Types without a reusable section (a Path Item under `paths`, a 2.0 Header, ...) are inlined
  in place; a cycle through such a position cannot be expressed and is an error.
- `x-` extension values are opaque data: an external `$ref` in them (Redocly's
  `x-codeSamples: [{source: {$ref: code.py}}]`) is replaced by the target's content; a file
  that is not JSON/YAML (by suffix) is inlined as a string, with a `ref-text-inlined` finding.
  The same applies to an opaque field whose whole value is an external `$ref`
  (`example: {$ref: ./pet.json}`, `description: {$ref: ./intro.md}`).
- Remote targets (http, https) are refused unless `allow_remote`; a path that resolves
  (symlinks included) outside `base_dir` is refused; with no `base_dir` (a spec fetched from a
  URL) a relative file reference cannot be resolved and is an error.
- Local refs (`#/...`) of the root document are left as they are, but must resolve in the
  bundled result: a dangling one is an error naming where it is. A schema's `#/$defs/X` that
  resolves only against an enclosing schema (pydantic's output pasted into a component) is
  left for the converter's `$defs` pass; in another file it is read that way and bundled.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from openapi_meta.document import oas30
from openapi_meta.document.load import parse_text
from openapi_meta.document.pointer import (
    PointerError,
    join_pointer,
    parse_fragment,
    resolve,
    unescape_token,
)
from openapi_meta.document.walk import OPENAPI_31, OPENAPI_32, SWAGGER_20, NodeType, TypeTable
from openapi_meta.errors import DocumentError, SourceError
from openapi_meta.findings import Level
from openapi_meta.jsontypes import JSON, JSONObject
from openapi_meta.limits import MAX_DOCUMENT_BYTES

if TYPE_CHECKING:
    from openapi_meta.convert import ConversionContext

__all__ = ["bundle"]

ROOT_NAME = "the root document"

_SECTIONS_20: dict[str, tuple[str, ...]] = {
    "Schema": ("definitions",),
    "Parameter": ("parameters",),
    "Response": ("responses",),
}
# Path Items are inlined in place: 3.0 has no `components.pathItems` (3.1's is inlined by the
# converter anyway), so a bundled Path Item would only be undone later.
_SECTIONS_3: dict[str, tuple[str, ...]] = {
    "Schema": ("components", "schemas"),
    "Response": ("components", "responses"),
    "Parameter": ("components", "parameters"),
    "Example": ("components", "examples"),
    "RequestBody": ("components", "requestBodies"),
    "Header": ("components", "headers"),
    "SecurityScheme": ("components", "securitySchemes"),
    "Link": ("components", "links"),
    "Callback": ("components", "callbacks"),
}

# Where a Reference Object may stand: 3.x's "X | Reference" types, and a Path Item's `$ref`.
_REFERENCEABLE_3 = oas30.REFERENCEABLE | {"PathItem"}
_REFERENCEABLE_20 = frozenset({"Schema", "Parameter", "Response", "PathItem"})

_DATA_SUFFIXES = frozenset({".json", ".yaml", ".yml"})
_DEFS = ("$defs", "definitions")  # JSON Schema's definition containers (2020-12, draft 7)
# swagger-core and Swagger 1.2 wrote a reference to a definition as its bare name (`$ref: Pet`).
_BARE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_SYNTAX_BY_SUFFIX = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}
_NAME_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_REMOTE_TIMEOUT = 20.0


def bundle(
    document: JSONObject,
    *,
    base_dir: Path | None,
    context: ConversionContext,
    allow_remote: bool = False,
    name: str | None = None,
    ref_root: Path | None = None,
    copy: bool = True,
) -> JSONObject:
    """A new single-file copy of `document` with every external `$ref` inlined (without
    `copy`: `document` itself, bundled in place; it must hold no node twice).

    `base_dir` is the root spec's folder (None for a spec fetched from a URL); `name` is what
    messages call the root document (its file name). File references may not leave
    `ref_root` (default: `base_dir`); a spec in `spec/` that shares `../common/` files needs
    the common parent here. Findings go to `context`.
    """
    # One private copy, bundled in place, that the converter then owns and edits in place:
    # new dicts and lists everywhere, so a dict a caller's document holds in two places
    # becomes two dicts and no pass's edit shows up somewhere else; the immutable leaves are
    # shared, which costs no memory (0.08 s for the 13 MB GitHub description, as fast as
    # marshal, which would keep such sharing).
    root: JSONObject = _own_copy(document) if copy else document  # type: ignore[assignment]
    bundler = _Bundler(
        root,
        document,
        base_dir=base_dir,
        context=context,
        allow_remote=allow_remote,
        root_name=name or ROOT_NAME,
        ref_root=ref_root,
    )
    return bundler.run()


@dataclass(frozen=True)
class _Doc:
    """One document of the bundle: the root, a local file or (if allowed) a URL."""

    key: str  # "" for the root, else the resolved path or the URL
    name: str  # what messages call it
    path: Path | None = None
    url: str | None = None

    @property
    def is_root(self) -> bool:
        return self.key == ""

    @property
    def suffix(self) -> str:
        if self.path is not None:
            return self.path.suffix.lower()
        return Path(urlsplit(self.url or "").path).suffix.lower()

    @property
    def stem(self) -> str:
        if self.path is not None:
            return self.path.stem
        return Path(urlsplit(self.url or "").path).stem


@dataclass
class _Bundler:
    root: JSONObject  # a private copy, bundled in place
    original: JSONObject  # the caller's document, to recognise a reference back to it
    base_dir: Path | None
    context: ConversionContext
    allow_remote: bool
    root_name: str
    ref_root: Path | None
    table: TypeTable = field(init=False)
    sections: dict[str, tuple[str, ...]] = field(init=False)
    referenceable: frozenset[str] = field(init=False)
    root_doc: _Doc = field(init=False)
    root_dir: Path | None = field(init=False)
    root_path: Path | None = field(init=False)  # the root spec's own file, when it is one
    fence: Path | None = field(init=False)  # no file reference may leave this folder
    # Per-run caches and state: each file is read and parsed once.
    texts: dict[str, str] = field(default_factory=dict)
    parsed: dict[str, JSON] = field(default_factory=dict)
    root_keys: set[str] = field(default_factory=set)
    taken: dict[tuple[str, ...], set[str]] = field(default_factory=dict)
    assigned: dict[tuple[Any, ...], str] = field(default_factory=dict)
    produced: set[tuple[Any, ...]] = field(default_factory=set)
    entries: dict[tuple[str, ...], dict[str, JSON]] = field(default_factory=dict)
    inlining: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    # (tokens, referrer, pointer, ref, may resolve against its enclosing schema)

    def __post_init__(self) -> None:
        self.table, self.sections, self.referenceable = _table_for(self.root)
        self.root_doc = _Doc("", self.root_name)
        self.root_dir = self.base_dir.resolve() if self.base_dir is not None else None
        own = self.root_dir / Path(self.root_name).name if self.root_dir is not None else None
        self.root_path = own if own is not None and own.is_file() else None
        fence = self.ref_root if self.ref_root is not None else self.base_dir
        self.fence = fence.resolve() if fence is not None else None
        for section in dict.fromkeys(self.sections.values()):
            existing = _get_section(self.root, section)
            self.taken[section] = set(existing) if isinstance(existing, dict) else set()
            self.entries[section] = {}

    # --- the run ----------------------------------------------------------------------

    def run(self) -> JSONObject:
        try:
            self._claim_root_aliases()
            self.node(self.root, "Root", self.root_doc, "", "")
        except RecursionError as exc:
            raise DocumentError(f"{self.root_name}: $ref chains nest too deeply to bundle") from exc
        for section, entries in self.entries.items():
            if not entries:
                continue
            target = _make_section(self.root, section)
            for entry_name, content in entries.items():
                target[entry_name] = content
        return self.root

    def _claim_root_aliases(self) -> None:
        """`components.schemas.Pet: {$ref: ./Pet.yaml}` keeps the name Pet for the target."""
        for section in self.sections.values():
            existing = _get_section(self.root, section)
            if not isinstance(existing, dict):
                continue
            for entry_name, entry in existing.items():
                if not (isinstance(entry, dict) and list(entry) == ["$ref"]):
                    continue
                ref = entry["$ref"]
                if not isinstance(ref, str) or ref.startswith("#"):
                    continue
                pointer = join_pointer("", *section, entry_name)
                doc, tokens = self.locate(ref, self.root_doc, pointer)
                if doc.is_root:
                    continue
                key = (section, doc.key, tuple(tokens))
                self.assigned.setdefault(key, entry_name)

    # --- typed nodes ------------------------------------------------------------------

    def node(self, value: JSON, type_name: str, doc: _Doc, pointer: str, anchor: str) -> JSON:
        """Process a node of `type_name` (a private copy, edited in place); return its value."""
        if type(value) is not dict:
            return value
        if type(value.get("$ref")) is str:
            return self.reference(value, type_name, doc, pointer, anchor)
        self.children(value, type_name, doc, pointer, anchor)
        return value

    def children(
        self, value: dict[str, JSON], type_name: str, doc: _Doc, pointer: str, anchor: str
    ) -> None:
        node_type = self.table.get(type_name)
        if node_type is None:
            return
        if type_name == "Schema" and not doc.is_root:
            self.drop_definitions(value, doc, pointer, anchor)
        for key, child in value.items():
            if key == "$ref" or (type(child) is not dict and type(child) is not list):
                continue  # scalars hold no references
            here = _child(pointer, key)
            spec = node_type.fields.get(key)
            if spec is not None and spec.type in self.table:
                value[key] = self.field(child, spec.kind, spec.type, doc, here, anchor)
            elif node_type.entries is not None and not key.startswith("x-"):
                value[key] = self.node(child, node_type.entries, doc, here, anchor)
            else:
                # Data: an `x-` extension, an example, a default. A `$ref` in it is a JSON
                # Reference too (`example: {$ref: ./pet.json}`, an example's value listing
                # `{$ref: ../examples/event.yaml}`), inlined when it can be followed.
                value[key] = self.opaque(child, doc, here, anchor)

    def drop_definitions(
        self, value: dict[str, JSON], doc: _Doc, pointer: str, anchor: str
    ) -> None:
        """`$defs`/`definitions` of a schema from another file are dead once it is bundled.

        Every `$ref` into them was external to the root, so each used definition is already a
        component of its own; the leftover container only makes a 3.0 schema invalid.
        """
        for key in ("$defs", "definitions"):
            if type(value.get(key)) is dict:
                del value[key]
                self.context.report(
                    "ref-definitions-dropped",
                    Level.INFO,
                    anchor,
                    f"{_in_file(doc, join_pointer(pointer, key))}removed from the bundled schema;"
                    " the definitions referenced from it are bundled as components of their own",
                )

    def field(
        self, value: JSON, kind: str, type_name: str, doc: _Doc, pointer: str, anchor: str
    ) -> JSON:
        if kind in ("map", "list") and type(value) is dict and type(value.get("$ref")) is str:
            return self.container_ref(value, kind, type_name, doc, pointer, anchor)
        if kind == "map":
            if type(value) is dict:
                for key, item in value.items():
                    here = _child(pointer, key)
                    value[key] = self.node(item, type_name, doc, here, anchor)
            return value
        if kind == "list" or (kind == "one_or_list" and type(value) is list):
            if type(value) is list:
                for index, item in enumerate(value):
                    here = f"{pointer}/{index}"
                    value[index] = self.node(item, type_name, doc, here, anchor)
            return value
        return self.node(value, type_name, doc, pointer, anchor)

    def container_ref(
        self,
        value: dict[str, JSON],
        kind: str,
        type_name: str,
        doc: _Doc,
        pointer: str,
        anchor: str,
    ) -> JSON:
        """A `$ref` where a map or list belongs (`properties: {$ref: attrs.yml#/x}`,
        `components: {schemas: {$ref: _index.yaml}}`): the map or list it names, as Redocly and
        json-schema-ref-parser read it; a map's sibling entries are added to it."""
        ref: str = value["$ref"]  # type: ignore[assignment]
        here_anchor = pointer if doc.is_root else anchor
        target_doc, tokens = self.locate(ref, doc, pointer, anchor)
        if target_doc.is_root:
            target = _resolved(self.root, tokens)
        else:
            target = self.target(target_doc, tokens, ref, doc, pointer)
        wanted = list if kind == "list" else dict
        if type(target) is not wanted:
            return value  # not a map or list: conform removes the stray key, with a finding
        key = (target_doc.key, tuple(tokens))
        if key in self.inlining:
            raise DocumentError(
                f"{_where(doc, pointer)}: $ref {ref!r} is circular through a map of"
                f" {type_name} objects, which cannot be bundled; break the cycle"
            )
        if doc.is_root and type(target) is dict:
            self.claim_section(pointer, target_doc, tokens, target)
        self.inlining.append(key)
        try:
            copied = _copy(target)
            result = self.field(copied, kind, type_name, target_doc, _fragment(tokens), here_anchor)
        finally:
            self.inlining.pop()
        siblings = {k: v for k, v in value.items() if k != "$ref"}
        if siblings and type(result) is dict:
            result.update(self.field(siblings, kind, type_name, doc, pointer, anchor))  # type: ignore[arg-type]
        self.context.report(
            "ref-container-inlined",
            Level.INFO,
            here_anchor,
            f"{_in_file(doc, pointer)}$ref {ref!r} stands for a whole"
            f" {'list' if wanted is list else 'map'} of {type_name} objects; replaced by it",
        )
        return result

    def claim_section(
        self, pointer: str, target_doc: _Doc, tokens: list[str], target: dict[str, JSON]
    ) -> None:
        """A reusable section that is a `$ref` to a map of definitions keeps their names, and
        a reference to one of them (`_index.yaml#/Pet`) is that entry, not a new one."""
        for section in self.sections.values():
            if pointer != join_pointer("", *section):
                continue
            for name in target:
                self.taken[section].add(name)
                entry = (section, target_doc.key, (*tokens, name))
                self.assigned[entry] = name
                self.produced.add(entry)

    def reference(
        self, value: dict[str, JSON], type_name: str, doc: _Doc, pointer: str, anchor: str
    ) -> JSON:
        ref: str = value["$ref"]  # type: ignore[assignment]
        here_anchor = pointer if doc.is_root else anchor
        if doc.is_root and ref.startswith("#") and unquote(ref[1:2]) not in ("", "/"):
            # `#node` names a 3.1 `$anchor` in this document, not a pointer: the converter
            # deals with anchors; nothing here is external.
            self.children(value, type_name, doc, pointer, anchor)
            return value
        bare = self.bare_name(ref, type_name, doc)
        if bare is not None:
            self.context.report(
                "ref-bare-name",
                Level.WARNING,
                here_anchor,
                f"{_in_file(doc, pointer)}$ref {ref!r} names no file; read as {bare!r}, the"
                f" {type_name} of that name (swagger-core's shorthand)",
            )
            value["$ref"] = ref = bare
        target_doc, tokens = self.locate(ref, doc, pointer, anchor)
        section = self.sections.get(type_name)
        wanted = None
        if target_doc.is_root:
            if not doc.is_root or not ref.startswith("#"):
                value["$ref"] = "#" + _fragment(tokens)  # the root's own file, named
            target = _resolved(self.root, tokens)
            hoist = (
                section is not None
                and target is not _NOWHERE
                and not any(tokens[: len(s)] == list(s) for s in self.sections.values())
            )
            if target is _NOWHERE or (type_name in self.referenceable and not hoist):
                # A reference that stays local; one that leads nowhere is conform's to repair.
                self.children(value, type_name, doc, pointer, anchor)
                return value
            # A local target outside the reusable sections (2.0's `#/paths/.../schema`, a 3.x
            # document's `#/definitions/X`) is bundled like a file's; a reference where 3.0
            # allows none (a whole operation) is replaced by what it names.
            wanted = _hoisted_name(tokens)
        else:
            if target_doc is doc and type_name == "Schema":
                tokens = self.lexical(tokens, doc, pointer)
            target = self.target(target_doc, tokens, ref, doc, pointer)
        if not (type(target) is dict or (type_name == "Schema" and type(target) is bool)):
            raise DocumentError(
                f"{_where(doc, pointer)}: $ref {ref!r} points to {_kind(target)}, not a"
                f" {type_name} object"
            )
        target_pointer = _fragment(tokens)
        siblings = {k: v for k, v in value.items() if k != "$ref"}
        if section is None or (siblings and type_name != "Schema"):
            # A Schema keeps its siblings next to the rewritten `$ref` (the converter wraps
            # them for 3.0). Elsewhere siblings are overrides (3.1 `summary`/`description`;
            # Redocly's `- $ref: Filter.yaml` + `required: true`) that only a merged copy can
            # express, so that occurrence is inlined in place.
            inlined = self.inline(
                target, target_doc, tokens, ref, doc, pointer, here_anchor, typed=type_name
            )
            if type_name not in self.referenceable and target_doc.is_root:
                self.context.report(
                    "ref-inlined",
                    Level.INFO,
                    here_anchor,
                    f"{_in_file(doc, pointer)}$ref {ref!r} stands for a whole {type_name}, which"
                    " 3.0 cannot refer to; replaced by it",
                )
            if not siblings:
                return inlined
            self.children(siblings, type_name, doc, pointer, anchor)
            if section is not None:
                self.context.report(
                    "ref-siblings-merged",
                    Level.INFO,
                    here_anchor,
                    f"{_in_file(doc, pointer)}$ref {ref!r} has sibling keys"
                    f" {sorted(siblings)}; the target is inlined here with them as overrides",
                )
            return {**inlined, **siblings} if type(inlined) is dict else inlined
        key = (section, target_doc.key, tuple(tokens))
        entry_name = self.assigned.get(key)
        if entry_name is None:
            entry_name = self.new_name(section, target_doc, tokens, ref, here_anchor, wanted)
            self.assigned[key] = entry_name
            if wanted is not None:
                self.context.report(
                    "ref-local-bundled",
                    Level.INFO,
                    here_anchor,
                    f"$ref {ref!r} names a {type_name} outside the reusable sections; bundled"
                    f" as {'/'.join(section)}/{entry_name}",
                )
        if key not in self.produced:
            self.produced.add(key)
            entries = self.entries[section]
            entries[entry_name] = None  # keeps first-encounter order while the target is walked
            entries[entry_name] = self.node(
                _copy(target), type_name, target_doc, target_pointer, here_anchor
            )
        value["$ref"] = "#" + _fragment([*section, entry_name])
        self.children(value, type_name, doc, pointer, anchor)
        return value

    def bare_name(self, ref: str, type_name: str, doc: _Doc) -> str | None:
        """`#/definitions/Pet` for `$ref: Pet` when no file Pet exists beside `doc` and `doc`
        defines that entry; else None (a real file reference, or a missing one)."""
        section = self.sections.get(type_name)
        if section is None or doc.url is not None or not _BARE_NAME.fullmatch(ref):
            return None
        folder = doc.path.parent if doc.path is not None else self.root_dir
        if folder is not None and (folder / ref).exists():
            return None
        entries = _get_section(self.root if doc.is_root else self.parsed.get(doc.key), section)
        if not isinstance(entries, dict) or ref not in entries:
            return None
        return "#" + _fragment([*section, ref])

    def inline(
        self,
        target: JSON,
        target_doc: _Doc,
        tokens: list[str],
        ref: str,
        doc: _Doc,
        pointer: str,
        anchor: str,
        *,
        typed: str | None,
    ) -> JSON:
        """A processed copy of `target` to put in place of the `$ref` (no reusable section)."""
        key = (target_doc.key, tuple(tokens))
        if key in self.inlining:
            where = "a Path Item" if typed == "PathItem" else (typed or "extension data")
            raise DocumentError(
                f"{_where(doc, pointer)}: $ref {ref!r} is circular through {where}, which"
                " has no reusable section to point to, so it cannot be bundled; break the cycle"
            )
        self.inlining.append(key)
        try:
            copied = _copy(target)
            target_pointer = _fragment(tokens)
            if typed is None:
                return self.opaque(copied, target_doc, target_pointer, anchor)
            return self.node(copied, typed, target_doc, target_pointer, anchor)
        finally:
            self.inlining.pop()

    # --- opaque data (x- extensions, examples) ------------------------------------------

    def opaque(self, value: JSON, doc: _Doc, pointer: str, anchor: str) -> JSON:
        """Data (extensions, examples): only external `$ref`s in it are replaced by their
        content, at any depth."""
        if type(value) is list:
            for index, item in enumerate(value):
                value[index] = self.opaque(item, doc, f"{pointer}/{index}", anchor)
        elif type(value) is dict:
            if _external_ref(value, doc) is not None:
                return self.data_ref(value, doc, pointer, anchor)
            for key, item in value.items():
                value[key] = self.opaque(item, doc, _child(pointer, key), anchor)
        return value

    def data_ref(self, value: dict[str, JSON], doc: _Doc, pointer: str, anchor: str) -> JSON:
        """`inline_data`, but a reference in data (an extension, an example) that cannot be
        followed is kept as written, with a warning: data never stops a run."""
        try:
            return self.inline_data(value, doc, pointer, anchor)
        except (DocumentError, SourceError) as exc:
            self.context.report(
                "ref-kept",
                Level.WARNING,
                pointer if doc.is_root else anchor,
                f"{exc}; the reference is data here, so it is kept as written",
            )
            return value

    def inline_data(self, value: dict[str, JSON], doc: _Doc, pointer: str, anchor: str) -> JSON:
        """The content a data `$ref` points to, with the `$ref`s inside it inlined too."""
        ref: str = value["$ref"]  # type: ignore[assignment]
        here_anchor = pointer if doc.is_root else anchor
        target_doc, tokens = self.locate(ref, doc, pointer, anchor)
        if target_doc.is_root:
            value["$ref"] = "#" + _fragment(tokens)
            return value
        siblings = [k for k in value if k != "$ref"]
        if target_doc.suffix not in _DATA_SUFFIXES:
            if tokens:
                raise DocumentError(
                    f"{_where(doc, pointer)}: $ref {ref!r} has a JSON pointer into"
                    f" {target_doc.name}, which is not a JSON or YAML file"
                )
            text = self.text(target_doc, ref, doc, pointer)
            dropped = f" (its sibling keys {siblings} dropped)" if siblings else ""
            self.context.report(
                "ref-text-inlined",
                Level.INFO,
                here_anchor,
                f"{_in_file(doc, pointer)}$ref {ref!r} to a file that is not JSON or YAML;"
                f" its text is inlined as a string{dropped}",
            )
            return text
        target = self.target(target_doc, tokens, ref, doc, pointer)
        inlined = self.inline(
            target, target_doc, tokens, ref, doc, pointer, here_anchor, typed=None
        )
        if siblings and type(inlined) is dict:
            return {**inlined, **{k: value[k] for k in siblings}}
        return inlined

    # --- names ------------------------------------------------------------------------

    def new_name(
        self,
        section: tuple[str, ...],
        doc: _Doc,
        tokens: list[str],
        ref: str,
        anchor: str,
        wanted: str | None = None,
    ) -> str:
        if wanted is None:
            wanted = _NAME_UNSAFE.sub("_", tokens[-1] if tokens else doc.stem).strip("_") or "ref"
        taken = self.taken[section]
        entry_name = wanted
        number = 1
        while entry_name in taken:
            number += 1
            entry_name = f"{wanted}_{number}"
        taken.add(entry_name)
        if entry_name != wanted:
            self.context.report(
                "ref-name-clash",
                Level.INFO,
                anchor,
                f"$ref {ref!r} ({doc.name}{'#' + _fragment(tokens) if tokens else ''}) is"
                f" bundled as {'/'.join(section)}/{entry_name}: the name {wanted} is already"
                " used by another definition",
            )
        return entry_name

    # --- locating and loading ---------------------------------------------------------

    def locate(self, ref: str, doc: _Doc, pointer: str, anchor: str = "") -> tuple[_Doc, list[str]]:
        """The document and pointer tokens a `$ref` written in `doc` refers to (`anchor`: where
        in the root document `doc` was reached, for findings)."""
        location, _, fragment = ref.partition("#")
        try:
            tokens = parse_fragment(fragment)
        except PointerError as exc:
            raise DocumentError(f"{_where(doc, pointer)}: $ref {ref!r}: {exc}") from exc
        if not location:
            return doc, tokens
        scheme = urlsplit(location).scheme.lower()
        if scheme in ("http", "https") or (doc.url is not None and not scheme):
            url = urljoin(doc.url, location) if doc.url is not None else location
            if not self.allow_remote:
                raise DocumentError(
                    f"{_where(doc, pointer)}: $ref {ref!r} points to a remote URL ({url});"
                    " remote references are refused unless explicitly allowed"
                    " (--allow-remote-refs; allow_remote=True in Python)"
                )
            return _Doc(url, url, url=url), tokens
        if len(scheme) > 1:  # one letter is a Windows drive, handled as a path below
            raise DocumentError(
                f"{_where(doc, pointer)}: $ref {ref!r} uses the {scheme}: scheme; only relative"
                " file paths (and http/https when allowed) are supported"
            )
        if self.root_dir is None:
            raise DocumentError(
                f"{_where(doc, pointer)}: $ref {ref!r} is a relative file reference, but the spec"
                " was not read from a folder (it came from a URL or a program), so there is"
                " nothing to resolve it against; serve a bundled spec or use --file"
            )
        folder = doc.path.parent if doc.path is not None else self.root_dir
        path = (folder / unquote(location)).resolve()
        if doc.path is not None and self.root_dir is not None and not path.exists():
            # Some multi-file specs write every reference relative to the root spec's folder
            # (libopenapi reads them so): when only that reading names a file, it is meant.
            from_root = (self.root_dir / unquote(location)).resolve()
            if from_root.is_file():
                self.context.report(
                    "ref-root-relative",
                    Level.WARNING,
                    anchor,
                    f"{_in_file(doc, pointer)}$ref {ref!r} names no file beside"
                    f" {doc.name}; read as {_display(from_root, self.root_dir)}, which it names"
                    " from the root spec's folder",
                )
                path = from_root
        assert self.fence is not None
        if not path.is_relative_to(self.fence):
            raise DocumentError(
                f"{_where(doc, pointer)}: $ref {ref!r} resolves to {path}, outside"
                f" {self.fence}; references may only reach files under the root spec's folder."
                " If the shared files are yours, give a folder that holds them all with"
                " --ref-root DIR (ref_root= in Python)"
            )
        if path == self.root_path:
            return self.root_doc, tokens  # `clients.yaml#/...` written in clients.yaml itself
        target = _Doc(str(path), _display(path, self.root_dir), path=path)
        if target.suffix in _DATA_SUFFIXES:
            self.data(target, ref, doc, pointer)  # parse once; notices a reference to the root
        if target.key in self.root_keys:
            return self.root_doc, tokens
        return target, tokens

    def lexical(self, tokens: list[str], doc: _Doc, pointer: str) -> list[str]:
        """`#/$defs/X` in a file, read against the innermost enclosing schema that defines X.

        pydantic writes a model's schema with refs relative to that schema; pasted into a
        larger document they only resolve lexically. The full pointer lets the definition be
        bundled as a component like any other target."""
        data = self.parsed.get(doc.key)
        if not tokens or tokens[0] not in _DEFS or data is None:
            return tokens
        if _resolves(data, tokens):
            return tokens
        enclosing = _enclosing(data, tokens, pointer)
        return tokens if enclosing is None else [*enclosing, *tokens]

    def target(
        self, target_doc: _Doc, tokens: list[str], ref: str, doc: _Doc, pointer: str
    ) -> JSON:
        data = self.data(target_doc, ref, doc, pointer)
        try:
            return resolve(data, tokens)
        except PointerError as exc:
            raise DocumentError(
                f"{_where(doc, pointer)}: $ref {ref!r}: {target_doc.name} has no"
                f" #{_fragment(tokens)} ({exc} at #{_fragment(tokens[: exc.depth])})"
            ) from exc

    def data(self, target_doc: _Doc, ref: str, doc: _Doc, pointer: str) -> JSON:
        if target_doc.key not in self.parsed:
            text = self.text(target_doc, ref, doc, pointer)
            syntax = _SYNTAX_BY_SUFFIX.get(target_doc.suffix)
            data = parse_text(text, target_doc.name, syntax=syntax)
            self.parsed[target_doc.key] = data
            is_spec = isinstance(data, dict) and ("openapi" in data or "swagger" in data)
            if target_doc.path is not None and is_spec and data == self.original:
                self.root_keys.add(target_doc.key)
        return self.parsed[target_doc.key]

    def text(self, target_doc: _Doc, ref: str, doc: _Doc, pointer: str) -> str:
        if target_doc.key in self.texts:
            return self.texts[target_doc.key]
        where = f"{_where(doc, pointer)}: $ref {ref!r}"
        if target_doc.url is not None:
            content = _fetch(target_doc.url, where)
        else:
            assert target_doc.path is not None
            content = _read(target_doc.path, target_doc.name, where)
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise DocumentError(
                f"{where}: {target_doc.name} is not UTF-8 text (byte 0x{content[exc.start]:02x}"
                f" at offset {exc.start})"
            ) from exc
        self.texts[target_doc.key] = text
        return text


def _table_for(
    document: JSONObject,
) -> tuple[TypeTable, dict[str, tuple[str, ...]], frozenset[str]]:
    """The walker's type table for the document, read generously; its reusable sections; the
    types a Reference Object may stand for.

    Bundling must find every `$ref`, also in documents whose content does not match their
    label (a 2.0 document with `anyOf`, a 3.0 one with 3.1 keywords or 3.2 fields): 3.x
    documents are read with the 3.2 table, and a Schema with every JSON Schema applicator that
    holds subschemas, whatever the declared version.
    """
    if "swagger" in document:
        table, sections, referenceable = SWAGGER_20, _SECTIONS_20, _REFERENCEABLE_20
    else:
        table, sections, referenceable = OPENAPI_32, _SECTIONS_3, _REFERENCEABLE_3
    schema = table["Schema"]
    generous = {**OPENAPI_31["Schema"].fields, **schema.fields}
    if "swagger" in document:
        generous.pop("discriminator", None)  # a string in 2.0
    merged = dict(table)
    merged["Schema"] = NodeType("Schema", generous, schema.entries)
    return merged, sections, referenceable


_NOWHERE: Any = object()


def _resolved(data: JSON, tokens: list[str]) -> JSON:
    """The node at `tokens`, or `_NOWHERE`."""
    try:
        return resolve(data, tokens)
    except PointerError:
        return _NOWHERE


# Tokens that only say where in the structure a node sits, not what it is.
_STRUCTURAL = frozenset(
    {
        "paths",
        "definitions",
        "components",
        "schemas",
        "schema",
        "responses",
        "parameters",
        "content",
        "properties",
        "items",
        "requestBody",
        "requestBodies",
    }
)


def _hoisted_name(tokens: list[str]) -> str:
    """A component name for a node found at `tokens`: `#/definitions/Pet` → Pet,
    `#/paths/~1pets/get/responses/200/schema` → pets_get_200."""
    words = [_NAME_UNSAFE.sub("_", t).strip("_") for t in tokens if t not in _STRUCTURAL]
    return "_".join(w for w in words if w)[:80] or "ref"


def _resolves(data: JSON, tokens: list[str]) -> bool:
    try:
        resolve(data, tokens)
    except PointerError:
        return False
    return True


def _enclosing(data: JSON, tokens: list[str], pointer: str) -> list[str] | None:
    """The innermost ancestor of `pointer` in which `tokens` (`$defs/X/...`) resolve."""
    ancestors = [unescape_token(t) for t in pointer.split("/")[1:]]
    while ancestors:
        if _resolves(data, [*ancestors, *tokens]):
            return ancestors
        ancestors.pop()
    return None


def _get_section(document: JSONObject, section: tuple[str, ...]) -> JSON:
    node: JSON = document
    for token in section:
        if not isinstance(node, dict):
            return None
        node = node.get(token)
    return node


def _make_section(document: JSONObject, section: tuple[str, ...]) -> dict[str, JSON]:
    node: dict[str, JSON] = document
    for token in section:
        child = node.get(token)
        if not isinstance(child, dict):
            if child is not None:
                raise DocumentError(
                    f"/{'/'.join(section)}: must be a mapping to receive bundled definitions,"
                    f" not {_kind(child)}"
                )
            child = node[token] = {}
        node = child
    return node


def _external_ref(value: JSON, doc: _Doc) -> str | None:
    """The `$ref` of `value` when it points outside the root document, else None."""
    if type(value) is not dict:
        return None
    ref = value.get("$ref")
    if type(ref) is not str or (doc.is_root and ref.startswith("#")):
        return None
    return ref


def _child(pointer: str, key: str) -> str:
    """`join_pointer` for one key, inlined for speed: this runs once per node of the spec."""
    if "~" in key or "/" in key:
        key = key.replace("~", "~0").replace("/", "~1")
    return f"{pointer}/{key}"


def _fragment(tokens: list[str] | tuple[str, ...]) -> str:
    """A JSON pointer for a `$ref` fragment; `%` and spaces are percent-encoded (URI rules)."""
    pointer = join_pointer("", *tokens)
    return quote(pointer, safe="/~!$&'()*+,;=:@{}[]") if pointer else ""


def _display(path: Path, root_dir: Path) -> str:
    """A referenced file as messages name it: relative to the root spec's folder."""
    return Path(os.path.relpath(path, root_dir)).as_posix()


def _where(doc: _Doc, pointer: str) -> str:
    return f"{doc.name}: at {pointer or '/'}"


def _in_file(doc: _Doc, pointer: str) -> str:
    """Where a finding's message says it happened: nothing for the root document (the
    finding's own pointer says it), the file and its pointer for a referenced file."""
    return "" if doc.is_root else f"{_where(doc, pointer)}: "


def _kind(value: object) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"the {type(value).__name__} {value!r}"[:80]


def _own_copy(value: JSON) -> JSON:
    """A tree of new dicts and lists (a caller's dict subclass becomes a dict); leaves shared."""
    kind = type(value)
    if kind is dict:
        return {k: _own_copy(v) for k, v in value.items()}  # type: ignore[union-attr]
    if kind is list:
        return [_own_copy(v) for v in value]  # type: ignore[union-attr]
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if isinstance(value, dict):
        return {k: _own_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_own_copy(v) for v in value]
    return value


def _copy(value: JSON) -> JSON:
    """A private copy of parsed data: the cache keeps the original for the next reference."""
    if type(value) is dict:
        return {k: _copy(v) for k, v in value.items()}
    if type(value) is list:
        return [_copy(v) for v in value]
    return value


def _read(path: Path, name: str, where: str) -> bytes:
    try:
        if path.is_dir():
            raise DocumentError(f"{where}: {name} is a folder, not a file")
        size = path.stat().st_size
        if size > MAX_DOCUMENT_BYTES:
            raise DocumentError(
                f"{where}: {name} is {size:,} bytes, over the {MAX_DOCUMENT_BYTES:,}-byte limit"
            )
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise DocumentError(f"{where}: the file {name} does not exist (looked for {path})") from exc
    except PermissionError as exc:
        raise DocumentError(f"{where}: permission denied reading {name}") from exc
    except OSError as exc:
        raise DocumentError(f"{where}: cannot read {name} ({exc.strerror})") from exc


def _fetch(url: str, where: str) -> bytes:
    import httpx

    try:
        with httpx.stream("GET", url, timeout=_REMOTE_TIMEOUT, follow_redirects=True) as response:
            if response.status_code != 200:
                raise SourceError(f"{where}: GET {url} answered HTTP {response.status_code}")
            chunks = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > MAX_DOCUMENT_BYTES:
                    raise DocumentError(
                        f"{where}: {url} is over the {MAX_DOCUMENT_BYTES:,}-byte limit"
                    )
                chunks.append(chunk)
            return b"".join(chunks)
    except httpx.HTTPError as exc:
        raise SourceError(f"{where}: cannot fetch {url} ({exc})") from exc
