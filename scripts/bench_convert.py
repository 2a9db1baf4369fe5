"""Benchmark openapi-meta against the npm converters, in one run.

Usage: `.venv/bin/python scripts/bench_convert.py [--corpus] [--github] [--repeat N]
[--no-validator]`. Without `--corpus` or `--github` it prints the table and the GitHub
criterion; each flag asks for its section alone (both: both sections).

The peers are `@apiture/openapi-down-convert` (3.1 → 3.0, no validation) and `swagger2openapi`
(2.0 → 3.0, no validation unless asked), installed with npm into `.cache/bench-npm/`, which
also provides GitHub's 13 MB description (`@octokit/openapi`). A peer "succeeds" when it
exits 0: nobody checks that what it wrote is valid 3.0, while openapi-meta validates its own.

Table (default): for GitHub's description and the largest single-file corpus document of
each version (2.0, 3.0, 3.1), the wall time and peak memory (max RSS) of
`openapi-meta extract --file DOC -o TMP` (load, convert, validate, emit), of each peer, and of
`openapi-spec-validator` alone (its CLI with its jsonschema-rs and its pure-Python backend:
the validator openapi-meta must equal in strictness). Best of `--repeat` (3) runs; a tool
that fails prints "n/a (exit N)". Ratios are each tool's time over openapi-meta's on the
same document (above 1: openapi-meta is faster).

GitHub criterion (default, `--github`): the issue asks that `extract --file` on GitHub's
description end at or below openapi-down-convert's convert-only time in the same run. Both
run alternately `--repeat` (5) times and the medians are compared: the ratio openapi-meta /
openapi-down-convert must be ≤ 1.0. openapi-down-convert exits 1 on this document after
doing nearly all its work; its time still counts, and the line says that it failed.

Corpus (`--corpus`): every document of the shared corpus (`../shared/corpus`, its
MANIFEST.tsv; skipped when absent), converted by `openapi-meta convert` and by each peer that
takes its version (openapi-down-convert: 3.x, swagger2openapi: 2.0), measured two ways:
- subprocess: one process per document per tool, the honest comparison of CLI tools, in
  which start-up dominates for small documents;
- in-process: openapi-meta's `run_pipeline` called in this process, and for each peer a
  node process that requires the library once and converts each document it is sent (read,
  parse, convert, JSON text; none of them writes a file).
A multi-file document's $refs are resolved by openapi-meta inside the document's own folder
(`--ref-root`); the peers, run as their CLIs run by default, leave external $refs alone.
The tools take turns on each document (the machine is noisy) and the best of `--repeat`
(1) rounds is kept. Per tool and version: documents attempted, succeeded, failed, total
seconds (failures included, and shown apart), documents per second, and the peer's total
over openapi-meta's on the same documents (all of them, and those both converted). Then
each tool's slowest documents, the documents openapi-meta failed on with what each peer did,
and the peers' failures by message.
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT_ROOT.parent / "shared" / "corpus"
NPM_DIR = PROJECT_ROOT / ".cache" / "bench-npm"
NPM_BIN = NPM_DIR / "node_modules" / ".bin"
NPM_PACKAGES = ("@apiture/openapi-down-convert", "swagger2openapi", "@octokit/openapi")
DOWN_CONVERT = "openapi-down-convert"
SWAGGER2OPENAPI = "swagger2openapi"
GITHUB_SPEC = NPM_DIR / "node_modules/@octokit/openapi/generated/api.github.com.json"
BUDGET_SECONDS = 3.0  # issue 3: the whole extract on the GitHub description
TIMEOUT_SECONDS = 600
CORPUS_TIMEOUT_SECONDS = 120  # per document: a converter looping on a circular $ref is a failure


@dataclass(frozen=True)
class Measure:
    seconds: float
    peak_mb: float
    exit_code: int
    last_error_line: str = ""

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def error_line(stderr: str) -> str:
    """The line that names the error: node prints a stack under it, so the first line with
    "error" in it, else the last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    return next((line for line in lines if "error" in line.lower()), lines[-1] if lines else "")


