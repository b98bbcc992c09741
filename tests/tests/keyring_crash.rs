//! The Secret Service's daemon dying in the middle of a call (gnome-keyring aborts on an upstream race
//! between clients): the call Keyden had in flight is made once more, on the daemon D-Bus starts in
//! its place, and the user's command succeeds. Its own test binary: the daemon is stopped and killed,
//! and no other test may be talking to it meanwhile.

use keyden_tests::{keyring_lookup, unique_secret, Sandbox};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};

/// The pid of the process that owns `org.freedesktop.secrets` on this session bus.
fn secret_service_pid() -> u32 {
    let out = Command::new("dbus-send")
        .args(["--session", "--print-reply", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
        .args(["org.freedesktop.DBus.GetConnectionUnixProcessID", "string:org.freedesktop.secrets"])
        .output()
        .expect("dbus-send runs");
    let text = String::from_utf8_lossy(&out.stdout);
    text.split_whitespace().last().and_then(|w| w.parse().ok()).unwrap_or_else(|| panic!("no pid in {text:?}"))
}

fn signal(pid: u32, sig: &str) {
    assert!(Command::new("kill").args([sig, &pid.to_string()]).status().unwrap().success());
}

/// A bus monitor printing the Secret Service's `OpenSession` calls, returned once it is listening.
fn watch_open_session() -> (Child, impl Iterator<Item = String>) {
    let mut monitor = Command::new("dbus-monitor")
        .args(["--session", "type='method_call',interface='org.freedesktop.Secret.Service',member='OpenSession'"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("dbus-monitor runs");
    let mut lines = BufReader::new(monitor.stdout.take().unwrap()).lines().map_while(Result::ok);
    // Its first lines are the bus's NameAcquired/NameLost for the monitor itself: it is listening.
    let first = lines.next().expect("the monitor prints");
    assert!(first.contains("org.freedesktop.DBus"), "{first}");
    (monitor, lines)
}

/// Runs `args` while the daemon is frozen, waits until Keyden's call is queued to it, kills the
/// daemon, and returns what the command said.
fn crash_during(s: &Sandbox, args: &[&str], stdin: &[u8]) -> std::process::Output {
    let daemon = secret_service_pid();
    let (mut monitor, mut calls) = watch_open_session();
    signal(daemon, "-STOP");
    let mut child =
        s.command(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    // The frozen daemon cannot answer: once the call is on the bus, Keyden is waiting on it.
    assert!(calls.any(|l| l.contains("member=OpenSession")), "Keyden never called the Secret Service");
    signal(daemon, "-KILL");
    let out = child.wait_with_output().unwrap();
    monitor.kill().unwrap();
    monitor.wait().unwrap();
    out
}

#[test]
fn a_secret_service_that_dies_mid_call_costs_the_user_nothing() {
    let s = Sandbox::new();

    // A write in flight: `keys add` stores its value on the new daemon.
    let secret = unique_secret("crash_add");
    let out = crash_during(&s, &["--json", "keys", "add", "--title", "Crash add", "--secret-stdin"], secret.as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(keyring_lookup(&id).as_deref(), Some(secret.as_str()));
    assert!(!stderr.contains(&secret), "the value reached stderr");

    // A read in flight: `get` answers from the new daemon.
    let out = crash_during(&s, &["get", &id], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), secret);
}
