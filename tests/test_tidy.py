"""Tidy: servers on the extraction host, path filters with component pruning, fal's order lists."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from openapi_meta.convert.tidy import TidyOptions, is_extraction_host, tidy
from openapi_meta.validate import validate
from tests.conftest import run_cli

OK = {"200": {"description": "ok"}}


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def json_body(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def make_spec() -> dict:
    """/generate uses Prompt (→ Size); /health uses Health (→ Status → Code); Spare is unused."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "servers": [
            {"url": "http://127.0.0.1:8000"},
            {"url": "https://api.example.com/v1"},
            {"url": "http://0.0.0.0:8000/"},
        ],
        "security": [{"key": []}],
        "paths": {
            "/generate": {
                "post": {
                    "operationId": "generate",
                    "requestBody": json_body(ref("Prompt")),
                    "responses": {"200": {"description": "ok", **json_body(ref("Prompt"))}},
                }
            },
            "/health": {
                "servers": [{"url": "http://localhost:8000"}],
                "get": {
                    "operationId": "health",
                    "servers": [{"url": "http://[::1]:9000"}, {"url": "/internal"}],
                    "responses": {"200": {"description": "ok", **json_body(ref("Health"))}},
                },
            },
            "/metrics": {"get": {"operationId": "metrics", "responses": OK}},
        },
        "components": {
            "schemas": {
                "Prompt": {
                    "type": "object",
                    "properties": {"text": {"type": "string"}, "size": ref("Size")},
                },
                "Size": {"type": "integer"},
                "Health": {
                    "allOf": [
                        {"type": "object", "properties": {"up": {"type": "boolean"}}},
                        {"properties": {"status": ref("Status"), "a": {"type": "string"}}},
                    ]
                },
                "Status": {
                    "type": "object",
                    "properties": {"code": ref("Code"), "$ref": {"type": "string"}},
                },
                "Code": {"type": "integer"},
                "Spare": {"type": "string"},
            },
            "securitySchemes": {"key": {"type": "apiKey", "in": "header", "name": "X-Key"}},
        },
    }


@pytest.mark.parametrize(
    ("url", "ports", "local"),
    [
        ("http://127.0.0.1:8000", (), True),
        ("http://127.8.9.10", (), True),
        ("http://localhost", (), True),
        ("HTTP://LOCALHOST:80/api", (), True),
        ("http://app.localhost:3000", (), True),
        ("http://0.0.0.0:8000/", (), True),
        ("http://[::1]:8000", (), True),
        ("http://[::]:8000", (), True),
        ("localhost:8000", (), True),
        ("http://host.docker.internal:49153", (49153,), True),
        ("http://172.17.0.1:49153/v1", (49153,), True),
        ("http://172.17.0.1:8000/v1", (49153,), False),
        ("https://api.example.com", (), False),
        ("http://10.0.0.5:8000", (), False),
        ("/api", (), False),
        ("", (), False),
        ("http://[not-an-ip", (), False),
    ],
)
def test_extraction_host(url: str, ports: tuple[int, ...], local: bool) -> None:
    assert is_extraction_host(url, frozenset(ports)) is local


def test_local_servers_are_dropped_at_every_level() -> None:
    result = tidy(make_spec())
    spec = result.document
    assert spec["servers"] == [{"url": "https://api.example.com/v1"}]
    assert "servers" not in spec["paths"]["/health"]
    assert spec["paths"]["/health"]["get"]["servers"] == [{"url": "/internal"}]
    removed = [f.pointer for f in result.findings if f.code == "tidy-server-removed"]
    assert removed == [
        "/servers/0",
        "/servers/2",
        "/paths/~1health/servers/0",
        "/paths/~1health/get/servers/0",
    ]
    assert validate(spec) == []


def test_a_server_variable_is_read_with_its_default() -> None:
    spec = make_spec()
    spec["servers"] = [
        {"url": "{scheme}://{host}:8000", "variables": {"host": {"default": "localhost"}}}
    ]
    assert "servers" not in tidy(spec).document


def test_keep_servers_and_server_url() -> None:
    kept = tidy(make_spec(), TidyOptions(drop_local_servers=False)).document
    assert kept["servers"] == make_spec()["servers"]

    result = tidy(make_spec(), TidyOptions(server_url="https://fal.run/me/app"))
    spec = result.document
    assert spec["servers"] == [{"url": "https://fal.run/me/app"}]
    assert "servers" not in spec["paths"]["/health"]
    assert "servers" not in spec["paths"]["/health"]["get"]
    replaced = {f.pointer for f in result.findings if f.code == "tidy-servers-replaced"}
    assert replaced == {"/servers", "/paths/~1health/servers", "/paths/~1health/get/servers"}


def test_exclude_drops_the_paths_and_what_only_they_used() -> None:
    result = tidy(make_spec(), TidyOptions(exclude_paths=("/health", "/metrics")))
    spec = result.document
    assert list(spec["paths"]) == ["/generate"]
    # Health → Status → Code went with /health; Spare was never used and stays.
    assert list(spec["components"]["schemas"]) == ["Prompt", "Size", "Spare"]
    assert "securitySchemes" in spec["components"]
    codes = sorted((f.code, f.pointer) for f in result.findings if f.code.startswith("tidy-"))
    assert ("tidy-path-removed", "/paths/~1health") in codes
    assert ("tidy-path-removed", "/paths/~1metrics") in codes
    assert [p for c, p in codes if c == "tidy-component-removed"] == [
        "/components/schemas/Code",
        "/components/schemas/Health",
        "/components/schemas/Status",
    ]
    assert spec["x-fal-order-paths"] == ["/generate"]
    assert validate(spec) == []


