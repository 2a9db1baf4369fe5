"""Benchmark `openapi-meta extract --file` against the npm converters, in one run.

For GitHub's 13 MB description and the largest single-file corpus document of each version
(2.0, 3.0, 3.1), this measures the wall time and peak memory (max RSS) of:

- `openapi-meta extract --file DOC -o TMP` (load, convert, validate, emit);
- `@apiture/openapi-down-convert` (3.1 → 3.0, no validation) and `swagger2openapi` (2.0 → 3.0,
  no validation unless asked), installed with npm into `.cache/bench-npm/`, which also
  provides the GitHub description (`@octokit/openapi`);
- `openapi-spec-validator` alone (its CLI, with its jsonschema-rs and its pure-Python schema
  backend), the validator openapi-meta must equal in strictness.

Every process is a fresh subprocess; a tool that fails prints "n/a (exit N)". Ratios compare
each tool with openapi-meta on the same document in the same run (above 1: openapi-meta is
faster). Usage: `.venv/bin/python scripts/bench_convert.py [--repeat N] [--no-validator]`.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
NPM_DIR = PROJECT_ROOT / ".cache" / "bench-npm"
NPM_PACKAGES = ("@apiture/openapi-down-convert", "swagger2openapi", "@octokit/openapi")
GITHUB_SPEC = NPM_DIR / "node_modules/@octokit/openapi/generated/api.github.com.json"
BUDGET_SECONDS = 3.0  # issue 3: the whole extract on the GitHub description
TIMEOUT_SECONDS = 600


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mb: float
    exit_code: int
    last_error_line: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def run_measured(argv: list[str], env: dict[str, str]) -> Measure:
    """Run one process to completion; its own wall time and max RSS (not its siblings')."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=stderr, env=env, cwd=PROJECT_ROOT
        )
        deadline = start + TIMEOUT_SECONDS
        while True:
            pid, status, usage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                process.kill()
                _, status, usage = os.wait4(process.pid, 0)
                break
            time.sleep(0.005)
        seconds = time.perf_counter() - start
        stderr.seek(0)
        lines = [line.strip() for line in stderr.read().decode(errors="replace").splitlines()]
    last = next((line for line in reversed(lines) if line), "")
    return Measure(seconds, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), last)


def best_of(repeat: int, argv: list[str], env: dict[str, str]) -> Measure:
    """The fastest of `repeat` runs (stops at the first failure)."""
    runs = []
    for _ in range(repeat):
        measure = run_measured(argv, env)
        runs.append(measure)
        if not measure.ok:
            return measure
    return min(runs, key=lambda m: m.seconds)


def install_npm_tools() -> None:
    """npm install the converters and the GitHub description into .cache/bench-npm/."""
    bins = NPM_DIR / "node_modules" / ".bin"
    wanted = (bins / "openapi-down-convert", bins / "swagger2openapi", GITHUB_SPEC)
    if all(path.exists() for path in wanted):
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is not installed: it is needed for the comparison tools")
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    print(f"installing {', '.join(NPM_PACKAGES)} into {NPM_DIR} ...", file=sys.stderr)
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(NPM_DIR), *NPM_PACKAGES],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def npm_version(package: str) -> str:
    manifest = NPM_DIR / "node_modules" / package / "package.json"
    return json.loads(manifest.read_text())["version"] if manifest.exists() else "?"


def largest(folder: str) -> Path | None:
    root = CORPUS / folder
    files = [p for p in root.iterdir() if p.is_file()] if root.is_dir() else []
    return max(files, key=lambda p: p.stat().st_size, default=None)


def documents() -> list[tuple[str, Path]]:
    found = [("GitHub (3.0.3)", GITHUB_SPEC)]
    for label, folder in (("corpus 2.0", "swagger2.0"), ("corpus 3.0", "oas3.0")):
        if (path := largest(folder)) is not None:
            found.append((label, path))
    if (path := largest("oas3.1")) is not None:
        found.append(("corpus 3.1", path))
    return found


def tools(output: Path, with_validator: bool) -> list[tuple[str, list[str], dict[str, str]]]:
    """(name, argv prefix to which the document path is appended, env)."""
    bins = NPM_DIR / "node_modules" / ".bin"
    out = str(output)
    env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
    listed: list[tuple[str, list[str], dict[str, str]]] = [
        (
            "openapi-meta extract",
            [sys.executable, "-m", "openapi_meta", "extract", "-o", out, "--file"],
            env,
        ),
        (
            f"openapi-down-convert {npm_version('@apiture/openapi-down-convert')}",
            [str(bins / "openapi-down-convert"), "--output", out, "--input"],
            env,
        ),
        (
            f"swagger2openapi {npm_version('swagger2openapi')}",
            [str(bins / "swagger2openapi"), "--outfile", out],
            env,
        ),
    ]
    if with_validator:
        validator = [sys.executable, "-m", "openapi_spec_validator"]
        backend = "OPENAPI_SPEC_VALIDATOR_SCHEMA_VALIDATOR_BACKEND"
        listed += [
            ("openapi-spec-validator (rs backend)", validator, {**env, backend: "jsonschema-rs"}),
            ("openapi-spec-validator (Python)", validator, {**env, backend: "jsonschema"}),
        ]
    return listed


def cell(measure: Measure, baseline: Measure | None) -> str:
    if not measure.ok:
        reason = measure.last_error_line[:60]
        return f"n/a (exit {measure.exit_code}{': ' if reason else ''}{reason})"
    text = f"{measure.seconds:6.2f} s {measure.peak_mb:6.0f} MB"
    if baseline is not None and baseline.ok:
        text += f"  ×{measure.seconds / baseline.seconds:5.1f}"
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell, best is kept")
    parser.add_argument(
        "--no-validator", action="store_true", help="skip openapi-spec-validator (23 s)"
    )
    args = parser.parse_args()
    install_npm_tools()

    with tempfile.TemporaryDirectory(prefix="bench-convert-") as tmp:
        output = Path(tmp) / "out.py"
        table = tools(output, with_validator=not args.no_validator)
        print(f"{'document':34} {'tool':34} {'wall':>8} {'peak':>9}  ratio to openapi-meta")
        for label, path in documents():
            size = path.stat().st_size / 1e6
            name = f"{label} {size:.1f} MB"
            baseline: Measure | None = None
            for tool, argv, env in table:
                # Slow baselines run once: they are there for scale, not precision.
                repeat = 1 if "validator" in tool else args.repeat
                measure = best_of(repeat, [*argv, str(path)], env)
                print(f"{name:34} {tool:34} {cell(measure, baseline)}", flush=True)
                if baseline is None:
                    baseline = measure
                    if label.startswith("GitHub") and measure.ok:
                        verdict = "within" if measure.seconds <= BUDGET_SECONDS else "OVER"
                        print(f"{'':34} {'(budget 3.0 s for extract)':34} {verdict}")
                name = ""
            print(f"{'':34} {path.name}")


if __name__ == "__main__":
    main()
