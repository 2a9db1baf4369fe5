"""Benchmark `openapi-meta extract --image` against a bare `docker run` + `curl` loop, in one run.

For the FastAPI fixture image (`openapi-meta-test/fastapi:latest`, made by
`scripts/testbed.sh`), this measures the wall time of:

- bare: `docker run -d -p 127.0.0.1::8000 IMAGE`, `docker port`, then `curl -sf` on
  /openapi.json every 50 ms until it answers, then `docker rm -f` (what a person would script);
- openapi-meta: `openapi-meta extract --image IMAGE -o TMP -q` (start, discovery, readiness,
  removal, plus load, 3.1 → 3.0.3 conversion, validation and emit);
- pipeline only: `openapi-meta extract --file SPEC`, the same spec from disk, which says how
  much of the difference is the pipeline rather than the container handling.

The runs alternate (bare, openapi-meta, file) so drift in the engine hits all alike; medians
are printed with the difference and ratio. Target (issue 4): openapi-meta adds at most 0.5 s
to the bare loop. Usage: `.venv/bin/python scripts/bench_extract.py [--repeat N] [--image I]`.

With `--live` (issue 9) it measures discovery instead, each against the bare loop on the same
image in the same run (the bare loop is told the spec's path; openapi-meta finds it):
- not found: the no-spec fixture, time to the "no spec" answer (exit 3), against a bare loop
  that polls / until the server answers; and spectree, whose spec path is unusual
  (/apidoc/openapi.json), time to the spec;
- discovery on every framework fixture (fixtures/servers/frameworks/), time to the spec;
- the route check on a 50-path FastAPI app: extract with and without --no-route-check, the
  difference being the check's cost (target: at most 0.5 s).

With `--engines`: the same extraction through each route to the test bed's second engine
(exec, helper container, SSH forward), as ratios against the local engine in the same run.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

IMAGE = "openapi-meta-test/fastapi:latest"
SPEC_PATH = "/openapi.json"
BUDGET_SECONDS = 0.5
POLL_SECONDS = 0.05
TIMEOUT_SECONDS = 120


def bare_loop(
    image: str,
    spec_out: Path,
    *,
    path: str = SPEC_PATH,
    port: int = 8000,
    command: tuple[str, ...] = (),
    any_answer: bool = False,
) -> float:
    """docker run + polling curl + docker rm -f; seconds. `any_answer`: stop at the first
    HTTP answer, whatever its status (what "the server is up" means without a spec)."""
    started = time.perf_counter()
    run = ["docker", "run", "-d", "-p", f"127.0.0.1::{port}", image, *command]
    container = _run(run).strip()
    try:
        address = _run(["docker", "port", container, f"{port}/tcp"]).splitlines()[0].strip()
        url = f"http://{address}{path}"
        fail = [] if any_answer else ["-f"]
        deadline = time.monotonic() + TIMEOUT_SECONDS
        while True:
            done = subprocess.run(
                ["curl", "-s", *fail, "-o", str(spec_out), url], stderr=subprocess.DEVNULL
            )
            if done.returncode == 0:
                break
            if time.monotonic() > deadline:
                raise SystemExit(f"bare loop: {url} never answered")
            time.sleep(POLL_SECONDS)
    finally:
        _run(["docker", "rm", "-f", container])
    return time.perf_counter() - started


def openapi_meta(*args: str, expect: int = 0, env: dict[str, str] | None = None) -> float:
    """One `openapi-meta extract` in a fresh process (with `env` added); seconds."""
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "openapi_meta", "extract", *args, "-q", "-o", f"{tmp}/m.py"],
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, **(env or {})},
        )
        elapsed = time.perf_counter() - started
    if done.returncode != expect:
        raise SystemExit(
            f"openapi-meta extract {' '.join(args)} exited {done.returncode}:\n{done.stderr}"
        )
    return elapsed


def _run(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


FRAMEWORKS = Path(__file__).resolve().parent.parent / "fixtures" / "servers" / "frameworks"
# Where each framework fixture serves its spec and on which port (the bare loop is told).
FRAMEWORK_SPECS = {
    "bentoml": ("/docs.json", 3000),
    "connexion": ("/api/openapi.json", 8000),
    "django-ninja": ("/api/openapi.json", 8000),
    "express": ("/api-docs/swagger-ui-init.js", 3000),  # the spec is inline in it
    "fastapi-mounted": ("/api/v1/openapi.json", 8000),
    "fastify": ("/reference/json", 3000),
    "gradio": ("/gradio_api/openapi.json", 8000),
    "litserve": ("/openapi.json", 8000),
    "mlserver": ("/v2/docs/dataplane.json", 8080),
    "nestjs": ("/api-json", 3000),
    "robyn": ("/openapi.json", 8080),
    "spectree": ("/apidoc/openapi.json", 8000),
}
# A FastAPI app with 50 paths, run in the fastapi-mounted fixture's image.
FIFTY_PATHS = (
    "import uvicorn; from fastapi import FastAPI; app = FastAPI();"
    " [app.get(f'/r{i}/{{item_id}}')(lambda item_id: item_id) for i in range(50)];"
    " uvicorn.run(app, host='0.0.0.0', port=8000, log_level='warning')"
)


def _ratio_line(label: str, ours: list[float], bare: list[float]) -> str:
    a, b = statistics.median(ours), statistics.median(bare)
    return f"  {label:34} {a:6.2f} s vs bare {b:6.2f} s   ratio {a / b:5.2f}"


def live(repeat: int) -> None:
    """Issue 9's figures: discovery, "not found", and the route check, against bare loops."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "spec"
        print(f"live-server discovery, {repeat} runs each (alternating), medians:")
        no_spec = "openapi-meta-test/no-spec:latest"
        bare = [bare_loop(no_spec, out, path="/", any_answer=True) for _ in range(repeat)]
        ours = [openapi_meta("--image", no_spec, expect=3) for _ in range(repeat)]
        print(_ratio_line("no-spec: time to 'not found'", ours, bare))
        for name in sorted(p.name for p in FRAMEWORKS.iterdir() if (p / "Dockerfile").exists()):
            image = f"openapi-meta-test/{name}:latest"
            path, port = FRAMEWORK_SPECS[name]
            bare, ours, failed = [], [], ""
            for _ in range(repeat):
                bare.append(bare_loop(image, out, path=path, port=port))
                try:
                    ours.append(openapi_meta("--image", image))
                except SystemExit as exc:
                    failed = f"  (failed: {str(exc).splitlines()[-1][:60]})"
                    break
            if failed:
                print(f"  {name:34} {failed}")
                continue
            print(_ratio_line(f"{name}: time to the spec", ours, bare))
        image = "openapi-meta-test/fastapi-mounted:latest"
        fifty = ("python3", "-c", FIFTY_PATHS)
        with_check, without, bare = [], [], []
        options = ["--image", image, "--cmd", shlex.join(fifty)]
        for _ in range(repeat):
            bare.append(bare_loop(image, out, command=fifty))
            with_check.append(openapi_meta(*options))
            without.append(openapi_meta(*options, "--no-route-check"))
        print(_ratio_line("50 paths, route check on", with_check, bare))
        print(_ratio_line("50 paths, --no-route-check", without, bare))
        cost = statistics.median(with_check) - statistics.median(without)
        verdict = "within" if cost <= BUDGET_SECONDS else "OVER"
        print(
            f"  route check cost on 50 paths: {cost:+.3f} s"
            f" ({cost / statistics.median(bare):+.2f} of the bare loop);"
            f" target at most {BUDGET_SECONDS} s: {verdict}"
        )


