#!/usr/bin/env bash
# Installs what building and testing Keyden needs, skipping whatever is already present, so a warm
# machine passes through in seconds and a fresh Debian 12 / Ubuntu machine gets everything.
# Pinned tool versions live here and only here (the release workflow reads them from this file).
set -euo pipefail
cd "$(dirname "$0")/.."

RUST_VERSION=1.95.0
TRUNK_VERSION=0.21.14
WASM_BINDGEN_VERSION=0.2.130
TAURI_DRIVER_VERSION=2.1.0

log() { printf '[setup %4ss] %s\n' "$SECONDS" "$*" >&2; }
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"

APT_PACKAGES=(libwebkit2gtk-4.1-dev build-essential curl wget file libssl-dev libayatana-appindicator3-dev
  librsvg2-dev libxdo-dev libgtk-3-dev libsoup-3.0-dev libjavascriptcoregtk-4.1-dev patchelf pkg-config
  libdbus-1-dev dbus-bin rpm xvfb xauth imagemagick xdotool webkit2gtk-driver gnome-keyring dbus-x11
  libsecret-tools sqlite3 xclip postgresql python3-venv gcc-mingw-w64-x86-64 musl-tools)
# The Windows build's tests run under Wine: installed as tried here, with its recommended libraries.
APT_WITH_RECOMMENDS=(wine64)
missing_of() {
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || echo "$p"
  done
}
mapfile -t missing < <(missing_of "${APT_PACKAGES[@]}")
mapfile -t missing_rec < <(missing_of "${APT_WITH_RECOMMENDS[@]}")
if [ ${#missing[@]} -gt 0 ] || [ ${#missing_rec[@]} -gt 0 ]; then
  start=$SECONDS
  $SUDO apt-get update -qq
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt: installing ${missing[*]}"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
  if [ ${#missing_rec[@]} -gt 0 ]; then
    log "apt: installing ${missing_rec[*]} (with recommends)"
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing_rec[@]}" >/dev/null
  fi
  log "apt took $((SECONDS - start)) s"
fi

# The toolchain CI and the release workflow use; another one here is reported, not replaced.
rustc --version | grep -q "^rustc $RUST_VERSION " || log "note: rustc is $(rustc --version), the pinned one is $RUST_VERSION"

# The UI's wasm; the shipped Linux CLI, static with musl (scripts/build-cli.sh; musl-tools compiles its
# C); the Windows cross-build (tested under Wine); macOS, type-checked only.
for target in wasm32-unknown-unknown x86_64-unknown-linux-musl x86_64-pc-windows-gnu aarch64-apple-darwin x86_64-apple-darwin; do
  rustup target list --installed | grep -qx "$target" || { log "rustup target add $target"; rustup target add "$target"; }
done
rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt

# Cargo-installed tools, each only when missing or at another version; built without LTO and with
# parallel codegen (their own release profiles ask for fat LTO, which doubles a cold setup here).
export CARGO_PROFILE_RELEASE_LTO=false CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16
installed=$(cargo install --list)
have() { grep -q "^$1 v$2:" <<<"$installed"; }
have trunk "$TRUNK_VERSION" || { log "cargo install trunk $TRUNK_VERSION"; cargo install trunk@"$TRUNK_VERSION" --locked; }
# --locked fails for this version: a locked dependency is missing from the registry.
have wasm-bindgen-cli "$WASM_BINDGEN_VERSION" || { log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"; cargo install wasm-bindgen-cli@"$WASM_BINDGEN_VERSION" --force; }
have tauri-driver "$TAURI_DRIVER_VERSION" || { log "cargo install tauri-driver $TAURI_DRIVER_VERSION"; cargo install tauri-driver@"$TAURI_DRIVER_VERSION" --locked; }

# npm tools (Tauri CLI, binaryen's wasm-opt) live in ui/node_modules, pinned by ui/package-lock.json.
# `npm install`, not `npm ci`: npm 11's ci rejects this lock file over the CLI's optional per-platform
# packages, while install honours the pinned versions.
if [ ! -x ui/node_modules/.bin/tauri ] || [ ! -x ui/node_modules/.bin/wasm-opt ]; then
  log "npm install (Tauri CLI, binaryen)"
  (cd ui && npm install --no-audit --no-fund --loglevel=error)
fi
log "ready in $SECONDS s"
