"""convert(): 3.1 → 3.0.3 through the public API and the `convert` command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from openapi_spec_validator import validate as oracle_validate

from openapi_meta.cli import main
from openapi_meta.convert import convert
from openapi_meta.document.walk import copy_tree
from openapi_meta.errors import DocumentError

KEYWORD_NAMES = ("const", "nullable", "exclusiveMinimum", "contentMediaType", "propertyNames",
                 "type", "$ref", "examples", "$defs", "anyOf")  # fmt: skip


def _fastapi_like() -> dict:
    """What FastAPI 0.115 emits for a model with Optional fields and an UploadFile."""
    properties = {name: {"type": "string", "title": name} for name in KEYWORD_NAMES}
    properties["maybe"] = {"anyOf": [{"$ref": "#/components/schemas/Pet"}, {"type": "null"}]}
    return {
        "openapi": "3.1.0",
        "info": {"title": "Demo", "version": "0.1.0"},
        "paths": {
            "/pets": {
                "post": {
                    "requestBody": {
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Tricky"}}
                        }
                    },
                    "responses": {"200": {"description": "OK"}},
                }
            }
        },
        "components": {
            "schemas": {
                "Pet": {"type": "object", "properties": {"name": {"type": "string"}}},
                "Tricky": {
                    "type": "object",
                    "required": list(KEYWORD_NAMES),
                    "properties": properties,
                },
            }
        },
    }


def test_keyword_named_properties_survive() -> None:
    result = convert(_fastapi_like())
    tricky = result.document["components"]["schemas"]["Tricky"]
    for name in KEYWORD_NAMES:
        assert tricky["properties"][name] == {"type": "string", "title": name}
    assert tricky["required"] == list(KEYWORD_NAMES)
    assert tricky["properties"]["maybe"] == {
        "allOf": [{"$ref": "#/components/schemas/Pet"}],
        "nullable": True,
    }
    oracle_validate(result.document)


def test_input_is_never_mutated() -> None:
    document = _fastapi_like()
    before = copy_tree(document)
    result = convert(document)
    assert document == before
    assert result.document is not document
    assert result.document["openapi"] == "3.0.3"


def test_findings_name_input_pointers_and_are_deterministic() -> None:
    first = convert(_fastapi_like()).findings
    assert first == convert(_fastapi_like()).findings
    pointers = {f.pointer for f in first}
    assert "/components/schemas/Tricky/properties/maybe/anyOf" in pointers
    assert "/components/schemas/Tricky/properties/maybe/anyOf/1/type" in pointers


@pytest.mark.parametrize("version", ["3.3.0", "4.0.0", "1.2"])
def test_unsupported_versions_fail_clearly(version: str) -> None:
    with pytest.raises(DocumentError, match=r"not supported|unsupported"):
        convert({"openapi": version, "info": {"title": "t", "version": "1"}, "paths": {}})


def test_convert_command_writes_yaml_and_reports(tmp_path: Path) -> None:
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(_fastapi_like()))
    target = tmp_path / "out.yaml"
    report = tmp_path / "report.json"
    code = main(["convert", str(source), "-o", str(target), "--report", str(report)])
    assert code == 0
    written = yaml.safe_load(target.read_text())
    assert written["openapi"] == "3.0.3"
    oracle_validate(written)
    codes = {f["code"] for f in json.loads(report.read_text())["findings"]}
    assert {"nullable-member", "version-set"} <= codes


def test_convert_command_strict_fails_on_warnings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    document = _fastapi_like()
    document["components"]["schemas"]["Pet"]["patternProperties"] = {"^x": {"type": "string"}}
    source = tmp_path / "openapi.yaml"
    source.write_text(yaml.safe_dump(document))
    target = tmp_path / "out.json"
    assert main(["convert", str(source), "-o", str(target), "--strict"]) == 1
    assert not target.exists()
    assert "warning: pattern-properties at /components/schemas/Pet" in capsys.readouterr().err


def test_convert_command_refuses_an_unknown_3x_with_exit_1(tmp_path: Path) -> None:
    source = tmp_path / "openapi.yaml"
    source.write_text("openapi: 3.3.0\ninfo: {title: t, version: '1'}\npaths: {}\n")
    assert main(["convert", str(source), "-o", str(tmp_path / "out.json")]) == 1
    assert not (tmp_path / "out.json").exists()


def test_convert_command_needs_a_known_suffix(tmp_path: Path) -> None:
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(_fastapi_like()))
    assert main(["convert", str(source), "-o", str(tmp_path / "out.txt")]) == 2
