#!/usr/bin/env bash
# Make a Docker engine answer and build the images the integration tests run.
#
# Steps, each skipped when its result is already there (a second run takes seconds):
#   1. engine: if `docker info` fails, install docker.io + iptables from Debian (root + apt only)
#      and start dockerd in the background, logging to .cache/testbed/dockerd.log;
#   2. openapi-meta-test/base:bookworm: debootstrap (minbase + python3) and `docker import`,
#      the rootfs tarball cached in .cache/testbed/;
#   3. openapi-meta-test/pybase:bookworm: the base plus the fixture servers' Python packages,
#      installed on the host with `pip install --target` (no registry needed inside the build);
#   4. openapi-meta-test/<name>:latest for every fixtures/servers/<name>/, rebuilt only when the
#      folder's content hash (an image label) changes;
#   4b. openapi-meta-test/<name>:latest for every fixtures/servers/frameworks/<name>/, each on a
#      site image of its own packages (pip --target or npm ci on the host, cached by inputs);
#   5. a smoke run: publish a port on 127.0.0.1 and get an answer through it.
# When no engine can be had: exit 1 under CI=true, else explain, write
# .cache/testbed/unavailable and exit 0 so the Docker tests skip with that reason.
#
# Environment: TESTBED_PYTHON (a Python for pip, default .venv/bin/python, then python3),
# DEBIAN_MIRROR (default: the bookworm mirror in apt's sources).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE="$ROOT/.cache/testbed"
SERVERS="$ROOT/fixtures/servers"
BASE_IMAGE=openapi-meta-test/base:bookworm
PYBASE_IMAGE=openapi-meta-test/pybase:bookworm
HASH_LABEL=org.openapi-meta.testbed.hash
UNAVAILABLE="$CACHE/unavailable"
SMOKE_IMAGE=openapi-meta-test/no-spec:latest
# The legacy builder needs no buildx plugin and handles these tiny builds just as fast.
export DOCKER_BUILDKIT=0
export DEBIAN_FRONTEND=noninteractive
START=$SECONDS
APT_UPDATED=

log() { printf 'testbed: %s\n' "$*" >&2; }
die() {
    printf 'testbed: error: %s\n' "$*" >&2
    exit 1
}

# No engine and no way to make one: a failure in CI, a reasoned skip elsewhere.
unavailable() {
    if [[ "${CI:-}" == "true" ]]; then
        die "no Docker engine: $1 (CI=true: the Docker tests must run)"
    fi
    mkdir -p "$CACHE"
    printf '%s\n' "$1" >"$UNAVAILABLE"
    log "no Docker engine: $1"
    log "the Docker tests will skip; reason written to ${UNAVAILABLE#"$ROOT"/}"
    exit 0
}

apt_install() {
    if [[ -z "$APT_UPDATED" ]]; then
        log "apt-get update"
        apt-get update -qq >&2 || die "apt-get update failed"
        APT_UPDATED=1
    fi
    log "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@" >&2 || die "apt-get install $* failed"
}

engine_answers() { docker info >/dev/null 2>&1; }

# The PID of a running process named $1; a zombie (state Z) does not count.
live_pid() {
    local pid
    for pid in $(pgrep -x "$1"); do
        if [[ "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" != Z ]]; then
            echo "$pid"
            return 0
        fi
    done
    return 1
}

