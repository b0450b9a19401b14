#!/usr/bin/env bash
# Build the Orpheus single-user image with no image registry:
#   1. base:  debootstrap --variant=minbase bookworm -> docker import  (once; tag orpheus/base:bookworm)
#   2. image: deploy/image/Dockerfile on that base (classic builder), tagged by a content hash
#             of everything that goes into it, so an unchanged checkout skips the build.
# Talks to the daemon in $DOCKER_HOST (default: the system's). Prints "timing <step> <seconds>"
# lines and, last, "image <repo>:<hash>". Also tags <repo>:latest.
set -euo pipefail

REPO_DIR=$(cd "$(dirname "$0")/../.." && pwd)
DOCKER=${DOCKER:-/usr/bin/docker}
export DOCKER_API_VERSION=${DOCKER_API_VERSION:-1.41}
export DOCKER_BUILDKIT=0
SUITE=${ORPHEUS_IMAGE_SUITE:-bookworm}
BASE=${ORPHEUS_BASE_IMAGE:-orpheus/base:$SUITE}
IMAGE=${ORPHEUS_IMAGE_REPO:-orpheus/singleuser}
CACHE=${ORPHEUS_IMAGE_CACHE:-/var/cache/orpheus-image}
HOST_CA=${ORPHEUS_HOST_CA:-/etc/ssl/certs/ca-certificates.crt}
PYTHON=${PYTHON:-python3}
# pyproject extras installed in the image: what a user's server imports.
EXTRAS=${ORPHEUS_IMAGE_EXTRAS:-server}

now() { date +%s.%N; }
timing() { awk -v s="$2" -v e="$(now)" -v n="$1" 'BEGIN { printf "timing %s %.1f\n", n, e - s }'; }

# The Debian mirror this machine's apt uses (deb822 .sources or one-line .list files).
debian_mirror() {
  if [ -n "${DEBIAN_MIRROR:-}" ]; then echo "$DEBIAN_MIRROR"; return; fi
  {
    cat /etc/apt/sources.list.d/*.sources 2>/dev/null \
      | awk '/^URIs:/ { for (i = 2; i <= NF; i++) if ($i ~ /\/debian\/?$/) print $i }'
    cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
      | awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z]+:\/\// && $i ~ /\/debian\/?$/) print $i }'
  } | head -n 1
}

build_base() {
  if "$DOCKER" image inspect "$BASE" >/dev/null 2>&1; then
    echo "timing debootstrap 0 (cached: $BASE exists)"; return
  fi
  local mirror rootfs start
  mirror=$(debian_mirror) || true
  [ -n "$mirror" ] || { echo "no Debian mirror found in /etc/apt; set DEBIAN_MIRROR" >&2; exit 1; }
  command -v debootstrap >/dev/null || { echo "debootstrap is not installed (apt-get install debootstrap)" >&2; exit 1; }
  mkdir -p "$CACHE"
  rootfs=$(mktemp -d "$CACHE/rootfs.XXXXXX")
  trap 'rm -rf "$rootfs"' EXIT
  start=$(now)
  debootstrap --variant=minbase "$SUITE" "$rootfs" "$mirror" >"$CACHE/debootstrap.log" 2>&1 \
    || { tail -n 20 "$CACHE/debootstrap.log" >&2; exit 1; }
  timing debootstrap "$start"
  start=$(now)
  tar -C "$rootfs" -c . | "$DOCKER" import - "$BASE" >/dev/null
  timing import "$start"
  rm -rf "$rootfs"
  trap - EXIT
}

# The build context: Dockerfile, requirements (pyproject's dependencies and build backend),
# the package sources git tracks plus the built JupyterLab extension, the CA bundle.
stage_context() {
  local ctx=$1 built=labextension_py/orpheus_lab/labextension
  [ -f "$REPO_DIR/$built/package.json" ] \
    || { echo "$built is not built yet: run 'make install' first" >&2; exit 1; }
  rm -rf "$ctx"; mkdir -p "$ctx/src"
  cp "$REPO_DIR/deploy/image/Dockerfile" "$ctx/Dockerfile"
  if [ -s "$HOST_CA" ]; then cp "$HOST_CA" "$ctx/host-ca.pem"; else : >"$ctx/host-ca.pem"; fi
  "$PYTHON" - "$REPO_DIR" "$EXTRAS" >"$ctx/requirements.txt" <<'PY'
import re, sys, tomllib
data = tomllib.load(open(f"{sys.argv[1]}/pyproject.toml", "rb"))
name, extras = data["project"]["name"], data["project"].get("optional-dependencies", {})

def expand(extra, seen):
    """An extra's requirements, with references to this package's other extras resolved."""
    for req in extras[extra]:
        own = re.fullmatch(rf"{name}\[([^\]]+)\]", req.strip())
        if own:
            for sub in own.group(1).split(","):
                if sub.strip() not in seen:
                    seen.add(sub.strip())
                    yield from expand(sub.strip(), seen)
        else:
            yield req

reqs = list(data["project"]["dependencies"])
for extra in filter(None, sys.argv[2].split(",")):
    reqs += expand(extra, {extra})
# The build backend too: the package is installed without build isolation.
for req in dict.fromkeys(reqs + data["build-system"]["requires"]):
    print(req)
PY
  "$PYTHON" -c 'import json,sys; print(json.load(open(sys.argv[1]))["dependencies"]["@anthropic-ai/claude-code"])' \
    "$REPO_DIR/package.json" >"$ctx/claude-code-version"
  # The working tree as it is: tracked files and new ones git does not ignore.
  (cd "$REPO_DIR" && git ls-files -z --cached --others --exclude-standard -- pyproject.toml \
      README.md LICENSE server_extension hub_config labextension_py kernels templates \
      | tar --null --ignore-failed-read -T - -cf - 2>/dev/null) | tar -C "$ctx/src" -xf -
  tar -C "$REPO_DIR" -cf - "$built" | tar -C "$ctx/src" -xf -
}

content_hash() {
  (cd "$1" && find . -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -c1-16
}

main() {
  "$DOCKER" version --format '{{.Server.Version}}' >/dev/null \
    || { echo "no Docker daemon at ${DOCKER_HOST:-the default socket}" >&2; exit 1; }
  build_base
  local ctx="$CACHE/context" tag start
  stage_context "$ctx"
  tag="$IMAGE:$(content_hash "$ctx")"
  if "$DOCKER" image inspect "$tag" >/dev/null 2>&1; then
    echo "timing build 0 (cached: $tag exists)"
  else
    start=$(now)
    "$DOCKER" build --build-arg "BASE_IMAGE=$BASE" \
      --build-arg "CLAUDE_CODE_VERSION=$(cat "$ctx/claude-code-version")" \
      -t "$tag" "$ctx" >"$CACHE/build.log" 2>&1 || { tail -n 40 "$CACHE/build.log" >&2; exit 1; }
    timing build "$start"
  fi
  "$DOCKER" tag "$tag" "$IMAGE:latest"
  # Keep the cache bounded: drop older content-hash tags (shared layers stay; an image a
  # container still uses is kept). ORPHEUS_IMAGE_PRUNE=0 keeps them (a hub may name one).
  if [ "${ORPHEUS_IMAGE_PRUNE:-1}" = 1 ]; then
    "$DOCKER" image ls --format '{{.Repository}}:{{.Tag}}' "$IMAGE" \
      | grep -v -e ":latest$" -e "^$tag$" | xargs -r "$DOCKER" image rm >/dev/null 2>&1 || true
    "$DOCKER" image prune --force >/dev/null 2>&1 || true
  fi
  echo "image $tag"
}

main "$@"
