#!/usr/bin/env bash
# Runs a command inside a private D-Bus session with its own unlocked gnome-keyring (a real Secret
# Service), so tests never touch the user's keyring. The keyring files live in a temp dir that is
# removed afterwards; the session and the daemon end with the command.
#   scripts/with-keyring.sh CMD [ARGS…]
#
# gnome-keyring-daemon has an upstream race: a client that disconnects while one of its requests is
# queued can abort the daemon on a GLib assertion (seen here once in CI, and by many desktop users).
# D-Bus then activates a new daemon on the next call; the standard service file would start it
# locked, and every later test would fail on a locked keyring. This session's bus reads our service
# directory first, whose activation starts the daemon unlocked over the same keyring files, so one
# crash costs at most the request that was in flight (and Keyden retries that one once).
set -euo pipefail
if [ "${KEYDEN_IN_KEYRING_SESSION:-}" = 1 ]; then exec "$@"; fi
keyring_home=$(mktemp -d -t keyden-keyring.XXXXXX)
trap 'rm -rf "$keyring_home"' EXIT
export KEYDEN_KEYRING_HOME=$keyring_home
# Exported before the bus starts: D-Bus hands its own environment to the daemons it activates.
export XDG_DATA_HOME="$keyring_home/data" XDG_RUNTIME_DIR="$keyring_home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_RUNTIME_DIR" "$keyring_home/services"
chmod 700 "$XDG_RUNTIME_DIR"

cat >"$keyring_home/start-keyring" <<'EOF'
#!/bin/sh
# Started by D-Bus activation: unlock (or create) the login keyring with the test password.
printf %s keyden-test | exec gnome-keyring-daemon --foreground --unlock --components=secrets
EOF
chmod 755 "$keyring_home/start-keyring"
for name in org.freedesktop.secrets org.gnome.keyring; do
  printf '[D-BUS Service]\nName=%s\nExec=%s\n' "$name" "$keyring_home/start-keyring" \
    >"$keyring_home/services/$name.service"
done
# A service directory listed before the standard ones wins for the names it provides.
cat >"$keyring_home/bus.conf" <<EOF
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <servicedir>$keyring_home/services</servicedir>
  <include>/usr/share/dbus-1/session.conf</include>
</busconfig>
EOF

dbus-run-session --config-file="$keyring_home/bus.conf" -- bash -c '
  set -euo pipefail
  eval "$(printf %s keyden-test | gnome-keyring-daemon --unlock --components=secrets)"
  # The daemon prints its environment before it has claimed its bus name. A client arriving in
  # between makes D-Bus activate a second daemon over the same files; the two race for the name,
  # and a request handed to the loser fails with NoReply (CI, stop 27). Wait for the name (20 s).
  owned() {
    dbus-send --session --print-reply=literal --dest=org.freedesktop.DBus /org/freedesktop/DBus \
      org.freedesktop.DBus.NameHasOwner string:org.freedesktop.secrets | grep -q true
  }
  for _ in $(seq 400); do owned && break; sleep 0.05; done
  owned || { echo "with-keyring: gnome-keyring never claimed org.freedesktop.secrets" >&2; exit 1; }
  export GNOME_KEYRING_CONTROL KEYDEN_IN_KEYRING_SESSION=1
  exec "$@"' keyring-session "$@"