def test_include_keeps_only_matching_paths() -> None:
    spec = tidy(make_spec(), TidyOptions(include_paths=("/gen*",))).document
    assert list(spec["paths"]) == ["/generate"]


def test_glob_star_crosses_slashes_and_unused_patterns_warn() -> None:
    spec = make_spec()
    spec["paths"]["/internal/a/b"] = {"get": {"operationId": "x", "responses": OK}}
    result = tidy(spec, TidyOptions(exclude_paths=("/internal/*", "/nothing-here")))
    assert "/internal/a/b" not in result.document["paths"]
    unused = [f for f in result.findings if f.code == "tidy-pattern-unused"]
    assert len(unused) == 1 and "/nothing-here" in unused[0].message
    assert unused[0].level.value == "warning"


def test_keep_unreferenced_components() -> None:
    options = TidyOptions(exclude_paths=("/health",), prune_components=False)
    spec = tidy(make_spec(), options).document
    assert "Health" in spec["components"]["schemas"]


def test_a_schema_named_only_in_a_discriminator_mapping_is_kept() -> None:
    spec = make_spec()
    schemas = spec["components"]["schemas"]
    schemas["Prompt"]["discriminator"] = {
        "propertyName": "text",
        "mapping": {"code": "#/components/schemas/Code"},
    }
    schemas["Health"]["allOf"].append(ref("Code"))
    spec = tidy(spec, TidyOptions(exclude_paths=("/health",))).document
    assert "Code" in spec["components"]["schemas"]


def test_a_property_named_ref_is_not_a_reference() -> None:
    spec = make_spec()
    schemas = spec["components"]["schemas"]
    # A property *named* $ref (a map key under properties) points nowhere.
    schemas["Prompt"]["properties"]["$ref"] = {"type": "string"}
    spec = tidy(spec, TidyOptions(exclude_paths=("/health",))).document
    assert "Status" not in spec["components"]["schemas"]


def test_components_emptied_by_pruning_are_removed() -> None:
    spec = make_spec()
    del spec["components"]["securitySchemes"]
    del spec["security"]
    for name in ("Spare", "Prompt", "Size"):
        del spec["components"]["schemas"][name]
    spec["paths"] = {"/health": spec["paths"]["/health"]}
    spec = tidy(spec, TidyOptions(exclude_paths=("/health",))).document
    assert "components" not in spec and spec["paths"] == {}


def test_order_lists_are_what_fal_app_writes() -> None:
    fal_api = pytest.importorskip("fal.api.api")
    spec = make_spec()
    ours = tidy(spec, TidyOptions(drop_local_servers=False)).document
    theirs = fal_api.FalFastAPI._mark_order_openapi(None, copy.deepcopy(spec))
    assert ours == theirs
    assert ours["components"]["schemas"]["Health"]["allOf"][1]["x-fal-order-properties"] == [
        "status",
        "a",
    ]


def test_no_fal_order() -> None:
    spec = tidy(make_spec(), TidyOptions(fal_order=False)).document
    assert "x-fal-order-paths" not in json.dumps(spec)


def test_the_input_is_not_mutated() -> None:
    spec = make_spec()
    tidy(spec, TidyOptions(exclude_paths=("/health",), server_url="https://x"))
    assert spec == make_spec()


def test_the_cli_filters_paths_and_keeps_the_result_valid(tmp_path: Path) -> None:
    source = tmp_path / "openapi.json"
    source.write_text(json.dumps(make_spec()))
    out = tmp_path / "out.json"
    run = run_cli(
        "extract",
        "--file",
        source,
        "--exclude-path",
        "/health",
        "--exclude-path",
        "/metrics",
        "--server-url",
        "https://example.org",
        "-o",
        out,
        "-v",
    )
    assert run.code == 0, run.stderr
    spec = json.loads(out.read_text())
    assert list(spec["paths"]) == ["/generate"]
    assert spec["servers"] == [{"url": "https://example.org"}]
    assert "tidy-component-removed at /components/schemas/Health" in run.stderr


def test_tidy_settings_come_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "openapi.json").write_text(json.dumps(make_spec()))
    (tmp_path / "pyproject.toml").write_text(
        '[tool.openapi-meta]\nfile = "openapi.json"\nexclude-path = ["/health"]\n'
        'fal-order = false\noutput = "out.json"\n'
    )
    run = run_cli("extract", cwd=tmp_path)
    assert run.code == 0, run.stderr
    spec = json.loads((tmp_path / "out.json").read_text())
    assert "/health" not in spec["paths"] and "x-fal-order-paths" not in spec


def test_a_live_servers_random_port_counts_as_the_extraction_host() -> None:
    from openapi_meta.config import Settings
    from openapi_meta.pipeline import tidy_options
    from openapi_meta.sources import RawDocument

    raw = RawDocument(
        b"{}", origin="o", name="n", fetched_from="http://127.0.0.1:49213/openapi.json"
    )
    assert tidy_options(Settings(), raw).extraction_ports == frozenset({49213})
    assert tidy_options(Settings(), None).extraction_ports == frozenset()
