#!/usr/bin/env bash
# Installs what the real-VS Code E2E tests need, idempotently:
#   1. Debian packages: native build headers for VS Code's modules, ripgrep, chromium, and skopeo (a registry client
#      nobody here wrote, for test/unit/sandbox/skopeo.test.ts) — as root, only if missing;
#   2. code-server 4.100.3 (= VS Code 1.100.3 on Node 20) into the git-ignored cache .cache/code-server.
# A marker file makes a second run take well under a second. Recipe: ../shared/docs/real-vscode-testing.md.
# Environment: CODE_SERVER_FORCE=1 reinstalls code-server even when the marker is present.
set -euo pipefail

VERSION=4.100.3
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="$ROOT/.cache/code-server"
# Native modules are built for this Node's ABI: a different Node major means a reinstall.
MARKER="$CACHE/.installed-$VERSION-node$(node -p 'process.versions.node.split(".")[0]')"
BIN="$CACHE/node_modules/.bin/code-server"
DEBS=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev pkg-config ripgrep chromium skopeo)

log() { echo "[install-code-server] $*"; }
die() { echo "[install-code-server] ERROR: $*" >&2; exit 1; }
started=$(date +%s)

# ---- 1. Debian packages -------------------------------------------------------------------------------------------
missing=()
for p in "${DEBS[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  if [[ $(id -u) -ne 0 ]]; then
    die "missing Debian packages: ${missing[*]} — run as root, or: sudo apt-get install -y ${missing[*]}"
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q || die "apt-get update failed"
  apt-get install -y -q --no-install-recommends "${missing[@]}" || die "apt-get install ${missing[*]} failed"
else
  log "Debian packages present: ${DEBS[*]}"
fi
[[ -x /usr/bin/chromium ]] || die "/usr/bin/chromium not found after installing the chromium package"
[[ -x /usr/bin/rg ]] || die "/usr/bin/rg not found after installing the ripgrep package"
[[ -x /usr/bin/skopeo ]] || die "/usr/bin/skopeo not found after installing the skopeo package"

# ---- 2. code-server ---------------------------------------------------------------------------------------------
if [[ -f "$MARKER" && -x "$BIN" && "${CODE_SERVER_FORCE:-0}" != 1 ]]; then
  log "code-server $VERSION already installed in .cache/code-server ($(cat "$MARKER"))"
  exit 0
fi

log "installing code-server $VERSION into $CACHE"
rm -f "$CACHE"/.installed-*
mkdir -p "$CACHE"
cd "$CACHE"
if [[ ! -f package.json ]]; then
  npm init -y >/dev/null || die "npm init failed in $CACHE"
fi

log "npm install --ignore-scripts code-server@$VERSION"
npm install --ignore-scripts --no-audit --no-fund "code-server@$VERSION" \
  || die "npm install code-server@$VERSION failed (is the npm registry reachable?)"

# @vscode/ripgrep's postinstall downloads rg from GitHub (unreachable); it uses a cached archive first.
TMP="$(node -p 'os.tmpdir()')"
RG_CACHE="$TMP/vscode-ripgrep-cache-1.15.11"
RG_ARCHIVE="$RG_CACHE/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -s "$RG_ARCHIVE" ]]; then
  log "creating the ripgrep cache archive from /usr/bin/rg: $RG_ARCHIVE"
  mkdir -p "$RG_CACHE"
  stage="$(mktemp -d)"
  cp /usr/bin/rg "$stage/rg"
  tar -czf "$RG_ARCHIVE" -C "$stage" rg
  rm -rf "$stage"
fi

log "running code-server's postinstall (builds VS Code's native modules; 1-3 minutes)"
(
  cd node_modules/code-server
  npm_config_yes=true npm_config_unsafe_perm=true npm_config_user_agent="npm/$(npm --version) node/$(node --version) linux x64" \
    sh ./postinstall.sh
) || die "code-server postinstall failed (see the output above; native modules need the Debian -dev packages)"

log "npm rebuild argon2"
npm rebuild argon2 || die "npm rebuild argon2 failed"

# npm 11 only warns about install scripts not covered by allowScripts today; if a future npm blocks them, say so.
VSC="node_modules/code-server/lib/vscode/node_modules"
for f in "$VSC/node-pty/build/Release/pty.node" "$VSC/@vscode/spdlog/build/Release/spdlog.node" \
         "$VSC/native-watchdog/build/Release/watchdog.node" "$VSC/kerberos/build/Release/kerberos.node" \
         "$VSC/@vscode/ripgrep/bin/rg" "node_modules/argon2/lib/binding/napi-v3/argon2.node"; do
  [[ -e "$f" ]] || die "$f is missing after the install: npm may have blocked install scripts \
(see 'npm install-scripts ls' in $CACHE/node_modules/code-server/lib/vscode) or a native build failed above"
done
log "native modules present (node-pty, spdlog, native-watchdog, kerberos, ripgrep, argon2)"

# --config keeps code-server from writing a default config (with a password) into ~/.config.
version_out="$("$BIN" --config "$CACHE/config.yaml" --version 2>&1)" || die "code-server --version failed: $version_out"
version_line="$(grep -E '^[0-9]+\.[0-9]+\.[0-9]+ ' <<<"$version_out" | head -1 || true)"
log "code-server --version: $version_line"
[[ "$version_line" == "$VERSION "* ]] || die "expected code-server $VERSION, got: $version_out"

echo "installed $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(( $(date +%s) - started )) s" >"$MARKER"
log "done in $(( $(date +%s) - started )) s"
