"""Bundling external `$ref`s: fixtures written for each rule, the real multi-file corpus, and
the bad input that must be refused with a message naming the referring file and the ref."""

from __future__ import annotations

import functools
import http.server
import json
import threading
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from openapi_spec_validator import (
    OpenAPIV2SpecValidator,
    OpenAPIV30SpecValidator,
    OpenAPIV31SpecValidator,
)
from referencing import Registry, Resource

from openapi_meta.convert import ConversionContext, convert
from openapi_meta.document import refs
from openapi_meta.document.load import load_document, parse_text
from openapi_meta.document.pointer import parse_fragment
from openapi_meta.document.refs import bundle
from openapi_meta.errors import DocumentError
from openapi_meta.findings import Finding, Level
from openapi_meta.jsontypes import JSONObject
from openapi_meta.sources.file import FileSource
from tests.conftest import CORPUS, PROJECT_ROOT

FIXTURES = PROJECT_ROOT / "tests" / "fixtures" / "refs"


def bundle_file(path: Path, **options: object) -> tuple[JSONObject, list[Finding]]:
    raw = FileSource(path).fetch()
    context = ConversionContext()
    result = bundle(
        load_document(raw), base_dir=raw.base_dir, context=context, name=raw.name, **options
    )
    return result, context.findings


def bundle_text(tmp_path: Path, files: dict[str, str], **options: object) -> JSONObject:
    """Write `files` (the root is "openapi.yaml") under tmp_path and bundle the root."""
    for name, text in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return bundle_file(tmp_path / "openapi.yaml", **options)[0]


def spec_errors(document: JSONObject, base_uri: str = "") -> list[str]:
    """openapi-spec-validator's errors for the document's own declared version."""
    if "swagger" in document:
        validator = OpenAPIV2SpecValidator
    elif str(document["openapi"]).startswith("3.1."):
        validator = OpenAPIV31SpecValidator
    else:
        validator = OpenAPIV30SpecValidator
    return [e.message for e in validator(document, base_uri=base_uri).iter_errors()]


def assert_valid(document: JSONObject) -> None:
    assert spec_errors(document) == []


