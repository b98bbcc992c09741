//! A second private Secret Service, for a second team member on the same machine: its own D-Bus
//! session and its own gnome-keyring (unlocked, throw-away files), stopped when dropped. The first
//! member uses the session `scripts/with-keyring.sh` started.

use crate::wait_until;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

pub struct PrivateKeyring {
    bus: Child,
    daemon: Child,
    pub address: String,
    _dir: tempfile::TempDir,
}

impl PrivateKeyring {
    pub fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (data, run) = (dir.path().join("data"), dir.path().join("run"));
        std::fs::create_dir_all(&data).unwrap();
        std::fs::create_dir_all(&run).unwrap();
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("dbus-daemon starts");
        let mut address = String::new();
        BufReader::new(bus.stdout.take().unwrap()).read_line(&mut address).unwrap();
        let address = address.trim().to_string();
        let mut daemon = Command::new("gnome-keyring-daemon")
            .args(["--foreground", "--unlock", "--components=secrets"])
            .env("DBUS_SESSION_BUS_ADDRESS", &address)
            .env("XDG_DATA_HOME", &data)
            .env("XDG_RUNTIME_DIR", &run)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("gnome-keyring-daemon starts");
        let mut stdin = daemon.stdin.take().unwrap();
        stdin.write_all(b"keyden-test").unwrap();
        drop(stdin);
        let keyring = PrivateKeyring { bus, daemon, address, _dir: dir };
        let owned = || {
            Command::new("dbus-send")
                .args([&format!("--bus={}", keyring.address), "--print-reply", "--dest=org.freedesktop.DBus"])
                .args(["/org/freedesktop/DBus", "org.freedesktop.DBus.NameHasOwner", "string:org.freedesktop.secrets"])
                .output()
                .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        };
        assert!(wait_until(Duration::from_secs(20), owned), "the second Secret Service did not come up");
        keyring
    }
}

impl Drop for PrivateKeyring {
    fn drop(&mut self) {
        for c in [&mut self.daemon, &mut self.bus] {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
