"""The cycle collector paused for a run, and the fast exit after it: nothing else changes."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from openapi_meta.collector import cycle_collection_paused
from openapi_meta.pipeline import run_pipeline
from openapi_meta.sources.file import FileSource
from tests.conftest import PROJECT_ROOT

QUICKSTART = PROJECT_ROOT / "examples" / "quickstart" / "openapi.yaml"


@pytest.fixture
def collector_enabled() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


@pytest.mark.usefixtures("collector_enabled")
def test_the_pause_ends_as_the_collector_was_on_every_path() -> None:
    with cycle_collection_paused():
        assert not gc.isenabled()
        with cycle_collection_paused():
            assert not gc.isenabled()
        assert not gc.isenabled(), "an inner pause does not end the outer one"
    assert gc.isenabled()
    with pytest.raises(KeyError), cycle_collection_paused():
        raise KeyError("x")
    assert gc.isenabled()
    gc.disable()
    with cycle_collection_paused():
        pass
    assert not gc.isenabled(), "a collector the caller turned off stays off"


@pytest.mark.usefixtures("collector_enabled")
def test_a_pipeline_run_leaves_the_collector_on() -> None:
    extraction = run_pipeline(FileSource(QUICKSTART))
    assert extraction.spec["openapi"] == "3.0.3"
    assert gc.isenabled()


def _entry_point(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run `code`, then the console entry point with `args`, in a fresh interpreter."""
    program = f"import sys\n{code}\nsys.argv = ['openapi-meta', *sys.argv[1:]]\n"
    program += "from openapi_meta.cli import _console_main\n_console_main()\n"
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    return subprocess.run(
        [sys.executable, "-c", program, *args], capture_output=True, text=True, env=env, timeout=60
    )


HANDLER_DURING_RUN = """
import atexit
from openapi_meta import cli
run = cli.main
def main():
    atexit.register(print, "handler ran", flush=False)
    return run()
cli.main = main
"""


def test_the_fast_exit_keeps_the_code_the_output_and_the_exit_handlers(tmp_path: Path) -> None:
    ok = _entry_point(HANDLER_DURING_RUN, "convert", str(QUICKSTART), "-o", "-", "-q")
    assert ok.returncode == 0, ok.stderr
    spec, handler_said = ok.stdout.rsplit("}\n", 1)
    assert json.loads(spec + "}")["openapi"] == "3.0.3", "the whole output was flushed"
    assert handler_said == "handler ran\n", "a handler registered meanwhile runs"
    missing = _entry_point(HANDLER_DURING_RUN, "extract", "--file", str(tmp_path / "none.yaml"))
    assert missing.returncode == 3
    assert "no such file" in missing.stderr
    assert missing.stdout == "handler ran\n"


def test_an_escaped_exception_still_exits_non_zero() -> None:
    broken = _entry_point("from openapi_meta import cli\ncli.main = lambda: 1 / 0\n")
    assert broken.returncode == 1
    assert "ZeroDivisionError" in broken.stderr
