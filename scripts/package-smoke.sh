#!/usr/bin/env bash
# Installs the .deb that `tauri build` made into this machine, checks what a user gets — the package's
# metadata, the installed `keyden` CLI against a temp data dir, the installed app's window painting the
# key list under Xvfb, seen in the screen's pixels (screenshot in tests/artifacts/installed-app.png)
# — then removes the package.
#   scripts/package-smoke.sh        (scripts/test.sh runs it after the release build)
set -euo pipefail
cd "$(dirname "$0")/.."
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
deb=$(ls target/release/bundle/deb/*.deb | head -1)
fail() { echo "package-smoke: $*" >&2; exit 1; }

echo "--- metadata of $deb"
for field in Package Version Maintainer Section Depends Description; do
  value=$(dpkg-deb -f "$deb" "$field")
  [ -n "$value" ] || fail "the .deb has no $field"
  printf '%-12s %s\n' "$field:" "$(head -1 <<<"$value")"
done
# The download: xz-compressed (scripts/repack-deb.sh) and within its budget.
ar t "$deb" | grep -qx data.tar.xz || fail "the .deb's data is not xz-compressed (scripts/repack-deb.sh)"
size=$(stat -c %s "$deb")
[ "$size" -le $((8 * 1024 * 1024)) ] || fail "the .deb is $size bytes, over its 8 MiB budget"
contents=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./||')
for path in usr/bin/keyden usr/bin/keyden-app usr/share/applications/Keyden.desktop usr/share/doc/keyden/copyright; do
  grep -qx "$path" <<<"$contents" || fail "the .deb lacks $path"
done
for path in usr/share/man/man1/keyden.1 usr/share/man/man1/keyden-run.1 usr/share/man/man1/keyden-scan.1 \
    usr/share/bash-completion/completions/keyden usr/share/zsh/vendor-completions/_keyden \
    usr/share/fish/vendor_completions.d/keyden.fish; do
  grep -qx "$path" <<<"$contents" || fail "the .deb lacks $path"
done
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  grep -qx "usr/share/icons/hicolor/$size/apps/keyden-app.png" <<<"$contents" || fail "no $size icon"
done

echo "--- install"
$SUDO apt-get install -y -qq "./$deb" >/dev/null
trap '$SUDO apt-get remove -y -qq keyden >/dev/null 2>&1 || true' EXIT
[ "$(command -v keyden)" = /usr/bin/keyden ] || fail "keyden is not /usr/bin/keyden"
keyden --version
# The CLI is the static musl build (scripts/build-cli.sh), and static without giving up hardening: a
# position-independent executable (ASLR), no interpreter, read-only relocations bound at start.
headers=$(readelf -lhd /usr/bin/keyden)
grep -q 'Type: *DYN' <<<"$headers" || fail "/usr/bin/keyden is not position-independent"
! grep -q 'INTERP' <<<"$headers" || fail "/usr/bin/keyden is dynamically linked (it ships static)"
! grep -q '(NEEDED)' <<<"$headers" || fail "/usr/bin/keyden needs shared libraries (it ships static)"
grep -q 'GNU_RELRO' <<<"$headers" || fail "/usr/bin/keyden has no RELRO segment"
grep -q 'BIND_NOW' <<<"$headers" || fail "/usr/bin/keyden is not bound now (full RELRO)"
grep -q '^Exec=keyden-app' /usr/share/applications/Keyden.desktop || fail "the desktop entry does not start keyden-app"
# The man page renders, and bash completes the new commands from the installed script.
man -l /usr/share/man/man1/keyden-run.1 2>/dev/null | grep -q "no.*masking" || fail "man keyden-run does not render"
completions=$(bash -c 'source /usr/share/bash-completion/completions/keyden; COMP_WORDS=(keyden r); COMP_CWORD=1; _keyden keyden r keyden; printf "%s\n" "${COMPREPLY[@]}"')
grep -qx run <<<"$completions" || fail "bash does not complete 'keyden r' to run: $completions"

echo "--- the installed CLI and app, on a temp data dir (private keyring, Xvfb)"
work=$(mktemp -d); trap 'rm -rf "$work"; $SUDO apt-get remove -y -qq keyden >/dev/null 2>&1 || true' EXIT
mkdir -p tests/artifacts "$work/fb"
# Painted means on screen: the screen's own pixels (Xvfb's framebuffer file) must show the smoke key's
# green "Active" badge. The page saying it painted is not enough: its frame can come while the window
# is still blank.
WORK=$work SHOT="$PWD/tests/artifacts/installed-app.png" xvfb-run -a -s "-screen 0 1280x800x24 -fbdir $work/fb" \
  scripts/with-keyring.sh bash -c '
    set -euo pipefail
    printf "sk_smoke_%s" "$RANDOM$RANDOM$RANDOM" | keyden --data-dir "$WORK" keys add --title "Installed smoke key" --secret-stdin
    keyden --data-dir "$WORK" keys list | grep -q "Installed smoke key"
    keyden --json inspect "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln" | grep -q "\"verdict\""
    NO_AT_BRIDGE=1 keyden-app --data-dir "$WORK" >"$WORK/app.log" 2>&1 &
    app=$!
    if ! python3 scripts/framebuffer.py wait "$WORK/fb" dcfce7 300 60; then
      import -window root "$SHOT"; cat "$WORK/app.log"
      echo "the installed app did not paint its key list in 60 s (screen: $SHOT)" >&2; exit 1
    fi
    import -window root "$SHOT"
    kill "$app"; wait "$app" 2>/dev/null || true'
echo "installed app painted its key list; screenshot: tests/artifacts/installed-app.png"

echo "--- remove"
$SUDO apt-get remove -y -qq keyden >/dev/null
[ ! -e /usr/bin/keyden ] && [ ! -e /usr/bin/keyden-app ] || fail "files left after removal"
echo "package smoke test passed"
