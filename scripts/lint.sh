#!/usr/bin/env bash
# The lint steps of scripts/test.sh: ruff's checks and its formatting, over the whole checkout.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/ruff check .
.venv/bin/ruff format --check .
