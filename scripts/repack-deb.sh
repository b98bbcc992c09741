#!/usr/bin/env bash
# The .deb as shipped: `tauri build` writes its files gzip-compressed (12 MiB for Keyden); dpkg has
# read xz for well over a decade and Debian's own packages use it. The same files, control data and
# checksums, repacked with xz: about half the download.
#   scripts/repack-deb.sh target/release/bundle/deb/*.deb      (test.sh and the release workflow)
set -euo pipefail
# Mode, size and path of every entry ("./usr/" and "usr" are one path), to compare two packages.
listing() {
  dpkg-deb -c "$1" | awk '{p=$6; sub(/^\.\//, "", p); sub(/\/$/, "", p); if (p != "" && p != ".") print $1, $3, p}' | sort
}
for deb in "$@"; do
  dir=$(mktemp -d)
  dpkg-deb -R "$deb" "$dir/pkg"
  dpkg-deb --root-owner-group -Zxz -z9 -b "$dir/pkg" "$dir/out.deb" >/dev/null
  # The files inside are byte for byte those tauri packed.
  diff <(listing "$deb") <(listing "$dir/out.deb") >&2 || { echo "repack-deb: the repacked $deb differs" >&2; exit 1; }
  mv "$dir/out.deb" "$deb"
  rm -rf "$dir"
  printf 'repacked %s with xz: %.1f MiB\n' "$deb" "$(stat -c %s "$deb" | awk '{print $1/1048576}')"
done
