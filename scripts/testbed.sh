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
#   5. openapi-meta-test/static-server (a static binary alone in its image) and
#      openapi-meta-test/busybox, made with `docker import` (no Dockerfile can build them here);
#   6. a smoke run: publish a port on 127.0.0.1 and get an answer through it;
#   7. the second engine: a dockerd in the network namespace openapi-meta-engine2, its socket
#      /run/openapi-meta-engine2/docker.sock, the images its tests run, and an sshd there for
#      ssh:// (ssh config in /run/openapi-meta-engine2/ssh/home/.ssh). `testbed.sh stop-engine2`
#      stops it and removes the namespace.
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
STATIC_IMAGE=openapi-meta-test/static-server:latest
BUSYBOX_IMAGE=openapi-meta-test/busybox:latest
# The second engine (tests/integration/images.py names the same paths).
ENGINE2_NS=openapi-meta-engine2
ENGINE2_RUN=/run/openapi-meta-engine2
ENGINE2_SOCKET=$ENGINE2_RUN/docker.sock
ENGINE2_DATA=/var/lib/openapi-meta-engine2
ENGINE2_UNAVAILABLE="$CACHE/engine2-unavailable"
ENGINE2_IMAGES=(openapi-meta-test/fastapi:latest openapi-meta-test/exits:latest
    openapi-meta-test/hanging-spec:latest openapi-meta-test/slow-start:latest "$STATIC_IMAGE")
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

# Whether process $1 runs; a zombie (state Z) does not count.
pid_alive() { [[ -n "$1" && -e "/proc/$1/stat" && "$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null)" != Z ]]; }

