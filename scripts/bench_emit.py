#!/usr/bin/env python3
"""Import cost of a generated module against `json.load` of the same spec, in the same run.

For a small, a medium (~1 MB) and the 13 MB GitHub description: the wall time and the peak
memory (ru_maxrss growth) of importing the module written by openapi-meta, next to
`json.load` of the spec file, each in a fresh interpreter, median of several runs. The
target (issue 2) is at most 1.5x json.load on both.

    .venv/bin/python scripts/bench_emit.py [--runs 5] [--literal]

`--literal` adds a plain dict-literal module, the representation the emitter avoids.
The GitHub description comes from the npm package @octokit/openapi, installed into
.cache/bench-npm on first use (npm must be on PATH).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from openapi_meta.document.load import load_document  # noqa: E402
from openapi_meta.emit import render_module  # noqa: E402
from openapi_meta.sources.file import FileSource  # noqa: E402

NPM_CACHE = ROOT / ".cache" / "bench-npm"
GITHUB_SPEC = NPM_CACHE / "node_modules/@octokit/openapi/generated/api.github.com.json"
MEDIUM = (
    ROOT.parent
    / "shared/corpus/oas3.0"
    / ("kubernetes__kube-openapi__pkg_openapiconv_testdata_generated_from_k8s_v3_api.v1.json")
)

MEASURE = r"""
import importlib.util, json, sys, time
def peak_kib():
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith("VmHWM:"))
# A child inherits its parent's peak RSS across exec; reset it (Linux: clear_refs 5).
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")
mode, path = sys.argv[1], sys.argv[2]
before = peak_kib()
start = time.perf_counter()
if mode == "json":
    with open(path, "rb") as f:
        data = json.load(f)
else:
    spec = importlib.util.spec_from_file_location("generated", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "mib": (peak_kib() - before) / 1024}))
"""


def ensure_github_spec() -> Path | None:
    if not GITHUB_SPEC.is_file():
        NPM_CACHE.mkdir(parents=True, exist_ok=True)
        print("installing @octokit/openapi with npm ...", file=sys.stderr)
        done = subprocess.run(
            [
                "npm",
                "install",
                "--prefix",
                str(NPM_CACHE),
                "--no-audit",
                "--no-fund",
                "@octokit/openapi",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(f"npm install failed; skipping the GitHub spec\n{done.stderr}", file=sys.stderr)
            return None
    return GITHUB_SPEC


def measure(mode: str, path: Path, runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        out = subprocess.run(
            [sys.executable, "-c", MEASURE, mode, str(path)],
            capture_output=True,
            text=True,
            check=True,
        )
        samples.append(json.loads(out.stdout))
    return (
        statistics.median(s["seconds"] for s in samples),
        statistics.median(s["mib"] for s in samples),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--literal", action="store_true", help="also time a dict-literal module")
    args = parser.parse_args()

    specs = [("small", ROOT / "examples/quickstart/openapi.yaml")]
    if MEDIUM.is_file():
        specs.append(("medium", MEDIUM))
    github = ensure_github_spec()
    if github:
        specs.append(("13 MB GitHub", github))

    print(f"{'spec':<14}{'json.load':>18}{'module import':>20}{'time ratio':>12}{'mem ratio':>11}")
    with tempfile.TemporaryDirectory() as tmp:
        for label, path in specs:
            spec = load_document(FileSource(path).fetch())
            module = Path(tmp) / f"{label.split()[0]}_module.py"
            module.write_text(render_module(spec, source=path.name), encoding="ascii")
            # json.load is measured on the spec as JSON (YAML would be unfair to json.load).
            as_json = Path(tmp) / f"{label.split()[0]}.json"
            as_json.write_text(path.read_text() if path.suffix == ".json" else json.dumps(spec))
            base_s, base_m = measure("json", as_json, args.runs)
            mod_s, mod_m = measure("module", module, args.runs)
            print(
                f"{label:<14}{base_s * 1000:>9.2f} ms {base_m:>5.0f} MiB"
                f"{mod_s * 1000:>11.2f} ms {mod_m:>5.0f} MiB"
                f"{mod_s / base_s:>11.2f}x{mod_m / max(base_m, 0.01):>10.2f}x"
            )
            if args.literal:
                literal = Path(tmp) / "literal.py"
                literal.write_text(f"metadata = {{'openapi': {spec!r}}}\n")
                lit_s, lit_m = measure("module", literal, 1)
                print(
                    f"{'  dict literal':<14}{'':>18}{lit_s * 1000:>11.1f} ms {lit_m:>5.0f} MiB"
                    f"{lit_s / base_s:>11.2f}x{lit_m / max(base_m, 0.01):>10.2f}x"
                )


if __name__ == "__main__":
    main()
