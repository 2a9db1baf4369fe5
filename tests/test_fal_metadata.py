"""The generated metadata is what the real `fal` package accepts and `fal deploy` can send."""

from __future__ import annotations

from pathlib import Path

import pytest

from openapi_meta.document.load import load_document
from openapi_meta.emit import render_module
from openapi_meta.sources.file import FileSource
from tests.conftest import PROJECT_ROOT, corpus_files, run_cli
from tests.fal_helpers import import_generated, struct_round_trip

fal = pytest.importorskip("fal", reason="the fal extra is not installed (pip install -e .[test])")
pytest.importorskip("isolate_proto")


def test_fal_function_accepts_the_generated_module(tmp_path: Path) -> None:
    out = tmp_path / "fal_openapi.py"
    example = PROJECT_ROOT / "examples" / "quickstart" / "openapi.yaml"
    assert run_cli("extract", "--file", example, "-o", out).code == 0
    metadata = import_generated(out).metadata

    from fal.container import ContainerImage

    @fal.function(
        image=ContainerImage.from_dockerfile_str("FROM python:3.11-slim\n"),
        exposed_port=8000,
        metadata=metadata,
    )
    def run_server() -> None: ...

    assert run_server.options.host["metadata"] == metadata
    assert run_server.options.gateway["exposed_port"] == 8000
    assert struct_round_trip(metadata) == metadata
    assert metadata["openapi"]["paths"]["/generate"]["post"]["responses"]["200"]


CORPUS_30 = corpus_files("oas3.0")


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS_30, reason="the shared corpus is absent")
@pytest.mark.parametrize("path", CORPUS_30, ids=[p.name for p in CORPUS_30])
def test_every_corpus_spec_survives_a_struct(tmp_path: Path, path: Path) -> None:
    spec = load_document(FileSource(path).fetch())
    module = tmp_path / "fal_openapi.py"
    module.write_text(render_module(spec, source=path.name))
    metadata = import_generated(module).metadata
    # A Struct holds every number as a double: an int64 maximum (binance, open5e) arrives as
    # the nearest double, which lint warns about; everything else arrives as it was.
    assert struct_round_trip(metadata) == as_doubles(metadata)


def as_doubles(value: object) -> object:
    if isinstance(value, dict):
        return {k: as_doubles(v) for k, v in value.items()}
    if isinstance(value, list):
        return [as_doubles(v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value
