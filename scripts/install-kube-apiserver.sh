#!/usr/bin/env bash
# Installs a real Kubernetes API server for the cluster tests, idempotently, from Debian's packages only:
#   1. Debian packages: etcd-server, golang-go, dpkg-dev (apt-get source), rsync and make (the build) — as root, only if missing;
#   2. kube-apiserver built from bookworm's `kubernetes` source package (1.20.5+really1.20.2, ships vendor/) with
#      CGO_ENABLED=0, into the git-ignored cache .cache/kube/bin (about 6 minutes on 2 cores the first time);
#   3. kubectl 1.20 from Debian's kubernetes-client package, unpacked into .cache/kube/bin (not installed system-wide,
#      so it never replaces a kubectl the machine already has).
# The source tree and Go's build cache are deleted after the build (about 1.8 GB); the marker makes a second run
# take well under a second. Environment: KUBE_FORCE=1 rebuilds even when the marker is present.
set -euo pipefail

VERSION=1.20.5+really1.20.2
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache/kube"
BIN="$CACHE/bin"
MARKER="$CACHE/.installed-$VERSION"
DEBS=(etcd-server golang-go dpkg-dev rsync make)

log() { echo "[install-kube-apiserver] $*"; }
die() { echo "[install-kube-apiserver] ERROR: $*" >&2; exit 1; }
started=$(date +%s)

if [[ -f "$MARKER" && -x "$BIN/kube-apiserver" && -x "$BIN/kubectl" && -x /usr/bin/etcd && "${KUBE_FORCE:-0}" != 1 ]]; then
  log "kube-apiserver $VERSION already installed in .cache/kube ($(cat "$MARKER"))"
  exit 0
fi

# ---- 1. Debian packages -------------------------------------------------------------------------------------------
missing=()
for p in "${DEBS[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
# `apt-get source` needs a deb-src entry for the archive the machine already uses.
SRC_LIST=/etc/apt/sources.list.d/kube-apiserver-src.sources
need_update=0
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  [[ $(id -u) -eq 0 ]] || die "no deb-src entry in /etc/apt/sources.list* — run as root to add one"
  uri="$(grep -rhsE '^URIs:' /etc/apt/sources.list.d/*.sources /etc/apt/sources.list 2>/dev/null | awk '/debian\/?$/ && !/security/ {print $2; exit}' || true)"
  [[ -n "$uri" ]] || uri="$(grep -rhsE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | awk '$2 ~ /debian\/?$/ {print $2; exit}' || true)"
  [[ -n "$uri" ]] || die "could not find the Debian archive in /etc/apt/sources.list*"
  log "adding a deb-src entry for $uri bookworm in $SRC_LIST"
  printf 'Types: deb-src\nURIs: %s\nSuites: bookworm\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' "$uri" >"$SRC_LIST"
  need_update=1
fi
if ((${#missing[@]})) || ((need_update)); then
  [[ $(id -u) -eq 0 ]] || die "missing Debian packages: ${missing[*]} — run as root, or: sudo apt-get install -y ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Only Debian's archive is reachable: other sources fail to update, which is not ours to fix.
  apt-get update -q || log "apt-get update reported errors (ignored: only the Debian archive is needed)"
  if ((${#missing[@]})); then
    log "installing Debian packages: ${missing[*]}"
    apt-get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
  fi
else
  log "Debian packages present: ${DEBS[*]}"
fi
[[ -x /usr/bin/etcd ]] || die "/usr/bin/etcd not found after installing etcd-server"
command -v go >/dev/null || die "go not found after installing golang-go"

mkdir -p "$BIN"
WORK="$CACHE/work"
rm -rf "$WORK" && mkdir -p "$WORK"
trap 'rm -rf "$WORK"' EXIT

# ---- 3. kubectl from kubernetes-client (unpacked, not installed) -------------------------------------------------
if [[ ! -x "$BIN/kubectl" || "${KUBE_FORCE:-0}" == 1 ]]; then
  log "apt-get download kubernetes-client=$VERSION*"
  (cd "$WORK" && apt-get download -q "kubernetes-client" ) || die "apt-get download kubernetes-client failed"
  dpkg-deb -x "$WORK"/kubernetes-client_*.deb "$WORK/client" || die "dpkg-deb -x kubernetes-client failed"
  install -m 0755 "$WORK/client/usr/bin/kubectl" "$BIN/kubectl"
fi
log "kubectl: $("$BIN/kubectl" version --client --short 2>/dev/null || "$BIN/kubectl" version --client)"

# ---- 2. kube-apiserver from source -------------------------------------------------------------------------------
if [[ ! -x "$BIN/kube-apiserver" || "${KUBE_FORCE:-0}" == 1 ]]; then
  log "apt-get source kubernetes ($VERSION)"
  (cd "$WORK" && apt-get source -q --download-only kubernetes && dpkg-source -x --no-check kubernetes_*.dsc src >/dev/null) \
    || die "apt-get source kubernetes failed"
  log "make WHAT=cmd/kube-apiserver (CGO_ENABLED=0; minutes on 2 cores)"
  (
    cd "$WORK/src"
    export CGO_ENABLED=0 GOFLAGS=-mod=vendor GOCACHE="$WORK/gocache" GOPATH="$WORK/gopath" KUBE_GIT_VERSION="v1.20.2" \
      KUBE_GIT_TREE_STATE=clean
    make WHAT=cmd/kube-apiserver
  ) || die "building kube-apiserver failed (see the output above)"
  install -m 0755 "$WORK/src/_output/bin/kube-apiserver" "$BIN/kube-apiserver" 2>/dev/null \
    || install -m 0755 "$(find "$WORK/src/_output" -type f -name kube-apiserver | head -1)" "$BIN/kube-apiserver" \
    || die "kube-apiserver binary not found under _output/"
fi
log "kube-apiserver: $("$BIN/kube-apiserver" --version)"
log "etcd: $(/usr/bin/etcd --version | head -1)"

echo "installed $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(( $(date +%s) - started )) s" >"$MARKER"
log "done in $(( $(date +%s) - started )) s"