# The PID of a running process named $1 in our network namespace (the second engine's
# dockerd, in a namespace of its own, is not the main one).
live_pid() {
    local pid
    for pid in $(pgrep -x "$1"); do
        if pid_alive "$pid" && [[ "$(readlink "/proc/$pid/ns/net")" == "$(readlink /proc/self/ns/net)" ]]; then
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

# ---- Images no Dockerfile can build here -------------------------------------------------

# openapi-meta-test/static-server: fixtures/static-server/server.c built static with the host's
# gcc and `docker import`ed alone: no shell, no interpreter, no fetcher in the image.
ensure_static_server() {
    local src="$ROOT/fixtures/static-server" hash rootfs
    command -v gcc >/dev/null || apt_install gcc libc6-dev
    hash=$( (cat "$src/server.c" "$src/openapi.json"; gcc --version | head -n 1) | sha256sum | cut -c1-16)
    if [[ "$(image_label "$STATIC_IMAGE")" == "$hash" ]]; then
        log "static: $STATIC_IMAGE is current"
        return
    fi
    log "static: gcc -static fixtures/static-server/server.c, docker import $STATIC_IMAGE"
    rootfs=$(mktemp -d "$CACHE/static.XXXXXX")
    # -I: .incbin finds openapi.json next to the source.
    gcc -static -O2 -Wall -I "$src" -o "$rootfs/server" "$src/server.c" || die "gcc failed"
    tar -C "$rootfs" -c server | docker import --change 'ENTRYPOINT ["/server"]' \
        --change 'EXPOSE 8000' --change "LABEL $HASH_LABEL=$hash" - "$STATIC_IMAGE" >/dev/null
    rm -rf "$rootfs"
}

# openapi-meta-test/busybox: Debian's static busybox with its applets linked in /bin, like
# the public busybox image (a shell, nc and wget, no python3, no curl, no bash).
ensure_busybox() {
    [[ -x /bin/busybox ]] || apt_install busybox-static
    local hash rootfs
    hash=$(sha256sum /bin/busybox | cut -c1-16)
    if [[ "$(image_label "$BUSYBOX_IMAGE")" == "$hash" ]]; then
        log "busybox: $BUSYBOX_IMAGE is current"
        return
    fi
    log "busybox: docker import $BUSYBOX_IMAGE"
    rootfs=$(mktemp -d "$CACHE/busybox.XXXXXX")
    mkdir -p "$rootfs/bin" "$rootfs/tmp"
    cp /bin/busybox "$rootfs/bin/busybox"
    local applet
    for applet in $(/bin/busybox --list); do
        [[ "$applet" == busybox ]] || ln -s busybox "$rootfs/bin/$applet"
    done
    tar -C "$rootfs" -c . | docker import --change 'CMD ["sh"]' \
        --change 'ENV PATH=/bin' --change "LABEL $HASH_LABEL=$hash" - "$BUSYBOX_IMAGE" >/dev/null
    rm -rf "$rootfs"
}

# ---- The second engine: a dockerd in its own network namespace --------------------------
# "Remote in the way that matters": reached through a unix socket, its published ports are on
# the namespace's 127.0.0.1, not ours. `nsenter --net` rather than `ip netns exec`, which
# remounts /sys and hides the cgroup mounts dockerd needs. Its own data and exec roots,
# pidfile, socket and config file: the main engine is never touched. Images come over with
# docker save | docker load. An sshd in the namespace (inetd mode, started per connection by
# an ssh ProxyCommand: no port, no address) serves the ssh:// tests.

engine2() { docker -H "unix://$ENGINE2_SOCKET" "$@"; }
engine2_answers() { engine2 info >/dev/null 2>&1; }

# No second engine: a failure under CI, a reasoned skip of its tests elsewhere.
engine2_unavailable() {
    if [[ "${CI:-}" == "true" ]]; then
        die "no second engine: $1 (CI=true: its tests must run)"
    fi
    printf '%s\n' "$1" >"$ENGINE2_UNAVAILABLE"
    log "no second engine: $1; its tests will skip"
}

ensure_engine2() {
    if [[ $EUID -ne 0 ]]; then
        engine2_unavailable "not root: cannot make a network namespace"
        return 1
    fi
    if [[ ! -e "/run/netns/$ENGINE2_NS" ]]; then
        log "engine2: ip netns add $ENGINE2_NS"
        ip netns add "$ENGINE2_NS" || {
            engine2_unavailable "ip netns add failed"
            return 1
        }
    fi
    ip -n "$ENGINE2_NS" link set lo up
    if engine2_answers; then
        log "engine2: answering"
        return 0
    fi
    mkdir -p "$ENGINE2_RUN" "$ENGINE2_DATA"
    if ! pid_alive "$(cat "$ENGINE2_RUN/dockerd.pid" 2>/dev/null)"; then
        rm -f "$ENGINE2_RUN/dockerd.pid" "$ENGINE2_SOCKET"
        echo '{}' >"$ENGINE2_RUN/daemon.json"
        log "engine2: starting dockerd in $ENGINE2_NS (log: ${CACHE#"$ROOT"/}/engine2-dockerd.log)"
        setsid nohup nsenter --net="/run/netns/$ENGINE2_NS" dockerd \
            --config-file "$ENGINE2_RUN/daemon.json" --data-root "$ENGINE2_DATA" \
            --exec-root "$ENGINE2_RUN/exec" --pidfile "$ENGINE2_RUN/dockerd.pid" \
            --host "unix://$ENGINE2_SOCKET" --storage-driver=overlay2 \
            >"$CACHE/engine2-dockerd.log" 2>&1 </dev/null 9>&- &
    fi
    local deadline=$((SECONDS + 60))
    until engine2_answers; do
        if ((SECONDS >= deadline)); then
            tail -n 20 "$CACHE/engine2-dockerd.log" >&2 2>/dev/null || true
            engine2_unavailable "its dockerd did not answer within 60 s"
            return 1
        fi
        sleep 0.5
    done
    log "engine2: answering"
}

# The images its tests run, moved over when the second engine lacks their current ID.
engine2_images() {
    local image missing=()
    for image in "${ENGINE2_IMAGES[@]}"; do
        if [[ "$(engine2 image inspect -f '{{.Id}}' "$image" 2>/dev/null)" != \
            "$(docker image inspect -f '{{.Id}}' "$image")" ]]; then
            missing+=("$image")
        fi
    done
    if ((${#missing[@]} == 0)); then
        log "engine2: images are current"
        return
    fi
    log "engine2: docker save ${missing[*]} | docker load"
    docker save "${missing[@]}" | engine2 load -q >/dev/null || die "docker load into engine2 failed"
    engine2 image prune -f >/dev/null # the images those tags named before: only ours are here
}

# sshd_config, keys and a HOME whose ~/.ssh reaches the second engine as ssh://ENGINE2_NS.
ensure_engine2_ssh() {
    if [[ ! -x /usr/sbin/sshd ]]; then
        # The package must not start an sshd on this machine's port 22.
        local policy=/usr/sbin/policy-rc.d added=
        [[ -e $policy ]] || { printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && added=1; }
        apt_install openssh-server
        [[ -z $added ]] || rm -f "$policy"
    fi
    local ssh="$ENGINE2_RUN/ssh" home="$ENGINE2_RUN/ssh/home/.ssh"
    mkdir -p "$home" /run/sshd
    chmod 700 "$home"
    [[ -f "$ssh/host_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C engine2 -f "$ssh/host_ed25519"
    [[ -f "$home/id_ed25519" ]] || ssh-keygen -q -t ed25519 -N '' -C tests -f "$home/id_ed25519"
    cp "$home/id_ed25519.pub" "$ssh/authorized_keys"
    cat >"$ssh/sshd_config" <<EOF
HostKey $ssh/host_ed25519
AuthorizedKeysFile $ssh/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
AllowTcpForwarding local
X11Forwarding no
PrintMotd no
PidFile none
SetEnv DOCKER_HOST=unix://$ENGINE2_SOCKET
EOF
    cat >"$home/config" <<EOF
Host $ENGINE2_NS
    User root
    IdentityFile $home/id_ed25519
    ProxyCommand nsenter --net=/run/netns/$ENGINE2_NS /usr/sbin/sshd -i -f $ssh/sshd_config
EOF
    echo "$ENGINE2_NS $(cut -d' ' -f1,2 "$ssh/host_ed25519.pub")" >"$home/known_hosts"
    local via_ssh
    via_ssh=$(ssh -F "$home/config" -o UserKnownHostsFile="$home/known_hosts" -o BatchMode=yes \
        "$ENGINE2_NS" docker info -f '{{.ID}}' 2>"$CACHE/engine2-ssh.log") || {
        cat "$CACHE/engine2-ssh.log" >&2
        die "ssh to the second engine failed"
    }
    [[ "$via_ssh" == "$(engine2 info -f '{{.ID}}')" ]] || die "ssh reached another engine than engine2"
    log "engine2: ssh://$ENGINE2_NS answers"
}

# Stop the second engine and remove its namespace (its data root stays, for a fast restart).
stop_engine2() {
    local pid
    pid=$(cat "$ENGINE2_RUN/dockerd.pid" 2>/dev/null || true)
    if pid_alive "$pid"; then
        log "engine2: stopping dockerd ($pid)"
        kill -TERM "$pid"
        local deadline=$((SECONDS + 30))
        while pid_alive "$pid" && ((SECONDS < deadline)); do sleep 0.2; done
    fi
    [[ ! -e "/run/netns/$ENGINE2_NS" ]] || ip netns delete "$ENGINE2_NS"
    log "engine2: stopped"
}

setup_engine2() {
    rm -f "$ENGINE2_UNAVAILABLE"
    ensure_engine2 || return 0
    engine2_images
    ensure_engine2_ssh
}

main() {
    if [[ "${1:-}" == stop-engine2 ]]; then
        stop_engine2
        return
    fi
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
    ensure_static_server
    ensure_busybox
    smoke_run
    setup_engine2
    log "ready in $((SECONDS - START)) s"
}

main "$@"
