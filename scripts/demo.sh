#!/usr/bin/env bash
# Fresh-machine quickstart: set up, then turn the built-in example into a fal metadata module.
# It writes under .cache/demo/ (or where $1 says), never into the checkout's own files, so it
# can run before or after scripts/test.sh, as often as you like.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
out=${1:-.cache/demo/fal_openapi.py}
mkdir -p "$(dirname "$out")"
.venv/bin/openapi-meta extract --file examples/quickstart/openapi.yaml -o "$out"
.venv/bin/openapi-meta check --file examples/quickstart/openapi.yaml --module "$out"
.venv/bin/python - "$out" <<'PY'
import importlib.util, sys
spec = importlib.util.spec_from_file_location("fal_openapi", sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
openapi = module.metadata["openapi"]
print(f"{sys.argv[1]}: OpenAPI {openapi['openapi']}, paths {sorted(openapi['paths'])},"
      f" sha256 {module.SPEC_SHA256[:12]}...")
PY
