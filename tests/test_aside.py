"""The output text computed in a forked child: the same text as here, on every path."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
from functools import partial
from pathlib import Path

import pytest

from openapi_meta.aside import MIN_FORK_BYTES, Aside, compute_aside
from openapi_meta.emit import render
from openapi_meta.pipeline import run_pipeline
from openapi_meta.sources.file import FileSource

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="the child is forked on Linux")

# Non-ASCII text and a lone surrogate (a spec's `\ud800` escape) must come back unchanged.
TEXT = "spec: caf\u00e9 \u2603 \ud800 " * 50_000


def test_the_child_sends_back_exactly_the_text() -> None:
    aside = compute_aside(lambda: TEXT, size=MIN_FORK_BYTES)
    assert aside.pid is not None, "large input, one thread: the text is computed in a child"
    child = aside.pid
    assert aside.result() == TEXT
    assert not Path(f"/proc/{child}").exists()  # reaped: not even a zombie is left


def test_small_input_or_other_threads_compute_here() -> None:
    assert compute_aside(lambda: TEXT, size=MIN_FORK_BYTES - 1).pid is None
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        aside = compute_aside(lambda: TEXT, size=MIN_FORK_BYTES)
        assert aside.pid is None  # forking beside a running thread is not safe
        assert aside.result() == TEXT
    finally:
        stop.set()
        other.join()


def test_a_child_that_fails_leaves_the_work_to_this_process() -> None:
    parent = os.getpid()

    def only_here() -> str:
        if os.getpid() != parent:
            raise MemoryError("the child ran out")
        return "computed here"

    aside = compute_aside(only_here, size=MIN_FORK_BYTES)
    assert aside.pid is not None
    assert aside.result() == "computed here"


def test_cancel_ends_the_child() -> None:
    started = threading.Event()
    aside = Aside(lambda: started.wait(60) and "never")  # the child blocks: nothing sets it
    aside.start()
    child = aside.pid
    assert child is not None
    aside.cancel()
    assert not Path(f"/proc/{child}").exists()
    assert aside.pid is None


def test_the_pipeline_renders_the_same_bytes_in_a_child(tmp_path: Path) -> None:
    """A document over the fork threshold: what the child wrote is what rendering here gives."""
    spec_file = _large_spec(tmp_path)
    to_module = partial(render, fmt="python", source="--file openapi.json")
    extraction = run_pipeline(FileSource(spec_file), render=to_module)
    assert extraction.rendered == to_module(extraction.spec)


def _large_spec(tmp_path: Path) -> Path:
    """A valid spec over the fork threshold, with non-ASCII text."""
    paths = {
        f"/items/{index}": {"get": {"responses": {"200": {"description": f"item {index} \u00e9"}}}}
        for index in range(40_000)
    }
    document = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": paths}
    spec_file = tmp_path / "openapi.json"
    spec_file.write_text(json.dumps(document), encoding="utf-8")
    assert spec_file.stat().st_size >= MIN_FORK_BYTES
    return spec_file


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_signal_while_the_child_renders_leaves_no_process_and_no_file(
    tmp_path: Path, signum: int
) -> None:
    spec_file = _large_spec(tmp_path)
    module = tmp_path / "fal_openapi.py"
    argv = [sys.executable, "-m", "openapi_meta", "extract", "--file", str(spec_file), "-q"]
    with subprocess.Popen([*argv, "-o", str(module)], stderr=subprocess.PIPE, text=True) as cli:
        children = Path(f"/proc/{cli.pid}/task/{cli.pid}/children")
        deadline = time.monotonic() + 60
        forked: list[int] = []
        while not forked and cli.poll() is None and time.monotonic() < deadline:
            with contextlib.suppress(FileNotFoundError):
                forked = [int(pid) for pid in children.read_text().split()]
            time.sleep(0.002)
        assert forked, "the run forked no child to render the spec"
        cli.send_signal(signum)
        _, stderr = cli.communicate(timeout=60)
    assert cli.returncode == {signal.SIGINT: 130, signal.SIGTERM: 143}[signum], stderr
    assert all(not Path(f"/proc/{pid}").exists() for pid in forked)
    assert not module.exists()
    assert "Traceback" not in stderr
