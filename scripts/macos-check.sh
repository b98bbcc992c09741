#!/usr/bin/env bash
# macOS, type-checked and linted on Linux: every crate of the workspace that ships or tests Keyden
# (core, CLI, protocol, app, the black-box tests and their probe), all targets, for Apple silicon and
# Intel, with `clippy -D warnings` — the Keychain backend, the macOS branches and the app's macOS
# code included. Nothing is linked or run here: that is the release workflow's macOS jobs.
#
# Two dependencies carry C code that needs Apple's SDK to compile, which no Linux machine may have:
# `ring` (rustls' crypto primitives) and `libsqlite3-sys` (SQLite itself, bundled). Their build
# scripts get a no-op C compiler and archiver (`true`): the scripts pass, no object is made, and
# rustc still checks every line of Rust, theirs and ours, for the macOS target.
#   scripts/macos-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
for target in aarch64-apple-darwin x86_64-apple-darwin; do
  rustup target list --installed | grep -qx "$target" || rustup target add "$target"
  start=$SECONDS
  var=${target//-/_}
  # The app's macOS config bundles the release CLI as a resource, which only the release workflow builds.
  env "CC_$var=true" "AR_$var=true" TAURI_CONFIG='{"bundle":{"resources":null}}' cargo clippy -q --locked --target "$target" --all-targets \
    -p keyden-core -p keyden-cli -p keyden-protocol -p keyden-app -p keyden-tests -p keyden-probe -- -D warnings
  printf '[macos] %s: type-checked and linted in %ss\n' "$target" "$((SECONDS - start))" >&2
done
