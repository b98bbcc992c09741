#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring (a real Secret
# Service), so tests never touch the user's keyring. The keyring files live in a temp dir that is
# removed afterwards; the session and the daemon end with the command.
#   scripts/with-keyring.sh CMD [ARGS…]
set -euo pipefail
if [ "${KEYDEN_IN_KEYRING_SESSION:-}" = 1 ]; then exec "$@"; fi
keyring_home=$(mktemp -d -t keyden-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT
export KEYDEN_KEYRING_HOME=$keyring_home
dbus-run-session -- bash -c '
  set -euo pipefail
  export XDG_DATA_HOME="$KEYDEN_KEYRING_HOME/data" XDG_RUNTIME_DIR="$KEYDEN_KEYRING_HOME/run"
  mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR"; chmod 700 "$XDG_RUNTIME_DIR"
  eval "$(printf %s keyden-test | gnome-keyring-daemon --unlock --components=secrets)"
  export GNOME_KEYRING_CONTROL KEYDEN_IN_KEYRING_SESSION=1
  exec "$@"' keyring-session "$@"