def all_refs(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from all_refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from all_refs(value)


def codes(findings: list[Finding]) -> Counter[str]:
    return Counter(f.code for f in findings)


# --- an independent oracle: full dereferencing with the `referencing` library ------------


def _retrieve(uri: str) -> Resource:
    path = Path(unquote(urlsplit(uri).path))
    text = path.read_text()
    if path.suffix in (".yaml", ".yml", ".json"):
        return Resource.opaque(parse_text(text, path.name))
    return Resource.opaque(text)


class Cyclic(Exception):
    """The document's references form a cycle: full dereferencing has no end."""


def dereference(node: object, resolver: object, stack: tuple[int, ...] = ()) -> object:
    """Every `$ref` replaced by its target (siblings override); `Cyclic` for a cycle."""
    if isinstance(node, list):
        return [dereference(item, resolver, stack) for item in node]
    if not isinstance(node, dict):
        return node
    if isinstance(node.get("$ref"), str):
        resolved = resolver.lookup(node["$ref"])  # type: ignore[attr-defined]
        if id(resolved.contents) in stack:
            raise Cyclic(node["$ref"])
        target = dereference(resolved.contents, resolved.resolver, (*stack, id(resolved.contents)))
        siblings = {k: dereference(v, resolver, stack) for k, v in node.items() if k != "$ref"}
        return {**target, **siblings} if isinstance(target, dict) else target
    return {key: dereference(value, resolver, stack) for key, value in node.items()}


def dereference_file(path: Path) -> object:
    # The project's loader (dates as ISO strings) so only dereferencing is compared.
    data = parse_text(path.read_text(), path.name)
    uri = path.resolve().as_uri()
    registry = Registry(retrieve=_retrieve).with_resource(uri, Resource.opaque(data))  # type: ignore[call-arg]
    return dereference(data, registry.resolver(uri))


def dereference_document(document: JSONObject) -> object:
    uri = "urn:bundled"
    registry = Registry().with_resource(uri, Resource.opaque(document))
    return dereference(document, registry.resolver(uri))


# --- the real multi-file corpus ----------------------------------------------------------


def _multifile_roots() -> list[Path]:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        return []
    rows = (line.split("\t") for line in manifest.read_text().splitlines())
    return [CORPUS / row[0] for row in rows if row and row[0].startswith("multifile/")]


MULTIFILE = _multifile_roots()


@pytest.mark.corpus
@pytest.mark.skipif(not MULTIFILE, reason=f"the shared corpus is not at {CORPUS}")
@pytest.mark.parametrize("root", MULTIFILE, ids=lambda p: p.relative_to(CORPUS).parts[1])
def test_corpus_multifile_bundles_to_an_equivalent_single_document(root: Path) -> None:
    # Each corpus entry keeps its own folder layout; OAI's petstore-separate has `spec/` refer
    # to `../common/`, so the fence is the entry's folder, given explicitly as ref_root.
    entry_folder = CORPUS / "multifile" / root.relative_to(CORPUS).parts[1]
    result, _ = bundle_file(root, ref_root=entry_folder)
    assert all(ref.startswith("#") for ref in all_refs(result))
    # Some corpus documents are invalid for their own version before any bundling (an
    # integer info.version, 3.x keywords in 2.0): bundling must not add problems.
    before = spec_errors(parse_text(root.read_text(), root.name), base_uri=root.resolve().as_uri())
    after = spec_errors(result)
    assert len(after) <= len(before)
    if not before:
        assert after == []
    try:
        original = dereference_file(root)
    except Cyclic:
        return  # recursive schemas: this oracle has no end to compare; validity is checked
    bundled = dereference_document(result)
    assert as_original(bundled, original) == original


def as_original(bundled: object, original: object) -> object:
    """`bundled` without the entries bundling added to the reusable sections."""
    assert isinstance(bundled, dict) and isinstance(original, dict)
    view = {key: bundled[key] for key in original}
    for section in ("definitions", "parameters", "responses"):
        if "swagger" in original and section in original:
            view[section] = {name: bundled[section][name] for name in original[section]}
    if "components" in original:
        view["components"] = {
            kind: {name: bundled["components"][kind][name] for name in entries}
            if isinstance(entries, dict)
            else entries  # `parameters: null`: bundling may fill it; nothing to compare
            for kind, entries in original["components"].items()
        }
    return view


@pytest.mark.corpus
@pytest.mark.skipif(not MULTIFILE, reason=f"the shared corpus is not at {CORPUS}")
def test_corpus_ref_to_a_sibling_folder_is_refused_without_ref_root() -> None:
    (root,) = [p for p in MULTIFILE if "petstore-separate" in str(p)]
    with pytest.raises(DocumentError, match=r"'\.\./common/Error\.yaml'.*outside"):
        bundle_file(root)


# hey-api's "full" fixtures refer to an external-shared.json that sits in another folder of
# their repository; the corpus holds the documents alone, so the reference is dangling.
MISSING_EXTERNAL = [
    CORPUS / "oas3.0" / "hey-api__openapi-ts__specs_3.0.x_full.yaml",
    CORPUS / "oas3.1" / "hey-api__openapi-ts__specs_3.1.x_full.yaml",
    CORPUS / "swagger2.0" / "hey-api__openapi-ts__specs_2.0.x_full.yaml",
]


@pytest.mark.corpus
@pytest.mark.parametrize("root", MISSING_EXTERNAL, ids=lambda p: p.parent.name)
def test_corpus_ref_to_a_missing_file_names_the_referring_file_and_the_ref(root: Path) -> None:
    if not root.is_file():
        pytest.skip(f"corpus document {root} is absent")
    with pytest.raises(DocumentError) as caught:
        bundle_file(root)
    message = str(caught.value)
    assert message.startswith(f"{root.as_posix()}: at /")
    assert "$ref './external-shared.json#/" in message
    assert "the file external-shared.json does not exist" in message


# --- fixtures written for the rules ------------------------------------------------------


@pytest.fixture(scope="module")
def split30() -> tuple[JSONObject, list[Finding]]:
    return bundle_file(FIXTURES / "split30" / "openapi.yaml")


def test_split_spec_is_one_valid_document_with_local_refs_only(split30) -> None:
    result, _ = split30
    assert all(ref.startswith("#/components/") for ref in all_refs(result) if "example" not in ref)
    assert_valid(result)


def test_targets_go_to_the_section_of_their_position(split30) -> None:
    result, _ = split30
    components = result["components"]
    get_pets = result["paths"]["/pets"]["get"]
    assert get_pets["parameters"] == [{"$ref": "#/components/parameters/limit"}]
    assert components["parameters"]["limit"]["in"] == "query"
    response_200 = get_pets["responses"]["200"]
    assert response_200["headers"]["X-Rate-Limit"] == {"$ref": "#/components/headers/RateLimit"}
    assert get_pets["responses"]["default"] == {"$ref": "#/components/responses/Problem"}
    post = result["paths"]["/pets"]["post"]
    assert post["requestBody"] == {"$ref": "#/components/requestBodies/NewPet"}
    assert set(components["schemas"]) >= {"Pet", "Tag", "Owner", "Error", "Error_2", "Pet_2"}


def test_path_item_reference_is_inlined_in_place(split30) -> None:
    result, _ = split30
    assert set(result["paths"]["/pets"]) == {"get", "post"}
    assert "pathItems" not in result["components"]


def test_same_target_is_inlined_once_whatever_the_spelling(split30) -> None:
    result, _ = split30
    # `./schemas/Pet.yaml` from the root, `../schemas/Pet.yaml` from paths/ and bodies.yaml's
    # `./schemas/Pet.yaml` are one file: one component, every ref pointing at it.
    pets = [ref for ref in all_refs(result) if ref == "#/components/schemas/Pet"]
    assert len(pets) == 4
    assert [name for name in result["components"]["schemas"] if name.startswith("Pet")] == [
        "Pet",
        "Pet_2",
    ]


def test_refs_inside_a_file_resolve_relative_to_that_file(split30) -> None:
    result, _ = split30
    pet = result["components"]["schemas"]["Pet"]
    assert pet["properties"]["tag"] == {"$ref": "#/components/schemas/Tag"}
    # Pet.yaml's local `#/definitions/Owner` points into Pet.yaml, not into the root.
    assert pet["properties"]["owner"] == {"$ref": "#/components/schemas/Owner"}
    assert "definitions" not in pet
    not_found = result["components"]["responses"]["NotFound"]
    assert not_found["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/Error_2"
    }


def test_name_clash_gets_a_numbered_name_and_a_finding(split30) -> None:
    result, findings = split30
    schemas = result["components"]["schemas"]
    assert schemas["Error"]["description"].startswith("the root's own Error")
    assert schemas["Error_2"]["description"] == "the shared Error of schemas/Error.yaml"
    assert schemas["Pet_2"]["properties"] == {"nickname": {"type": "string"}}
    clashes = sorted(f.message for f in findings if f.code == "ref-name-clash")
    assert len(clashes) == 2
    assert "other/Pet.yaml" in clashes[0] and "Pet_2" in clashes[0]
    assert "schemas/Error.yaml" in clashes[1] and "Error_2" in clashes[1]


def test_a_root_entry_that_is_only_a_ref_keeps_its_name(split30) -> None:
    result, findings = split30
    assert result["components"]["schemas"]["Tag"] == {
        "type": "object",
        "properties": {"label": {"type": "string"}},
    }
    assert "Tag_2" not in result["components"]["schemas"]
    assert not any("Tag" in f.message for f in findings if f.code == "ref-name-clash")


def test_keyword_named_property_survives(split30) -> None:
    result, _ = split30
    nullable = result["components"]["schemas"]["Pet"]["properties"]["nullable"]
    assert nullable == {
        "description": "a property named like a keyword stays a property",
        "type": "boolean",
    }


def test_pointer_escapes_and_percent_encoded_file_names(split30) -> None:
    result, _ = split30
    schemas = result["components"]["schemas"]
    props = result["paths"]["/odd"]["get"]["responses"]["200"]["content"]["application/json"]
    props = props["schema"]["properties"]
    assert schemas[props["slash"]["$ref"].rsplit("/", 1)[1]]["description"] == "key with a slash"
    assert schemas[props["tilde"]["$ref"].rsplit("/", 1)[1]]["description"] == "key with a tilde"
    assert schemas[props["spaced"]["$ref"].rsplit("/", 1)[1]] == {"type": "number"}
    assert schemas[props["braces"]["$ref"].rsplit("/", 1)[1]] == {"type": "boolean"}


def test_code_sample_file_is_inlined_as_text_with_a_finding(split30) -> None:
    result, findings = split30
    sample = result["paths"]["/pets"]["get"]["x-codeSamples"][0]
    assert sample["source"] == (FIXTURES / "split30" / "samples" / "list.py").read_text()
    (finding,) = [f for f in findings if f.code == "ref-text-inlined"]
    assert "../samples/list.py" in finding.message and "paths/pets.yaml" in finding.message
    assert finding.pointer == "/paths/~1pets"


def test_example_file_is_inlined_as_data_and_its_ref_named_keys_stay_data(split30) -> None:
    result, _ = split30
    media = result["paths"]["/pets/{id}"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media["example"] == {"id": 1, "name": "Rex", "$ref": "not a reference: example data"}


def test_circular_references_across_files_stay_local_refs() -> None:
    result, _ = bundle_file(FIXTURES / "cycle" / "openapi.yaml")
    schemas = result["components"]["schemas"]
    assert list(schemas) == ["Tree", "Node"]
    assert schemas["Tree"]["properties"]["root"] == {"$ref": "#/components/schemas/Node"}
    node_properties = schemas["Node"]["properties"]
    assert node_properties["children"]["items"] == {"$ref": "#/components/schemas/Node"}
    assert node_properties["tree"] == {"$ref": "#/components/schemas/Tree"}
    assert node_properties["self"] == {"$ref": "#/components/schemas/Node"}
    assert_valid(result)


def test_swagger2_targets_go_to_definitions_parameters_responses() -> None:
    result, findings = bundle_file(FIXTURES / "swagger2" / "swagger.yaml")
    get = result["paths"]["/pets"]["get"]
    assert get["parameters"] == [{"$ref": "#/parameters/limit"}]
    assert get["responses"]["default"] == {"$ref": "#/responses/Error"}
    # 2.0 has no reusable headers: the header is inlined where it is used.
    assert get["responses"]["200"]["headers"]["X-Total"] == {
        "type": "integer",
        "description": "how many there are",
    }
    assert get["responses"]["200"]["schema"]["items"] == {"$ref": "#/definitions/Pet"}
    assert result["definitions"]["Pet"]["properties"]["friends"]["items"] == {
        "$ref": "#/definitions/Pet"
    }
    assert result["responses"]["Error"]["schema"] == {"$ref": "#/definitions/Error"}
    assert findings == []
    assert_valid(result)


def test_a_reference_back_into_the_root_file_becomes_a_local_ref() -> None:
    result, _ = bundle_file(FIXTURES / "backref" / "openapi.yaml")
    schemas = result["components"]["schemas"]
    assert schemas["Pet"]["properties"]["id"] == {"$ref": "#/components/schemas/Id"}
    assert list(schemas) == ["Id", "Pet"]


@pytest.mark.parametrize("owned", [False, True])
def test_a_root_that_names_its_own_file_refers_to_itself(tmp_path: Path, owned: bool) -> None:
    # pi-hole's clients.yaml writes `clients.yaml#/components/schemas/client` inside itself;
    # an earlier reference to another file is bundled first (and, when owned, edited in place).
    (tmp_path / "Other.yaml").write_text("type: integer\n")
    (tmp_path / "self.yaml").write_text(
        "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n"
        "    First: {$ref: 'Other.yaml'}\n"
        "    Pair: {properties: {a: {$ref: 'self.yaml#/components/schemas/Item'}}}\n"
        "    Item: {type: string}\n"
    )
    raw = FileSource(tmp_path / "self.yaml").fetch()
    result = convert(load_document(raw), base_dir=raw.base_dir, name=raw.name, owned=owned)
    schemas = result.document["components"]["schemas"]
    assert schemas["Pair"]["properties"]["a"] == {"$ref": "#/components/schemas/Item"}
    assert sorted(schemas) == ["First", "Item", "Pair"]
    assert not [f for f in result.findings if f.code == "ref-unresolved"]


def test_input_is_not_mutated_and_output_is_deterministic() -> None:
    raw = FileSource(FIXTURES / "split30" / "openapi.yaml").fetch()
    document = load_document(raw)
    before = json.dumps(document)
    outputs = [
        json.dumps(bundle(document, base_dir=raw.base_dir, context=ConversionContext()))
        for _ in range(2)
    ]
    assert json.dumps(document) == before
    assert outputs[0] == outputs[1]


def test_each_file_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    parsed: Counter[str] = Counter()
    real_parse = refs.parse_text

    def counting_parse(text: str, name: str, **kwargs: object) -> object:
        parsed[name] += 1
        return real_parse(text, name, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(refs, "parse_text", counting_parse)
    bundle_file(FIXTURES / "split30" / "openapi.yaml")
    assert parsed["schemas/Pet.yaml"] == 1
    assert max(parsed.values()) == 1


def test_document_without_external_refs_comes_back_as_an_equal_copy() -> None:
    document = {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {},
        "components": {"schemas": {"A": {"$ref": "#/components/schemas/B"}, "B": {}}},
    }
    result = bundle(document, base_dir=None, context=ConversionContext())
    assert result == document
    assert result is not document and result["components"] is not document["components"]


@given(st.lists(st.text(max_size=8), max_size=5))
def test_written_pointers_read_back_as_the_same_tokens(tokens: list[str]) -> None:
    # Keys with `/`, `~`, `%`, spaces and `{}` survive the trip through a `$ref` fragment.
    assert parse_fragment(refs._fragment(tokens)) == tokens


def test_anchor_reference_in_the_root_is_left_for_the_converter() -> None:
    document = {
        "openapi": "3.1.0",
        "info": {"title": "t", "version": "1"},
        "components": {
            "schemas": {"A": {"$anchor": "a", "type": "string"}, "B": {"$ref": "#a"}},
        },
    }
    result = bundle(document, base_dir=None, context=ConversionContext())
    assert result == document


# --- bad input ---------------------------------------------------------------------------

ROOT_30 = """\
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: '%s'
"""


def test_missing_file_names_referring_file_and_ref(tmp_path: Path) -> None:
    files = {
        "openapi.yaml": ROOT_30 % "schemas/A.yaml",
        "schemas/A.yaml": "properties:\n  b:\n    $ref: ./B.yaml\n",
    }
    with pytest.raises(DocumentError) as caught:
        bundle_text(tmp_path, files)
    message = str(caught.value)
    assert message.startswith("schemas/A.yaml: at /properties/b:")
    assert "'./B.yaml'" in message and "schemas/B.yaml does not exist" in message


def test_a_bare_name_is_a_file_when_there_is_one_and_a_definition_otherwise(
    tmp_path: Path,
) -> None:
    root = ROOT_30 % "Pet" + "components:\n  schemas:\n    Pet: {type: string}\n"
    bundled = bundle_text(tmp_path, {"openapi.yaml": root})
    schema = bundled["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
    assert schema["schema"] == {"$ref": "#/components/schemas/Pet"}
    (tmp_path / "Pet").write_text("type: integer\n")  # a file of that name: it is the target
    bundled = bundle_text(tmp_path, {"openapi.yaml": root})
    target = bundled["components"]["schemas"]
    assert {"type": "integer"} in target.values() and len(target) == 2
    with pytest.raises(DocumentError, match="the file Dog does not exist"):
        bundle_text(tmp_path, {"openapi.yaml": ROOT_30 % "Dog"})  # nothing of that name


def test_a_file_ref_written_from_the_root_folder_is_read_so_when_only_that_names_a_file(
    tmp_path: Path,
) -> None:
    files = {
        "openapi.yaml": ROOT_30 % "schemas/A.yaml",
        "schemas/A.yaml": "properties:\n  b:\n    $ref: schemas/B.yaml\n",  # from the root
        "schemas/B.yaml": "type: integer\n",
    }
    assert bundle_text(tmp_path, files)["components"]["schemas"]["B"] == {"type": "integer"}
    findings = bundle_file(tmp_path / "openapi.yaml")[1]
    [finding] = [f for f in findings if f.code == "ref-root-relative"]
    assert finding.pointer == "/paths/~1a/get/responses/200/content/application~1json/schema"
    assert "schemas/A.yaml: at /properties/b: $ref 'schemas/B.yaml'" in finding.message
    (tmp_path / "schemas" / "schemas").mkdir()
    (tmp_path / "schemas" / "schemas" / "B.yaml").write_text("type: string\n")
    document, findings = bundle_file(tmp_path / "openapi.yaml")  # beside it wins
    assert document["components"]["schemas"]["B"] == {"type": "string"}
    assert not [f for f in findings if f.code == "ref-root-relative"]


def test_missing_pointer_in_an_existing_file(tmp_path: Path) -> None:
    files = {"openapi.yaml": ROOT_30 % "defs.yaml#/Pet/properties/nope", "defs.yaml": "Pet: {}\n"}
    with pytest.raises(DocumentError) as caught:
        bundle_text(tmp_path, files)
    message = str(caught.value)
    assert "openapi.yaml: at /paths/~1a/get/responses/200/content/application~1json/schema" in (
        message
    )
    assert "defs.yaml has no #/Pet/properties/nope" in message
    assert "no key 'properties'" in message


def test_unresolvable_local_ref_is_left_for_conform_to_repair(tmp_path: Path) -> None:
    """Bundling only inlines files; a root `#/...` that names nothing is the document's own
    mistake, which conversion repairs (the schema accepts any value) with a warning."""
    bundled = bundle_text(tmp_path, {"openapi.yaml": ROOT_30 % "#/components/schemas/Nope"})
    media = bundled["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]
    assert media == {"schema": {"$ref": "#/components/schemas/Nope"}}
    result = convert(bundled, base_dir=tmp_path)
    media = result.document["paths"]["/a"]["get"]["responses"]["200"]["content"]
    assert media["application/json"]["schema"] == {}
    (finding,) = [f for f in result.findings if f.code == "ref-unresolved"]
    assert finding.level is Level.WARNING
    assert "'#/components/schemas/Nope' does not resolve" in finding.message


def test_unresolvable_local_ref_inside_a_referenced_file(tmp_path: Path) -> None:
    files = {"openapi.yaml": ROOT_30 % "a.yaml", "a.yaml": "items:\n  $ref: '#/nowhere'\n"}
    with pytest.raises(DocumentError, match=r"a\.yaml: at /items: .*a\.yaml has no #/nowhere"):
        bundle_text(tmp_path, files)


@pytest.mark.parametrize(
    "ref", ["../../etc/passwd", "../outside.yaml", "/etc/passwd", "sub/../../outside.yaml"]
)
def test_ref_escaping_the_root_folder_is_refused(tmp_path: Path, ref: str) -> None:
    (tmp_path / "outside.yaml").write_text("type: string\n")
    with pytest.raises(DocumentError, match="outside") as caught:
        bundle_text(tmp_path / "spec", {"openapi.yaml": ROOT_30 % ref})
    assert f"$ref {ref!r}" in str(caught.value)


def test_symlink_out_of_the_root_folder_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.yaml").write_text("type: string\n")
    (tmp_path / "spec").mkdir()
    (tmp_path / "spec" / "link.yaml").symlink_to(tmp_path / "secret.yaml")
    with pytest.raises(DocumentError, match="outside"):
        bundle_text(tmp_path / "spec", {"openapi.yaml": ROOT_30 % "link.yaml"})


@pytest.mark.parametrize("ref", ["http://example.com/a.yaml", "https://example.com/a.yaml#/A"])
def test_remote_ref_is_refused_unless_allowed(tmp_path: Path, ref: str) -> None:
    with pytest.raises(DocumentError, match=r"remote URL.*allow_remote"):
        bundle_text(tmp_path, {"openapi.yaml": ROOT_30 % ref})


def test_other_uri_schemes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="file: scheme"):
        bundle_text(tmp_path, {"openapi.yaml": ROOT_30 % "file:///etc/passwd"})


def test_relative_ref_without_a_base_folder_says_why(tmp_path: Path) -> None:
    document = yaml.safe_load(ROOT_30 % "schemas/A.yaml")
    with pytest.raises(DocumentError, match="not read from a folder"):
        bundle(document, base_dir=None, context=ConversionContext(), name="http://x/openapi.json")


def test_circular_path_item_refs_are_refused(tmp_path: Path) -> None:
    files = {
        "openapi.yaml": "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n"
        "paths:\n  /a:\n    $ref: a.yaml\n",
        "a.yaml": "$ref: b.yaml\n",
        "b.yaml": "$ref: a.yaml\n",
    }
    with pytest.raises(DocumentError, match="circular through a Path Item"):
        bundle_text(tmp_path, files)


def test_text_file_in_a_schema_position_is_refused(tmp_path: Path) -> None:
    files = {"openapi.yaml": ROOT_30 % "notes.md", "notes.md": "# Notes\n\nJust prose.\n"}
    with pytest.raises(DocumentError, match=r"'notes\.md' points to the str .*not a Schema"):
        bundle_text(tmp_path, files)


def test_invalid_yaml_in_a_referenced_file_names_it(tmp_path: Path) -> None:
    files = {"openapi.yaml": ROOT_30 % "bad.yaml", "bad.yaml": "a: [1, 2\n"}
    with pytest.raises(DocumentError, match=r"^bad\.yaml: line \d+"):
        bundle_text(tmp_path, files)


# --- remote references, when allowed: a real HTTP server on 127.0.0.1 ---------------------


@pytest.fixture
def served_folder(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield tmp_path, f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def test_remote_refs_are_fetched_when_allowed(served_folder: tuple[Path, str]) -> None:
    folder, base_url = served_folder
    (folder / "schemas").mkdir()
    (folder / "schemas" / "Pet.yaml").write_text("properties:\n  tag:\n    $ref: ./Tag.yaml\n")
    (folder / "schemas" / "Tag.yaml").write_text("type: string\n")
    document = yaml.safe_load(ROOT_30 % f"{base_url}/schemas/Pet.yaml")
    result = bundle(document, base_dir=None, context=ConversionContext(), allow_remote=True)
    schemas = result["components"]["schemas"]
    assert schemas == {
        "Pet": {"properties": {"tag": {"$ref": "#/components/schemas/Tag"}}},
        "Tag": {"type": "string"},
    }


def test_remote_ref_to_a_missing_document_is_an_error(served_folder: tuple[Path, str]) -> None:
    _, base_url = served_folder
    document = yaml.safe_load(ROOT_30 % f"{base_url}/nope.yaml")
    with pytest.raises(Exception, match="HTTP 404"):
        bundle(document, base_dir=None, context=ConversionContext(), allow_remote=True)