ensure_engine() {
    mkdir -p "$CACHE"
    if engine_answers; then
        log "engine: answering"
        return
    fi
    if [[ -n "${DOCKER_HOST:-}" && "$DOCKER_HOST" != "unix:///var/run/docker.sock" ]]; then
        # A remote engine or a Podman socket: starting a local dockerd would not help.
        unavailable "the engine at DOCKER_HOST=$DOCKER_HOST does not answer"
    fi
    command -v docker >/dev/null || [[ $EUID -eq 0 ]] ||
        unavailable "no docker client, and not root to install one"
    if ! command -v dockerd >/dev/null; then
        [[ $EUID -eq 0 ]] || unavailable "dockerd is not installed and we are not root"
        command -v apt-get >/dev/null || unavailable "dockerd is not installed and apt-get is missing"
        apt_install docker.io iptables
    fi
    if [[ $EUID -ne 0 ]]; then
        unavailable "dockerd is installed but not running, and we are not root to start it"
    fi
    if ! live_pid dockerd >/dev/null; then
        # A killed dockerd can stay behind as a zombie (PID 1 here need not reap), and its pid
        # files still name it: dockerd would refuse to start ("pid file found").
        rm -f /var/run/docker.pid /var/run/docker/containerd/containerd.pid
        log "engine: starting dockerd (log: ${CACHE#"$ROOT"/}/dockerd.log)"
        # setsid + nohup: dockerd outlives this script and the shell that ran it. 9>&-: it must
        # not inherit the lock's descriptor, or it would hold the lock for good and every later
        # run of this script would wait on it.
        setsid nohup dockerd --storage-driver=overlay2 >"$CACHE/dockerd.log" 2>&1 </dev/null 9>&- &
    else
        log "engine: dockerd is running, waiting for it to answer"
    fi
    local started=$SECONDS deadline=$((SECONDS + 60))
    until engine_answers; do
        # A dockerd that died gives up at once (after a moment for it to exec at all).
        if ((SECONDS >= deadline)) || { ((SECONDS - started >= 5)) && ! live_pid dockerd >/dev/null; }; then
            tail -n 20 "$CACHE/dockerd.log" >&2 2>/dev/null || true
            unavailable "dockerd did not start or did not answer within 60 s (see ${CACHE#"$ROOT"/}/dockerd.log)"
        fi
        sleep 0.5
    done
    log "engine: answering after $((SECONDS - START)) s"
}

image_exists() { docker image inspect "$1" >/dev/null 2>&1; }

image_label() {
    docker image inspect -f "{{ index .Config.Labels \"$HASH_LABEL\" }}" "$1" 2>/dev/null || true
}

