"""The public surface changes only on purpose."""

from __future__ import annotations

import subprocess
import sys

import openapi_meta
from tests.conftest import PROJECT_ROOT


def test_exported_names() -> None:
    assert openapi_meta.__all__ == ["__version__", "convert", "extract_file", "render_module"]
    for name in openapi_meta.__all__:
        assert getattr(openapi_meta, name) is not None


def test_extract_file_returns_a_valid_spec() -> None:
    result = openapi_meta.extract_file(PROJECT_ROOT / "examples" / "quickstart" / "openapi.yaml")
    assert result.spec["openapi"] == "3.0.3"
    assert result.spec["paths"]["/generate"]["post"]["responses"]["200"]["description"]


def test_importing_the_package_stays_light() -> None:
    """`import openapi_meta` must not pull in the validator, yaml or httpx (CLI start-up)."""
    heavy = ("yaml", "httpx", "openapi_spec_validator", "docker")
    code = f"import sys, openapi_meta; print(sorted(m for m in {heavy} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_python_dash_m_runs_the_cli() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "openapi_meta", "--version"], capture_output=True, text=True
    )
    assert (
        out.returncode == 0
        and out.stdout.strip() == f"openapi-meta, version {openapi_meta.__version__}"
    )