def run_measured(argv: list[str], env: dict[str, str], timeout: float = TIMEOUT_SECONDS) -> Measure:
    """Run one process to completion; its own wall time and max RSS (not its siblings').

    A blocking wait4 (a timer kills a process that runs too long) sees the exit at once,
    where polling would add its interval to every run."""
    with tempfile.TemporaryFile() as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(
            argv, stdout=subprocess.DEVNULL, stderr=stderr, env=env, cwd=PROJECT_ROOT
        )
        killer = threading.Timer(timeout, process.kill)
        killer.start()
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
        stderr.seek(0)
        last = error_line(stderr.read().decode(errors="replace"))
    return Measure(seconds, usage.ru_maxrss / 1024, process.returncode, last)


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
    wanted = (NPM_BIN / DOWN_CONVERT, NPM_BIN / SWAGGER2OPENAPI, GITHUB_SPEC)
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


def python_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}


def openapi_meta_argv(command: str, output: Path) -> list[str]:
    return [sys.executable, "-m", "openapi_meta", command, "-o", str(output)]


# --- the table: the largest documents, every tool, wall time and memory ---------------------


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
    out = str(output)
    env = python_env()
    listed: list[tuple[str, list[str], dict[str, str]]] = [
        ("openapi-meta extract", [*openapi_meta_argv("extract", output), "--file"], env),
        (
            f"{DOWN_CONVERT} {npm_version('@apiture/openapi-down-convert')}",
            [str(NPM_BIN / DOWN_CONVERT), "--output", out, "--input"],
            env,
        ),
        (
            f"{SWAGGER2OPENAPI} {npm_version(SWAGGER2OPENAPI)}",
            [str(NPM_BIN / SWAGGER2OPENAPI), "--outfile", out],
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


def bench_table(repeat: int, with_validator: bool, tmp: Path) -> None:
    table = tools(tmp / "out.py", with_validator)
    print(f"{'document':34} {'tool':34} {'wall':>8} {'peak':>9}  ratio to openapi-meta")
    for label, path in documents():
        size = path.stat().st_size / 1e6
        name = f"{label} {size:.1f} MB"
        baseline: Measure | None = None
        for tool, argv, env in table:
            # Slow baselines run once: they are there for scale, not precision.
            measure = best_of(1 if "validator" in tool else repeat, [*argv, str(path)], env)
            print(f"{name:34} {tool:34} {cell(measure, baseline)}", flush=True)
            if baseline is None:
                baseline = measure
                if label.startswith("GitHub") and measure.ok:
                    verdict = "within" if measure.seconds <= BUDGET_SECONDS else "OVER"
                    print(f"{'':34} {'(budget 3.0 s for extract)':34} {verdict}")
            name = ""
        print(f"{'':34} {path.name}")


# --- the GitHub criterion: extract end to end against down-convert's convert alone ----------


def bench_github(repeat: int, tmp: Path) -> None:
    """Median of `repeat` alternate runs each; down-convert's failure does not void its time,
    since it fails at the end of its work (tagging a `type` string as if it were a schema)."""
    env = python_env()
    meta_argv = [*openapi_meta_argv("extract", tmp / "github.py"), "--file", str(GITHUB_SPEC)]
    down_argv = [str(NPM_BIN / DOWN_CONVERT), "--output", str(tmp / "github.json")]
    down_argv += ["--input", str(GITHUB_SPEC)]
    runs: dict[str, list[Measure]] = {"meta": [], "down": []}
    for turn in range(repeat):
        pair = [("meta", meta_argv), ("down", down_argv)]
        for key, argv in pair if turn % 2 == 0 else reversed(pair):
            runs[key].append(run_measured(argv, env))
    meta, down = (median_measure(runs[key]) for key in ("meta", "down"))
    size = GITHUB_SPEC.stat().st_size / 1e6
    print(f"GitHub's description ({size:.1f} MB): {repeat} alternate runs each, median")
    print(f"  {'openapi-meta extract --file':34} {labelled(meta, runs['meta'])}")
    down_name = f"{DOWN_CONVERT} {npm_version('@apiture/openapi-down-convert')}"
    print(f"  {down_name:34} {labelled(down, runs['down'])}")
    if not meta.ok:
        print(f"GitHub end to end: openapi-meta failed ({labelled(meta, [])}): no ratio")
        return
    ratio = meta.seconds / down.seconds
    verdict = "met" if ratio <= 1.0 else "NOT met"
    print(
        f"GitHub end to end: openapi-meta {meta.seconds:.2f} s vs {DOWN_CONVERT} "
        f"{down.seconds:.2f} s: ratio {ratio:.2f} (target ≤ 1.0): {verdict}"
    )
    if not down.ok:
        print(
            f"  ({DOWN_CONVERT} failed, exit {down.exit_code}: its time is up to the failure,"
            " and it had neither validated nor written anything)"
        )


def median_measure(runs: Sequence[Measure]) -> Measure:
    """The median time; the exit and error of the last run (they do not change between runs)."""
    last = runs[-1]
    seconds = statistics.median(m.seconds for m in runs)
    return Measure(seconds, max(m.peak_mb for m in runs), last.exit_code, last.last_error_line)


def labelled(measure: Measure, runs: Sequence[Measure]) -> str:
    text = f"{measure.seconds:5.2f} s"
    if not measure.ok:
        text += f" (exit {measure.exit_code}: {measure.last_error_line[:90]})"
    if runs:
        text += f"  [{min(m.seconds for m in runs):.2f}–{max(m.seconds for m in runs):.2f} s]"
    return text


# --- the corpus: every document, every tool that takes it ------------------------------------


@dataclass(frozen=True)
class CorpusDocument:
    path: Path
    family: str  # "2.0", "3.0", "3.1", "3.2": the version the document declares
    ref_root: Path | None  # a multi-file document's own folder, which its $refs may not leave

    @property
    def name(self) -> str:
        return self.path.relative_to(CORPUS).as_posix()


def corpus_documents() -> list[CorpusDocument]:
    """The corpus as its manifest lists it: each single file, and each multi-file root."""
    rows = (CORPUS / "MANIFEST.tsv").read_text().splitlines()[1:]
    found = []
    for row in rows:
        local_path, _, _, _, version, *_ = row.split("\t")
        parts = Path(local_path).parts
        ref_root = CORPUS / parts[0] / parts[1] if parts[0] == "multifile" else None
        family = ".".join(version.removeprefix("swagger ").split(".")[:2])
        found.append(CorpusDocument(CORPUS / local_path, family, ref_root))
    return found


@dataclass(frozen=True)
class Outcome:
    seconds: float
    ok: bool
    error: str = ""


@dataclass
class Runner:
    """One way of converting a corpus document with one tool."""

    tool: str
    mode: str  # "subprocess" or "in-process"
    families: frozenset[str]
    convert: Callable[[CorpusDocument], Outcome]
    close: Callable[[], None] = lambda: None

    def applies(self, document: CorpusDocument) -> bool:
        return document.family in self.families


def subprocess_runner(
    tool: str, families: frozenset[str], argv: Callable[[CorpusDocument], list[str]]
) -> Runner:
    env = python_env()

    def convert(document: CorpusDocument) -> Outcome:
        measure = run_measured(argv(document), env, timeout=CORPUS_TIMEOUT_SECONDS)
        reason = measure.last_error_line or f"exit {measure.exit_code}"
        return Outcome(measure.seconds, measure.ok, "" if measure.ok else reason)

    return Runner(tool, "subprocess", families, convert)


def meta_in_process_runner(families: frozenset[str]) -> Runner:
    """`run_pipeline` as `openapi-meta convert` calls it, rendering JSON, in this process."""
    from openapi_meta.config import Settings
    from openapi_meta.emit import render
    from openapi_meta.errors import OpenApiMetaError
    from openapi_meta.pipeline import conversion_settings, run_pipeline
    from openapi_meta.sources.file import FileSource
    from openapi_meta.sources.options import FileOptions

    json_text = partial(render, fmt="json", source="")

    def convert(document: CorpusDocument) -> Outcome:
        settings = conversion_settings(
            Settings().with_groups(FileOptions(ref_root=document.ref_root))
        )
        start = time.perf_counter()
        try:
            run_pipeline(FileSource(document.path), settings=settings, render=json_text)
        except OpenApiMetaError as exc:
            return Outcome(time.perf_counter() - start, False, str(exc))
        except Exception as exc:  # a crash is a bug, and a result worth reporting
            return Outcome(time.perf_counter() - start, False, f"crash: {exc!r}")
        return Outcome(time.perf_counter() - start, True)

    return Runner("openapi-meta", "in-process", families, convert)


# The peers' libraries as their CLIs use them (down-convert reads any file with js-yaml;
# swagger2openapi's CLI calls convertFile without patch or resolve), minus writing the file.
# Each request is a JSON string (a path) on a line; each reply a JSON object on a line.
NODE_WORKER = r"""
const fs = require('fs');
const readline = require('readline');
console.log = console.error;  // the libraries' chatter must not mix with the replies
const tool = process.argv[1];
let convert;
if (tool === 'openapi-down-convert') {
  const { Converter } = require('@apiture/openapi-down-convert');
  const yaml = require(require.resolve('js-yaml', {
    paths: [require.resolve('@apiture/openapi-down-convert')] }));
  convert = async (file) => {
    const source = yaml.load(fs.readFileSync(file, 'utf8'));
    return JSON.stringify(new Converter(source, {}).convert(), null, 2);
  };
} else {
  const s2o = require('swagger2openapi');
  convert = async (file) => {
    const options = await s2o.convertFile(file, {});
    return JSON.stringify(options.openapi, null, 4);
  };
}
(async () => {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    const start = process.hrtime.bigint();
    let reply = { ok: true };
    try {
      await convert(JSON.parse(line));
    } catch (ex) {
      reply = { ok: false, error: String((ex && ex.message) || ex).split('\n')[0] };
    }
    reply.seconds = Number(process.hrtime.bigint() - start) / 1e9;
    process.stdout.write(JSON.stringify(reply) + '\n');
  }
})();
"""


class NodeWorker:
    """A node process with one peer's library loaded; restarted after a timeout or a crash."""

    def __init__(self, tool: str) -> None:
        self.tool = tool
        self.process: subprocess.Popen[str] | None = None

    def start(self) -> subprocess.Popen[str]:
        if self.process is None:
            self.process = subprocess.Popen(
                ["node", "-e", NODE_WORKER, self.tool],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                cwd=NPM_DIR,  # `node -e` resolves require() from here
                text=True,
            )
        return self.process

    def convert(self, document: CorpusDocument) -> Outcome:
        process = self.start()
        assert process.stdin is not None and process.stdout is not None
        start = time.perf_counter()
        process.stdin.write(json.dumps(str(document.path)) + "\n")
        process.stdin.flush()
        ready, _, _ = select.select([process.stdout], [], [], CORPUS_TIMEOUT_SECONDS)
        line = process.stdout.readline() if ready else ""
        if not line:
            self.close()
            reason = "timeout" if not ready else "node exited"
            return Outcome(time.perf_counter() - start, False, reason)
        reply = json.loads(line)
        return Outcome(reply["seconds"], reply["ok"], reply.get("error", ""))

    def close(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None


def corpus_runners(tmp: Path) -> list[Runner]:
    everything = frozenset({"2.0", "3.0", "3.1", "3.2"})
    by_tool = {DOWN_CONVERT: frozenset({"3.0", "3.1", "3.2"}), SWAGGER2OPENAPI: frozenset({"2.0"})}

    def meta_argv(document: CorpusDocument) -> list[str]:
        argv = [*openapi_meta_argv("convert", tmp / "meta.json"), str(document.path)]
        return argv + (["--ref-root", str(document.ref_root)] if document.ref_root else [])

    def down_argv(document: CorpusDocument) -> list[str]:
        output = str(tmp / "down.json")
        return [str(NPM_BIN / DOWN_CONVERT), "--output", output, "--input", str(document.path)]

    def s2o_argv(document: CorpusDocument) -> list[str]:
        return [
            str(NPM_BIN / SWAGGER2OPENAPI),
            "--outfile",
            str(tmp / "s2o.json"),
            str(document.path),
        ]

    runners = [
        subprocess_runner("openapi-meta", everything, meta_argv),
        subprocess_runner(DOWN_CONVERT, by_tool[DOWN_CONVERT], down_argv),
        subprocess_runner(SWAGGER2OPENAPI, by_tool[SWAGGER2OPENAPI], s2o_argv),
        meta_in_process_runner(everything),
    ]
    for tool, families in by_tool.items():
        worker = NodeWorker(tool)
        runners.append(Runner(tool, "in-process", families, worker.convert, worker.close))
    return runners


Results = dict[tuple[str, str], dict[str, Outcome]]  # (mode, tool) → document name → outcome


def bench_corpus(repeat: int, tmp: Path) -> None:
    manifest = CORPUS / "MANIFEST.tsv"
    if not manifest.is_file():
        print(f"corpus: skipped, {manifest} is absent (the shared corpus is not on this machine)")
        return
    docs = corpus_documents()
    runners = corpus_runners(tmp)
    families = Counter(d.family for d in docs)
    listing = ", ".join(f"{n} × {family}" for family, n in sorted(families.items()))
    print(f"corpus: {len(docs)} documents ({listing}) from {CORPUS}")
    print(f"  best of {repeat} round(s), the tools taking turns on each document ...", flush=True)
    try:
        for runner in runners:  # imports and node start-up are not a document's time
            if runner.mode == "in-process":
                runner.convert(next(d for d in docs if runner.applies(d)))
        results = run_corpus(docs, runners, repeat)
    finally:
        for runner in runners:
            runner.close()
    for mode in ("subprocess", "in-process"):
        print_corpus_table(mode, docs, runners, results)
    print_slowest(results)
    print_corpus_failures(docs, results)


def run_corpus(docs: list[CorpusDocument], runners: list[Runner], repeat: int) -> Results:
    """Each document by each tool in turn, the order rotating so no tool always goes first;
    a document a tool failed on in any round counts as failed (its fastest failure)."""
    results: Results = {(r.mode, r.tool): {} for r in runners}
    started = time.perf_counter()
    for round_ in range(repeat):
        for index, document in enumerate(docs):
            applicable = [r for r in runners if r.applies(document)]
            shift = (index + round_) % len(applicable)
            for runner in applicable[shift:] + applicable[:shift]:
                outcome = runner.convert(document)
                best = results[runner.mode, runner.tool].get(document.name)
                if best is None or (outcome.ok, outcome.seconds) < (best.ok, best.seconds):
                    results[runner.mode, runner.tool][document.name] = outcome
            if (index + 1) % 50 == 0:
                elapsed = time.perf_counter() - started
                print(f"  round {round_ + 1}: {index + 1} documents, {elapsed:.0f} s", flush=True)
    return results


def print_corpus_table(
    mode: str, docs: list[CorpusDocument], runners: list[Runner], results: Results
) -> None:
    meta = results[mode, "openapi-meta"]
    print(f"\ncorpus, {mode}: time ratio = tool's total / openapi-meta's on the same documents")
    print(
        f"  {'tool':22} {'set':4} {'docs':>5} {'ok':>4} {'fail':>4} {'total s':>8}"
        f" {'failed s':>8} {'docs/s':>7} {'ratio':>6} {'both ok':>8}"
    )
    for runner in (r for r in runners if r.mode == mode):
        own = results[mode, runner.tool]
        sets = [[f] for f in sorted(runner.families)]
        if len(sets) > 1:
            sets.append(sorted(runner.families))
        for families in sets:
            names = [d.name for d in docs if d.family in families]
            if not names:
                continue
            label = families[0] if len(families) == 1 else "all"
            print("  " + corpus_row(runner.tool, label, [own[n] for n in names], meta, names, own))


def corpus_row(
    tool: str,
    label: str,
    outcomes: list[Outcome],
    meta: dict[str, Outcome],
    names: list[str],
    own: dict[str, Outcome],
) -> str:
    total = sum(o.seconds for o in outcomes)
    failed = [o for o in outcomes if not o.ok]
    text = (
        f"{tool:22} {label:4} {len(outcomes):5} {len(outcomes) - len(failed):4} {len(failed):4}"
        f" {total:8.2f} {sum(o.seconds for o in failed):8.2f} {len(outcomes) / total:7.1f}"
    )
    if tool == "openapi-meta":
        return text
    both = [n for n in names if own[n].ok and meta[n].ok]
    ratio = total / sum(meta[n].seconds for n in names)
    both_meta = sum(meta[n].seconds for n in both)
    both_ratio = f"{sum(own[n].seconds for n in both) / both_meta:8.2f}" if both else "n/a"
    return text + f" {ratio:6.2f} {both_ratio:>8}"


def print_corpus_failures(docs: list[CorpusDocument], results: Results) -> None:
    """openapi-meta's failures beside what the peers did with the same document, then the
    peers' failures by message: where openapi-meta fails but a peer succeeds is a bug lead."""
    print("\ncorpus: documents openapi-meta failed on")
    shown = 0
    for document in docs:
        cli = results["subprocess", "openapi-meta"][document.name]
        lib = results["in-process", "openapi-meta"][document.name]
        if cli.ok and lib.ok:
            continue
        shown += 1
        where = "both ways" if not (cli.ok or lib.ok) else ("CLI" if not cli.ok else "in-process")
        print(f"  {document.name} ({document.family}, failed {where})")
        print(f"    openapi-meta: {(lib if not lib.ok else cli).error[:300]}")
        for (mode, tool), outcomes in results.items():
            if tool != "openapi-meta" and mode == "subprocess" and document.name in outcomes:
                peer = outcomes[document.name]
                print(f"    {tool}: {'succeeded' if peer.ok else 'failed: ' + peer.error[:120]}")
    if not shown:
        print("  none")
    for (mode, tool), outcomes in results.items():
        if tool == "openapi-meta" or mode != "subprocess":
            continue
        reasons = Counter(o.error[:90] for o in outcomes.values() if not o.ok)
        print(f"\ncorpus: {tool} failures ({sum(reasons.values())}), by message")
        for reason, count in reasons.most_common():
            print(f"  {count:3} × {reason}")


def print_slowest(results: Results, count: int = 3) -> None:
    """The documents that make up most of each total: one slow document can outweigh the
    other hundred (a peer's total says little without them)."""
    print(f"\ncorpus: the {count} slowest documents of each tool")
    for (mode, tool), outcomes in results.items():
        slowest = sorted(outcomes.items(), key=lambda item: -item[1].seconds)[:count]
        cells = [f"{o.seconds:.2f} s{'' if o.ok else ' (failed)'} {n}" for n, o in slowest]
        print(f"  {tool} ({mode}): " + "; ".join(cells))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", action="store_true", help="every corpus document, every tool")
    parser.add_argument("--github", action="store_true", help="only the GitHub criterion")
    parser.add_argument(
        "--repeat",
        type=int,
        help="runs per measurement: best of 3 (table), median of 5 (GitHub), best of 1 (corpus)",
    )
    parser.add_argument(
        "--no-validator", action="store_true", help="skip openapi-spec-validator (23 s)"
    )
    args = parser.parse_args()
    install_npm_tools()
    with tempfile.TemporaryDirectory(prefix="bench-convert-") as name:
        tmp = Path(name)
        if not (args.corpus or args.github):
            bench_table(args.repeat or 3, not args.no_validator, tmp)
            print()
        if args.github or not args.corpus:
            bench_github(args.repeat or 5, tmp)
        if args.corpus:
            bench_corpus(args.repeat or 1, tmp)


if __name__ == "__main__":
    main()