# The first bookworm (not -security) mirror in apt's sources, deb822 or one-line format.
debian_mirror() {
    if [[ -n "${DEBIAN_MIRROR:-}" ]]; then
        echo "$DEBIAN_MIRROR"
        return
    fi
    local url
    url=$(awk '
        /^URIs:/ { uri = $2 }
        /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm" && uri != "") { print uri; exit } }
        /^deb / { for (i = 3; i <= NF; i++) if ($i == "bookworm") { print $(i - 1); exit } }
    ' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | head -n 1)
    echo "${url:-http://deb.debian.org/debian}"
}

ensure_base() {
    if image_exists "$BASE_IMAGE"; then
        log "base: $BASE_IMAGE exists"
        return
    fi
    local tarball="$CACHE/rootfs-bookworm.tar"
    if [[ ! -s "$tarball" ]]; then
        command -v debootstrap >/dev/null || apt_install debootstrap
        local mirror rootfs
        mirror=$(debian_mirror)
        rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
        log "base: debootstrap bookworm from $mirror (about 80 s)"
        if ! debootstrap --variant=minbase --include=python3 bookworm "$rootfs" "$mirror" \
            >"$CACHE/debootstrap.log" 2>&1; then
            tail -n 20 "$CACHE/debootstrap.log" >&2
            rm -rf "$rootfs"
            die "debootstrap failed (see ${CACHE#"$ROOT"/}/debootstrap.log)"
        fi
        # The package cache and lists are only bulk in an image nobody runs apt in.
        rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
        tar -C "$rootfs" -c . >"$tarball.tmp"
        mv "$tarball.tmp" "$tarball"
        rm -rf "$rootfs"
    else
        log "base: using cached ${tarball#"$ROOT"/}"
    fi
    log "base: docker import $BASE_IMAGE"
    docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["python3"]' \
        - "$BASE_IMAGE" <"$tarball" >/dev/null
}

host_python() {
    if [[ -n "${TESTBED_PYTHON:-}" ]]; then
        echo "$TESTBED_PYTHON"
    elif [[ -x "$ROOT/.venv/bin/python" ]]; then
        echo "$ROOT/.venv/bin/python"
    else
        command -v python3 || die "no Python on the host for pip install --target"
    fi
}

# base + the fixture packages in /opt/site; its label hashes the requirements and the base ID.
ensure_pybase() {
    local requirements="$SERVERS/fastapi/requirements.txt" hash base_id
    base_id=$(docker image inspect -f '{{.Id}}' "$BASE_IMAGE")
    hash=$(cat "$requirements" <(echo "$base_id") | sha256sum | cut -c1-16)
    if [[ "$(image_label "$PYBASE_IMAGE")" == "$hash" ]]; then
        log "pybase: $PYBASE_IMAGE is current"
        return
    fi
    install_site "$SERVERS/fastapi"
    log "pybase: docker build $PYBASE_IMAGE"
    local context
    context=$(mktemp -d "$CACHE/pybase-ctx.XXXXXX")
    local site="$CACHE/$(site_key "$SERVERS/fastapi")"
    cp -al "$site" "$context/site" 2>/dev/null || cp -a "$site" "$context/site"
    cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY site /opt/site
ENV PYTHONPATH=/opt/site PYTHONUNBUFFERED=1
EOF
    build_image "$PYBASE_IMAGE" "$hash" "$context" pybase
}

# A content hash of a fixture folder, the shared server code it copies, and the base it builds
# on: edits rebuild, the rest is instant. (tests/integration/conftest.py computes the same.)
folder_hash() {
    (
        cd "$SERVERS"
        find "$(basename "$1")" _shared -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 |
            LC_ALL=C sort -z | xargs -0 sha256sum
        echo "$2"
    ) | sha256sum | cut -c1-16
}

ensure_fixtures() {
    local pybase_id dir name image hash
    pybase_id=$(docker image inspect -f '{{.Id}}' "$PYBASE_IMAGE")
    for dir in "$SERVERS"/*/; do
        dir=${dir%/}
        [[ -f "$dir/Dockerfile" ]] || continue
        name=$(basename "$dir")
        image="openapi-meta-test/$name:latest"
        hash=$(folder_hash "$dir" "$pybase_id")
        if [[ "$(image_label "$image")" == "$hash" ]]; then
            log "fixture: $image is current"
            continue
        fi
        log "fixture: docker build $image"
        # The context is fixtures/servers: the servers share _shared/fixture_server.py.
        build_fixture "$image" "$hash" "$dir/Dockerfile" "$SERVERS" "$PYBASE_IMAGE" "$name"
    done
}

# docker build -t $1 (label hash $2) from Dockerfile $3 in context $4 on BASE_IMAGE $5; log
# name $6. The rebuilt tag leaves the old image dangling: exactly that one goes, if unused.
build_fixture() {
    local old_id
    old_id=$(docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true)
    if ! docker build -q --build-arg "BASE_IMAGE=$5" --label "$HASH_LABEL=$2" \
        -t "$1" -f "$3" "$4" >"$CACHE/build-$6.log" 2>&1; then
        cat "$CACHE/build-$6.log" >&2
        die "docker build $1 failed"
    fi
    [[ -z "$old_id" ]] || docker image rm "$old_id" >/dev/null 2>&1 || true
}

# --- Framework fixtures (fixtures/servers/frameworks/<name>/): real framework packages. ---
# Each gets its own package site, keyed by its requirements.txt (Python) or package.json and
# package-lock.json (Node), installed on the host into .cache/testbed/ and baked into a site
# image of its own; the fixture image builds on that. pybase and its fixtures stay untouched.
FRAMEWORKS="$SERVERS/frameworks"
NODEBASE_IMAGE=openapi-meta-test/nodebase:bookworm

# What keys a fixture's package site: its requirements.txt, or package.json + lock.
site_key() {
    if [[ -f "$1/package.json" ]]; then
        echo "npm-$(cat "$1/package.json" "$1/package-lock.json" | sha256sum | cut -c1-16)"
    else
        echo "site-$(sha256sum "$1/requirements.txt" | cut -c1-16)"
    fi
}

# Make .cache/testbed/<site_key> for fixture folder $1 (pip install --target, or npm ci).
install_site() {
    local folder=$1 site python
    site="$CACHE/$(site_key "$folder")"
    [[ -d "$site" ]] && return 0
    rm -rf "$site.tmp"
    if [[ -f "$folder/package.json" ]]; then
        command -v npm >/dev/null || apt_install nodejs npm
        log "site: npm ci into ${site#"$ROOT"/} for ${folder#"$ROOT"/}"
        mkdir -p "$site.tmp"
        cp "$folder/package.json" "$folder/package-lock.json" "$site.tmp/"
        (cd "$site.tmp" && npm ci --no-audit --no-fund --omit=dev) >"$CACHE/site.log" 2>&1 || {
            cat "$CACHE/site.log" >&2
            rm -rf "$site.tmp"
            die "npm ci for ${folder#"$ROOT"/} failed"
        }
    else
        python=$(host_python)
        log "site: pip install --target ${site#"$ROOT"/} for ${folder#"$ROOT"/}"
        # Wheels for CPython 3.11 on glibc x86_64, whatever the host Python is: bookworm's is 3.11.
        "$python" -m pip install --quiet --no-cache-dir --target "$site.tmp" \
            --only-binary=:all: --python-version 3.11 --implementation cp --abi cp311 \
            --platform manylinux2014_x86_64 --platform manylinux_2_17_x86_64 \
            --platform manylinux_2_28_x86_64 --platform any \
            -r "$folder/requirements.txt" >"$CACHE/site.log" 2>&1 || {
            cat "$CACHE/site.log" >&2
            rm -rf "$site.tmp"
            die "pip install --target for ${folder#"$ROOT"/} failed"
        }
        rm -rf "$site.tmp/bin"
    fi
    mv "$site.tmp" "$site"
}

# base + this host's node binary (the host is bookworm too) and whatever it links that the
# python3-only base lacks (on bookworm: nothing, apt already brings libstdc++).
ensure_nodebase() {
    local node hash context
    command -v node >/dev/null || apt_install nodejs npm
    node=$(readlink -f "$(command -v node)")
    context=$(mktemp -d "$CACHE/nodebase-ctx.XXXXXX")
    cat >"$context/Dockerfile" <<EOF
FROM $BASE_IMAGE
COPY lib/ /tmp/node-libs/
RUN for lib in /tmp/node-libs/*; do \
        name=\$(basename "\$lib"); \
        ls /lib/*/"\$name" /usr/lib/*/"\$name" >/dev/null 2>&1 || cp "\$lib" /usr/local/lib/; \
    done; rm -rf /tmp/node-libs; ldconfig
COPY node /usr/local/bin/node
RUN node -e 'process.exit(0)'
EOF
    # The label: the binary, the recipe and the base.
    hash=$(cat <(sha256sum "$node") "$context/Dockerfile" \
        <(docker image inspect -f '{{.Id}}' "$BASE_IMAGE") | sha256sum | cut -c1-16)
    if [[ "$(image_label "$NODEBASE_IMAGE")" == "$hash" ]]; then
        rm -rf "$context"
        log "nodebase: $NODEBASE_IMAGE is current"
        return
    fi
    log "nodebase: docker build $NODEBASE_IMAGE with $node ($(node --version))"
    mkdir -p "$context/lib"
    cp "$node" "$context/node"
    ldd "$node" | awk '/=> \//{print $3}' | xargs -r cp -L -t "$context/lib/"
    build_image "$NODEBASE_IMAGE" "$hash" "$context" nodebase
}

# docker build -t $1 with label hash $2 from context $3 (its Dockerfile); log name $4.
build_image() {
    if ! docker build -q --label "$HASH_LABEL=$2" -t "$1" "$3" >"$CACHE/build-$4.log" 2>&1; then
        cat "$CACHE/build-$4.log" >&2
        rm -rf "$3"
        die "docker build $1 failed"
    fi
    rm -rf "$3"
}

# openapi-meta-test/<name>-site:bookworm: the base (or nodebase) plus the fixture's packages.
# Its label hashes the site key and the base: a current image needs no install at all.
ensure_framework_site() {
    local folder=$1 name=$2 image=$3 key base hash context
    key=$(site_key "$folder")
    base=$BASE_IMAGE
    [[ -f "$folder/package.json" ]] && base=$NODEBASE_IMAGE
    hash=$(cat <(echo "$key") <(docker image inspect -f '{{.Id}}' "$base") | sha256sum | cut -c1-16)
    if [[ "$(image_label "$image")" == "$hash" ]]; then
        return
    fi
    install_site "$folder"
    log "site: docker build $image"
    context=$(mktemp -d "$CACHE/site-ctx.XXXXXX")
    if [[ -f "$folder/package.json" ]]; then
        # /node_modules: found from /app by Node's resolution, ESM imports included.
        cp -al "$CACHE/$key/node_modules" "$context/site" 2>/dev/null ||
            cp -a "$CACHE/$key/node_modules" "$context/site"
        printf 'FROM %s\nCOPY site /node_modules\n' "$base" >"$context/Dockerfile"
    else
        cp -al "$CACHE/$key" "$context/site" 2>/dev/null || cp -a "$CACHE/$key" "$context/site"
        printf 'FROM %s\nCOPY site /opt/site\nENV PYTHONPATH=/opt/site PYTHONUNBUFFERED=1\n' \
            "$base" >"$context/Dockerfile"
    fi
    build_image "$image" "$hash" "$context" "$name-site"
}

# The same content hash as folder_hash, for a folder under frameworks/ (no _shared there).
framework_hash() {
    (
        cd "$FRAMEWORKS"
        find "$(basename "$1")" -type f ! -path '*/__pycache__/*' ! -name '*.pyc' -print0 |
            LC_ALL=C sort -z | xargs -0 sha256sum
        echo "$2"
    ) | sha256sum | cut -c1-16
}

ensure_framework_fixtures() {
    local dir name image site_image site_id hash
    [[ -d "$FRAMEWORKS" ]] || return 0
    if compgen -G "$FRAMEWORKS/*/package.json" >/dev/null; then
        ensure_nodebase
    fi
    for dir in "$FRAMEWORKS"/*/; do
        dir=${dir%/}
        [[ -f "$dir/Dockerfile" ]] || continue
        name=$(basename "$dir")
        image="openapi-meta-test/$name:latest"
        site_image="openapi-meta-test/$name-site:bookworm"
        ensure_framework_site "$dir" "$name" "$site_image"
        site_id=$(docker image inspect -f '{{.Id}}' "$site_image")
        hash=$(framework_hash "$dir" "$site_id")
        if [[ "$(image_label "$image")" == "$hash" ]]; then
            log "framework: $image is current"
            continue
        fi
        log "framework: docker build $image"
        build_fixture "$image" "$hash" "$dir/Dockerfile" "$FRAMEWORKS" "$site_image" "$name"
    done
}

# Port publishing on 127.0.0.1 must work: the tool publishes every container that way.
smoke_run() {
    local cid port deadline ok=
    cid=$(docker run -d --rm -p 127.0.0.1::8000 --label org.openapi-meta.testbed=smoke \
        "$SMOKE_IMAGE") || die "docker run $SMOKE_IMAGE failed"
    port=$(docker port "$cid" 8000/tcp | head -n 1 | sed 's/.*://')
    deadline=$((SECONDS + 15))
    while ((SECONDS < deadline)); do
        if python3 -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=2)" \
            "http://127.0.0.1:$port/" 2>/dev/null; then
            ok=1
            break
        fi
        sleep 0.2
    done
    docker rm -f "$cid" >/dev/null 2>&1 || true
    [[ -n "$ok" ]] || die "a container port published on 127.0.0.1:$port did not answer"
    log "smoke: 127.0.0.1:$port -> container 8000 answered"
}

main() {
    # Two runs at once (two checkouts, two terminals) would race to start dockerd and to build.
    if command -v flock >/dev/null; then
        exec 9>"${TMPDIR:-/tmp}/openapi-meta-testbed.lock"
        flock 9
    fi
    command -v docker >/dev/null || [[ $EUID -eq 0 ]] || unavailable "no docker client on PATH"
    ensure_engine
    rm -f "$UNAVAILABLE"
    ensure_base
    ensure_pybase
    ensure_fixtures
    ensure_framework_fixtures
    smoke_run
    log "ready in $((SECONDS - START)) s"
}

main "$@"
