#!/usr/bin/env bash
# Create .venv and install openapi-meta with its test tools (fal included). Idempotent: the
# install runs again only when pyproject.toml's content changed (not its mtime, which a fresh
# clone or checkout sets to now).
set -euo pipefail
cd "$(dirname "$0")/.."
python=${PYTHON:-python3}
if ! "$python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
  echo "setup: openapi-meta needs Python 3.10 or newer ($python is $("$python" --version 2>&1))" >&2
  exit 1
fi
[[ -x .venv/bin/python ]] || "$python" -m venv .venv
stamp=.venv/.openapi-meta-installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [[ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]]; then
  echo "setup: installing openapi-meta and its test tools into .venv" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]' 2>&1 \
    | grep -v "is ignored: it is neither a file nor a directory" >&2 || true
  .venv/bin/python -c 'import openapi_meta, fal, pytest' # fail loudly if the install did not work
  echo "$wanted" >"$stamp"
fi
