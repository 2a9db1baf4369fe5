"""The module made from each fixture app is what the real `fal` accepts, ordered as fal.App
orders its own specs (fal's `FalFastAPI._mark_order_openapi` is the oracle)."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from openapi_meta.sources.app import AppSource
from tests.conftest import PROJECT_ROOT, run_cli
from tests.fal_helpers import import_generated, struct_round_trip

fal = pytest.importorskip("fal", reason="the fal extra is not installed (pip install -e .[test])")
pytest.importorskip("isolate_proto")
from fal.api.api import FalFastAPI  # noqa: E402

APPS = PROJECT_ROOT / "tests" / "fixtures" / "apps"

FIXTURES = [
    ("fastapi_app:app", ()),
    ("fastapi_31_app:app", ()),
    ("fastapi_root_path:app", ()),
    ("factory_app:create_app", ("--factory",)),
    ("starlette_app:app", ()),
    ("litestar_app:app", ()),
    ("openapi_object:service", ()),
    ("dict_spec:SPEC", ()),
]


def order_marks(spec: dict) -> dict[str, list[str]]:
    """Every x-fal-order-* list, keyed by where it is: the root or a component schema."""
    marks = {"/": spec.get("x-fal-order-paths")}
    for name, schema in spec.get("components", {}).get("schemas", {}).items():
        if isinstance(schema, dict) and "x-fal-order-properties" in schema:
            marks[name] = schema["x-fal-order-properties"]
    return marks


@pytest.mark.parametrize(("target", "extra"), FIXTURES, ids=[t for t, _ in FIXTURES])
def test_fal_accepts_the_module_of_each_fixture_app(
    tmp_path: Path, target: str, extra: tuple[str, ...]
) -> None:
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--app", target, *extra, "--app-dir", APPS, "-o", out, cwd=tmp_path)
    assert run.code == 0, run.stderr
    metadata = import_generated(out).metadata

    @fal.function(
        kind="container",
        image=fal.ContainerImage.from_dockerfile_str("FROM python:3.11-slim\n"),
        exposed_port=8000,
        metadata=metadata,
    )
    def run_server() -> None: ...

    assert run_server.options.host["metadata"] == metadata
    assert run_server.options.gateway["exposed_port"] == 8000
    assert struct_round_trip(metadata) == metadata

    # The order lists are what fal.App would write for the spec as the app gives it.
    raw = json.loads(AppSource(target, app_dir=APPS, factory=bool(extra)).fetch().content)
    expected = order_marks(FalFastAPI._mark_order_openapi(None, copy.deepcopy(raw)))  # type: ignore[arg-type]
    assert order_marks(metadata["openapi"]) == expected
    assert expected["/"] == list(raw["paths"])


def test_order_lists_follow_the_model_not_the_alphabet(tmp_path: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    assert run_cli("extract", "--app", "fastapi_app:app", "--app-dir", APPS, "-o", out).code == 0
    spec = import_generated(out).metadata["openapi"]
    assert spec["components"]["schemas"]["Prompt"]["x-fal-order-properties"] == [
        "zeta",
        "alpha",
        "middle",
    ]
    assert spec["x-fal-order-paths"] == ["/generate", "/health", "/admin/reset"]
