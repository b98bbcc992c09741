//! The session bus as the keyring tests see it: a monitor listening to it, and calls to the bus
//! itself (`org.freedesktop.DBus`) through `dbus-send`.

use std::io::{BufRead, BufReader};
use std::process::{Child, ChildStdout, Command, Stdio};

/// A `dbus-monitor` of the session bus (every message, or those `rule` matches), returned once it
/// is listening, with its output.
pub fn monitor(rule: Option<&str>) -> (Child, BufReader<ChildStdout>) {
    let mut monitor = Command::new("dbus-monitor")
        .arg("--session")
        .args(rule)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor runs");
    let mut out = BufReader::new(monitor.stdout.take().unwrap());
    // Its first message is the bus's own NameAcquired/NameLost for the monitor: it is listening.
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("org.freedesktop.DBus"), "{first}");
    (monitor, out)
}

/// Calls `method` of the bus itself with one `dbus-send` argument (`string:NAME`, `array:byte:1,2`)
/// and returns the printed reply (or nothing, when the bus refuses the call).
pub fn ask_bus(method: &str, arg: &str) -> String {
    let out = Command::new("dbus-send")
        .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
        .args([&format!("org.freedesktop.DBus.{method}"), arg])
        .output()
        .expect("dbus-send runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}
