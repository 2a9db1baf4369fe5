#!/usr/bin/env python3
"""`openapi-meta diff` against check's old text diff, on two versions of GitHub's 13 MB spec.

The old version is the spec as `extract` writes it; the new one has a few changes a reviewer
should hear about (an endpoint removed, a request property made required, a parameter's enum
narrowed, a response property's type changed, an optional property added). Both are written
as modules first (not timed). Then, each in a fresh process, best of `--repeat` runs, wall
time and peak memory (max RSS) of:

- the baseline: what `check` did before the change report, read both modules' specs and
  `difflib.unified_diff` them as JSON indented by 2 (the diff it printed);
- `openapi-meta diff OLD NEW` (the change report), the real CLI;
- `check`'s new spec diff of the module text (pointer-labelled hunks, patience anchors);
- `openapi-meta diff` on the two specs as JSON files, which converts each to 3.0.3 first.

Ratios are against the baseline of the same run (below 1: faster or smaller).

    .venv/bin/python scripts/bench_diff.py [--repeat 3]

The GitHub description comes from the npm package @octokit/openapi (as in bench_emit.py).
"""

from __future__ import annotations

import argparse
import copy
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "scripts")]

from bench_convert import Measure, best_of  # noqa: E402
from bench_emit import ensure_github_spec  # noqa: E402

from openapi_meta.emit import render_json, render_module  # noqa: E402
from openapi_meta.pipeline import run_pipeline  # noqa: E402
from openapi_meta.sources.file import FileSource  # noqa: E402

# check's text diff before the change report (openapi_meta/check.py at main, issue 10).
BASELINE = r"""
import ast, difflib, json, sys
def spec(path):
    tree = ast.parse(open(path, encoding="utf-8").read())
    for node in tree.body:
        names = [getattr(t, "id", None) for t in getattr(node, "targets", ())]
        if names == ["_SPEC_JSON"]:
            return json.loads(node.value.value)
def lines(spec):
    return (json.dumps(spec, indent=2, ensure_ascii=False) + "\n").splitlines(keepends=True)
old, new = spec(sys.argv[1]), spec(sys.argv[2])
diff = list(difflib.unified_diff(lines(old), lines(new), "committed", "now", n=3))
sys.stdout.write("".join(diff[:400]))
"""
SPEC_DIFF = r"""
import sys
from openapi_meta.changes.textdiff import render_diff
old, new = (open(p, encoding="utf-8").read().splitlines() for p in sys.argv[1:3])
sys.stdout.write(render_diff(old, new, "python", old_name="old", new_name="new", max_lines=400))
"""


def changed(spec: dict) -> dict:
    """A few changes of the kinds the report names, applied to a copy."""
    new = copy.deepcopy(spec)
    paths, schemas = new["paths"], new["components"]["schemas"]
    del paths["/repos/{owner}/{repo}/issues/{issue_number}/lock"]["delete"]  # endpoint removed
    issue_create = paths["/repos/{owner}/{repo}/issues"]["post"]["requestBody"]["content"]
    body = issue_create["application/json"]["schema"]
    body.setdefault("required", []).append("body")  # a request property became required
    body["properties"]["priority"] = {"type": "integer"}  # an optional property added
    for parameter in paths["/repos/{owner}/{repo}/issues"]["get"]["parameters"]:
        if parameter.get("name") == "state":  # an enum value removed from a parameter
            parameter["schema"]["enum"] = [v for v in parameter["schema"]["enum"] if v != "all"]
    schemas["issue"]["properties"]["number"] = {"type": "string"}  # a response type changed
    return new


def cell(measure: Measure, baseline: Measure) -> str:
    if not measure.ok:
        return f"n/a (exit {measure.exit_code}: {measure.last_error_line[:60]})"
    time_ratio = measure.seconds / baseline.seconds
    memory_ratio = measure.peak_mb / baseline.peak_mb
    return (
        f"{measure.seconds:7.2f} s {measure.peak_mb:6.0f} MB"
        f"   {time_ratio:5.2f}x time {memory_ratio:5.2f}x memory"
    )


def prepare(folder: Path) -> None:
    """Write old/new as modules and as JSON. Run in a child process: a measured process
    inherits the peak RSS of the process it was forked from, so the parent stays small."""
    github = ensure_github_spec()
    if github is None:
        raise SystemExit("the GitHub description could not be installed (npm)")
    spec = run_pipeline(FileSource(github)).spec
    new_spec = changed(spec)
    source = "--file api.github.com.json"
    (folder / "old.py").write_text(render_module(spec, source=source))
    (folder / "new.py").write_text(render_module(new_spec, source=source))
    (folder / "old.json").write_text(render_json(spec))
    (folder / "new.json").write_text(render_json(new_spec))
    print(f"GitHub description {github.stat().st_size / 1e6:.1f} MB, {len(spec['paths'])} paths")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per row, the best is kept")
    parser.add_argument("--prepare", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.prepare:
        prepare(args.prepare)
        return
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    python = [sys.executable]
    with tempfile.TemporaryDirectory(prefix="bench-diff-") as tmp:
        subprocess.run([*python, __file__, "--prepare", tmp], check=True, env=env)
        old_py, new_py, old_json, new_json = (
            str(Path(tmp) / name) for name in ("old.py", "new.py", "old.json", "new.json")
        )
        diff = [*python, "-m", "openapi_meta", "diff"]
        rows = [
            ("check's old text diff (difflib)", [*python, "-c", BASELINE, old_py, new_py]),
            ("openapi-meta diff OLD.py NEW.py", [*diff, old_py, new_py]),
            ("check's new spec diff (module text)", [*python, "-c", SPEC_DIFF, old_py, new_py]),
            ("openapi-meta diff OLD.json NEW.json", [*diff, old_json, new_json]),
        ]
        baseline = best_of(args.repeat, rows[0][1], env)
        print(f"{rows[0][0]:40} {cell(baseline, baseline)}", flush=True)
        for label, argv in rows[1:]:
            print(f"{label:40} {cell(best_of(args.repeat, argv, env), baseline)}", flush=True)
        report = subprocess.run(
            [*diff, old_py, new_py], capture_output=True, text=True, env=env
        ).stdout
        print("\nthe report:\n" + report.replace(tmp + "/", ""))


if __name__ == "__main__":
    main()
