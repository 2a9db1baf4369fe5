#!/usr/bin/env bash
# Fresh-machine test run: set up Python, the Docker test bed, lint, then the whole suite.
# Extra arguments go to pytest (e.g. scripts/test.sh -k loader).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
scripts/testbed.sh
scripts/lint.sh
exec .venv/bin/pytest "$@"
