"""The change report on real specs (../shared/corpus): each converted document compared with
itself, and with every component schema renamed, has no change a client would notice."""

from __future__ import annotations

import copy
import json
import re

import pytest

from openapi_meta.changes import compare_specs
from openapi_meta.convert import convert
from openapi_meta.document.load import load_document
from openapi_meta.errors import DocumentError
from openapi_meta.sources.file import FileSource
from tests.conftest import corpus_files, requires_corpus

DOCUMENTS = [p for folder in ("swagger2.0", "oas3.0", "oas3.1") for p in corpus_files(folder)]
_PLAIN_NAME = re.compile(r"[A-Za-z0-9_.-]+")


def _renamed(spec: dict) -> dict:
    """Every component schema with a plain name moved to `<name>Renamed`, its $refs with it."""
    schemas = spec.get("components", {}).get("schemas", {})
    names = [n for n in schemas if _PLAIN_NAME.fullmatch(n)]
    plain = set(names)
    text = re.sub(
        r'"#/components/schemas/([^"/]+)(?=["/])',  # also refs into a schema: .../Tag/allOf/0
        lambda m: f'"#/components/schemas/{m[1]}Renamed' if m[1] in plain else m[0],
        json.dumps(spec),
    )
    renamed = json.loads(text)
    renamed["components"]["schemas"] = {
        (f"{k}Renamed" if k in names else k): v for k, v in renamed["components"]["schemas"].items()
    }
    return renamed


@requires_corpus
@pytest.mark.corpus
@pytest.mark.parametrize("path", DOCUMENTS, ids=[f"{p.parent.name}/{p.name}" for p in DOCUMENTS])
def test_no_change_against_itself_or_with_components_renamed(path) -> None:
    raw = FileSource(path).fetch()
    try:
        spec = convert(load_document(raw), base_dir=raw.base_dir, name=raw.name).document
    except DocumentError as exc:
        pytest.skip(f"conversion refuses it, so there is nothing to compare: {exc}")
    assert compare_specs(spec, copy.deepcopy(spec)) == ()
    if spec.get("components", {}).get("schemas"):
        assert compare_specs(spec, _renamed(spec)) == ()
