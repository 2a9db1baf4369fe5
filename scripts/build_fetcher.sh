#!/usr/bin/env bash
# Build the helper image's fetcher (openapi_meta/engine/fetcher/om-fetch.c) for amd64 and arm64.
#
# The binaries are committed next to the source: a user's engine gets them from the installed
# package, with no compiler, registry or network. Run this after editing om-fetch.c; it needs
# gcc and Debian's gcc-aarch64-linux-gnu. The build is deterministic (same compilers, same
# bytes), and tests/test_fetcher_binary.py rebuilds to check the committed files match.
set -euo pipefail
cd "$(dirname "$0")/../openapi_meta/engine/fetcher"
out=${1:-.}
flags=(-Os -static -nostdlib -ffreestanding -fno-builtin -fno-stack-protector -fno-pie -no-pie
    -fno-asynchronous-unwind-tables -fno-unwind-tables -Wall -Wextra -Werror
    -Wl,--build-id=none -Wl,-z,noexecstack -Wl,-z,norelro -s)
gcc "${flags[@]}" -o "$out/om-fetch-amd64" om-fetch.c
aarch64-linux-gnu-gcc "${flags[@]}" -o "$out/om-fetch-arm64" om-fetch.c
gcc --version | head -n 1 >"$out/BUILT_WITH"
aarch64-linux-gnu-gcc --version | head -n 1 >>"$out/BUILT_WITH"
ls -l "$out"/om-fetch-amd64 "$out"/om-fetch-arm64 >&2