# The test bed's second engine (scripts/testbed.sh): a dockerd in its own network namespace,
# by its unix socket and as ssh:// through an sshd there.
ENGINE2 = "/run/openapi-meta-engine2"
ENGINE_ROUTES = {
    "local engine, published port": {},
    "namespaced engine, exec": {
        "DOCKER_HOST": f"unix://{ENGINE2}/docker.sock",
        "OPENAPI_META_ROUTES": "exec",
    },
    "namespaced engine, helper container": {
        "DOCKER_HOST": f"unix://{ENGINE2}/docker.sock",
        "OPENAPI_META_ROUTES": "helper",
    },
    "ssh:// engine, SSH forward": {
        "DOCKER_HOST": "ssh://openapi-meta-engine2",
        "HOME": f"{ENGINE2}/ssh/home",
        "OPENAPI_META_ROUTES": "tunnel",
    },
}


def engine_figures(image: str, repeat: int) -> None:
    """`extract --image` through each route to the second engine, as ratios against the
    local engine in the same run (alternating, after one warm-up each: the first helper
    run imports the helper image on the engine, later ones reuse it)."""
    times: dict[str, list[float]] = {name: [] for name in ENGINE_ROUTES}
    for env in ENGINE_ROUTES.values():
        openapi_meta("--image", image, env=env)
    for _ in range(repeat):
        for name, env in ENGINE_ROUTES.items():
            times[name].append(openapi_meta("--image", image, env=env))
    local = statistics.median(times["local engine, published port"])
    print(f"image: {image}, {repeat} runs each (alternating), medians, ratio to the local engine:")
    for name, values in times.items():
        median = statistics.median(values)
        spread = f"min {min(values):.3f}, max {max(values):.3f}"
        print(f"  {name:38} {median:7.3f} s  x{median / local:5.2f}  ({spread})")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--image", default=IMAGE)
    parser.add_argument("--live", action="store_true", help="issue 9's discovery figures")
    parser.add_argument(
        "--engines", action="store_true", help="Compare the routes to the test bed's second engine."
    )
    args = parser.parse_args()
    if args.live:
        live(args.repeat)
        return
    _run(["docker", "image", "inspect", args.image])  # fail early, with docker's message
    if args.engines:
        engine_figures(args.image, args.repeat)
        return

    times: dict[str, list[float]] = {"bare": [], "openapi-meta": [], "file": []}
    with tempfile.TemporaryDirectory() as tmp:
        spec = Path(tmp) / "openapi.json"
        bare_loop(args.image, spec)  # warm-up: page cache, engine, first image start
        openapi_meta("--image", args.image)
        for _ in range(args.repeat):
            times["bare"].append(bare_loop(args.image, spec))
            times["openapi-meta"].append(openapi_meta("--image", args.image))
            times["file"].append(openapi_meta("--file", str(spec)))

    median = {name: statistics.median(values) for name, values in times.items()}
    print(f"image: {args.image}, {args.repeat} runs each (alternating), medians:")
    for name, label in (
        ("bare", "docker run + curl loop + docker rm -f"),
        ("openapi-meta", "openapi-meta extract --image"),
        ("file", "openapi-meta extract --file (same spec)"),
    ):
        spread = f"min {min(times[name]):.3f}, max {max(times[name]):.3f}"
        print(f"  {label:42} {median[name]:7.3f} s   ({spread})")
    added = median["openapi-meta"] - median["bare"]
    ratio = median["openapi-meta"] / median["bare"]
    print(f"  openapi-meta adds {added:+.3f} s to the bare loop (ratio {ratio:.2f})")
    print(f"  of which the pipeline alone (--file) takes {median['file']:.3f} s")
    verdict = "within" if added <= BUDGET_SECONDS else "OVER"
    print(f"  target: at most +{BUDGET_SECONDS} s: {verdict}")


if __name__ == "__main__":
    main()
