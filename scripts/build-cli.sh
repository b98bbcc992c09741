#!/usr/bin/env bash
# Builds the `keyden` CLI as it ships from this OS and prints its path: the .deb and .rpm carry it,
# and the benches and scripts/shipped-cli.sh measure and test that binary, not another build.
#   Linux x86_64: a static, position-independent musl executable. `keyden inspect` is a ~1 ms
#     process, and dynamic linking was a third of its instructions (callgrind): binding 223 glibc
#     symbols at start and relocating libc itself. A static PIE keeps ASLR and full RELRO, and needs
#     no particular glibc on the user's machine. Not glibc's own static linking: it still loads the
#     system's NSS modules, of whatever glibc version, for host and user lookups; musl has no NSS.
#   Elsewhere: the native release build.
#   scripts/build-cli.sh        (prints e.g. /…/target/x86_64-unknown-linux-musl/release/keyden)
#   scripts/build-cli.sh --package-files DIR   (also writes its man pages and completions into DIR,
#                               and a copy of itself as DIR/keyden: the Linux `tauri build`'s
#                               beforeBundleCommand. The .deb and .rpm take /usr/bin/keyden from
#                               there, so they carry this build on any architecture, not a path
#                               that only x86_64 fills.)
set -euo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)-$(uname -m)" = Linux-x86_64 ]; then
  target=x86_64-unknown-linux-musl
  cargo build -q --locked --release -p keyden-cli --target "$target" >&2
  cli=$PWD/target/$target/release/keyden
else
  cargo build -q --locked --release -p keyden-cli >&2
  cli=$PWD/target/release/keyden
fi
if [ "${1:-}" = --package-files ]; then
  "$cli" __package-files "$2"
  cp "$cli" "$2/keyden"
fi
echo "$cli"
