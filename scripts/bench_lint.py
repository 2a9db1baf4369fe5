#!/usr/bin/env python3
"""Cost of the fal deploy preflight (a protobuf Struct round trip of the spec) in one run.

For a ~1 MB corpus spec and the 13 MB GitHub description, the median seconds of:
`json.dumps` of the spec (what lint's size check already pays: the baseline), the Struct
serialize → parse round trip (`lint.struct_round_trip`), the whole of `lint`, and
`validate` (the pipeline's dearest stage), with the round trip's ratio to each.

    .venv/bin/python scripts/bench_lint.py [--runs 5]

The GitHub description comes from the npm package @octokit/openapi (see bench_emit.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_emit import MEDIUM, ensure_github_spec  # noqa: E402

from openapi_meta.convert import convert  # noqa: E402
from openapi_meta.document.load import load_document  # noqa: E402
from openapi_meta.lint import lint, struct_round_trip  # noqa: E402
from openapi_meta.sources.file import FileSource  # noqa: E402
from openapi_meta.validate import validate  # noqa: E402


def median_seconds(work: Callable[[Any], object], spec: Any, runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        work(spec)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    for path in filter(None, [MEDIUM, ensure_github_spec()]):
        raw = FileSource(path).fetch()
        spec = convert(load_document(raw), base_dir=raw.base_dir, name=raw.name).document
        timings = {
            "json.dumps": lambda s: json.dumps(s, separators=(",", ":")),
            "round trip": struct_round_trip,
            "lint": lint,
            "validate": validate,
        }
        measured = {name: median_seconds(work, spec, runs) for name, work in timings.items()}
        trip = measured["round trip"]
        print(f"{path.name} ({path.stat().st_size / 1e6:.1f} MB):")
        for name, seconds in measured.items():
            ratio = "" if name == "round trip" else f"  round trip = {trip / seconds:.2f}x this"
            print(f"  {name:<11} {seconds * 1000:8.1f} ms{ratio}")


if __name__ == "__main__":
    main()
