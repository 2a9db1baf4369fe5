"""Ctrl-C and SIGTERM wait until a shielded block (a cleanup) is done, even with other threads."""

from __future__ import annotations

import subprocess
import sys

import pytest

# The child reports what happened: the block finishing first, then the signal.
CHILD = r"""
import os, signal, sys, threading, time
from openapi_meta.cleanup import shielded

signum = getattr(signal, sys.argv[1])
if signum == signal.SIGTERM:
    def on_term(*_):
        raise SystemExit("terminated")
    signal.signal(signal.SIGTERM, on_term)
if sys.argv[2] == "with-thread":
    # Another live thread, as the pipeline has while it imports its later stages.
    threading.Thread(target=time.sleep, args=(5,), daemon=True).start()
try:
    with shielded():
        os.kill(os.getpid(), signum)
        time.sleep(0.3)
        print("block finished", flush=True)
    print("not reached", flush=True)
except (KeyboardInterrupt, SystemExit) as exc:
    print(f"then {type(exc).__name__}", flush=True)
"""


@pytest.mark.parametrize("threads", ["alone", "with-thread"])
@pytest.mark.parametrize("signame", ["SIGINT", "SIGTERM"])
def test_a_signal_in_a_shielded_block_is_delivered_after_it(signame: str, threads: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, signame, threads], capture_output=True, text=True, timeout=30
    )
    expected = "KeyboardInterrupt" if signame == "SIGINT" else "SystemExit"
    assert done.stdout.splitlines() == ["block finished", f"then {expected}"], done.stderr
