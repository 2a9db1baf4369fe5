"""Pausing Python's cycle collector while the pipeline works on one document.

A loaded spec is a tree of dicts, lists and strings: it holds no reference cycle, so the
collector can free nothing in it. Yet the allocations of loading and converting it trigger
full collections, and each one traverses the whole tree: for GitHub's 13 MB description
(about a million objects) that is a tenth of the run. Reference counting still frees
everything as usual; the rare cycle made meanwhile is collected once the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["cycle_collection_paused"]


@contextmanager
def cycle_collection_paused() -> Iterator[None]:
    """Disable automatic cycle collection inside the block (nested or not), as it was after."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
