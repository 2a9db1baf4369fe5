"""`--fal`: what is refused before any Docker work, read from fixture fal files with real fal."""

from __future__ import annotations

from pathlib import Path

import pytest

from openapi_meta.errors import SourceError, UsageError
from openapi_meta.sources.fal import parse_target, plan_run
from tests.conftest import PROJECT_ROOT, run_cli

pytest.importorskip("fal", reason="the fal extra is not installed (pip install -e .[test])")

REFUSED = PROJECT_ROOT / "tests" / "fixtures" / "fal" / "refused" / "deploy.py"


@pytest.mark.parametrize(
    ("function", "message"),
    [
        ("no_port", "has no exposed_port"),
        ("served", "serve=True"),
        ("no_image", "no container image to run (kind='virtualenv')"),
        ("not_a_function", "is an int, not a function decorated with @fal.function"),
        ("missing", "has no 'missing' (its fal functions: no_image, no_port, served)"),
    ],
)
def test_functions_fal_would_not_serve_exit_3(tmp_path: Path, function: str, message: str) -> None:
    out = tmp_path / "fal_openapi.py"
    run = run_cli("extract", "--fal", f"{REFUSED}::{function}", "-o", out, cwd=tmp_path)
    assert run.code == 3, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert not out.exists()


@pytest.mark.parametrize("target", ["deploy.py", "deploy.py::", "::server", "deploy.py:server"])
def test_a_malformed_target_is_a_usage_error(target: str) -> None:
    with pytest.raises(UsageError, match="expected FILE::FUNCTION"):
        parse_target(target)


def test_a_missing_file_exits_2(tmp_path: Path) -> None:
    run = run_cli("extract", "--fal", "nope.py::server", cwd=tmp_path)
    assert run.code == 2 and "no such file" in run.stderr


def test_the_run_plan_follows_use_isolate(tmp_path: Path) -> None:
    file = tmp_path / "deploy.py"
    file.write_text("print('hi')\n")
    image = {"dockerfile_str": "FROM x\n", "build_args": {"A": "1"}, "cmd": ["serve", "--now"]}
    info = {"file": str(file), "kind": "container", "exposed_port": 8000, "serve": False}
    own = plan_run({**info, "image": {**image, "use_isolate": False}}, f"{file}::f")
    assert own.cmd == "serve --now" and own.entrypoint is None and own.dockerfile == "FROM x\n"
    assert own.build_args == (("A", "1"),) and own.port == 8000
    body = plan_run({**info, "image": image}, f"{file}::f")
    assert body.entrypoint == "python3"
    assert (
        body.cmd
        == "/openapi-meta-fal/_fal_runner.py /openapi-meta-fal/files/deploy.py f fal_openapi"
    )
    assert body.dockerfile.startswith("FROM x\n# Added by openapi-meta --fal")
    with pytest.raises(SourceError, match="no exposed_port"):
        plan_run({**info, "exposed_port": None, "image": image}, "t")
