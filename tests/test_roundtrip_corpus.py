"""Every 3.0.x document of the shared corpus: emitted, imported fresh, and checked."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from openapi_meta.document.load import load_document
from openapi_meta.emit import render_module
from openapi_meta.sources.file import FileSource
from tests.conftest import corpus_files, import_in_fresh_interpreter, requires_corpus, run_cli

DOCUMENTS = corpus_files("oas3.0")
# This document refers to ./external-shared.json, which its folder does not hold: it can
# never be extracted, and the error must say which reference and which file.
MISSING_REF = "hey-api__openapi-ts__specs_3.0.x_full.yaml"

pytestmark = [requires_corpus, pytest.mark.corpus]


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_module_gives_back_the_loaded_spec(tmp_path: Path, path: Path) -> None:
    spec = load_document(FileSource(path).fetch())
    spec["openapi"] = "3.0.3"
    module = tmp_path / "fal_openapi.py"
    module.write_text(render_module(spec, source=path.name))
    assert import_in_fresh_interpreter(module)["metadata"] == {"openapi": spec}


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_extract_then_check(tmp_path: Path, path: Path) -> None:
    module = tmp_path / "fal_openapi.py"
    extract = run_cli("extract", "--file", path, "-o", module)
    if path.name == MISSING_REF:
        assert extract.code == 1
        assert "external-shared.json" in extract.stderr and "Traceback" not in extract.stderr
        assert not module.exists()
        return
    assert extract.code == 0, extract.stderr[-3000:]
    assert run_cli("check", "--file", path, "--module", module).code == 0

    # The same document with one value changed, written as JSON: check must fail and show it.
    spec = load_document(FileSource(path).fetch())
    marker = "openapi-meta test - the title changed"
    spec["info"]["title"] = marker
    changed = tmp_path / "changed.json"
    changed.write_text(json.dumps(spec), encoding="utf-8")
    stale = run_cli("check", "--file", changed, "--module", module)
    assert stale.code == 1, stale.stderr[-3000:]
    assert f'\n+  "title": "{marker}"' in stale.stdout  # the module's own lines
