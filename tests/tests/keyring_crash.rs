//! The Secret Service's daemon dying in the middle of a call (gnome-keyring aborts on an upstream race
//! between clients): the call Keyden had in flight is made once more, on the daemon D-Bus starts in
//! its place, and the user's command succeeds. Its own test binary: the daemon is stopped and killed,
//! and no other test may be talking to it meanwhile (its tests take turns).

use keyden_tests::bus::{ask_bus, monitor};
use keyden_tests::{keyring_lookup, unique_secret, wait_until, Sandbox};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Mutex;
use std::time::Duration;

/// Held by each test: one daemon is killed at a time, and no test talks to a daemon another kills.
static DAEMON: Mutex<()> = Mutex::new(());

/// The pid of the process that owns `org.freedesktop.secrets` on this session bus.
fn secret_service_pid() -> u32 {
    let text = ask_bus("GetConnectionUnixProcessID", "string:org.freedesktop.secrets");
    text.split_whitespace().last().and_then(|w| w.parse().ok()).unwrap_or_else(|| panic!("no pid in {text:?}"))
}

fn signal(pid: u32, sig: &str) {
    assert!(Command::new("kill").args([sig, &pid.to_string()]).status().unwrap().success());
}

/// A bus monitor printing the Secret Service's `OpenSession` calls, returned once it is listening.
fn watch_open_session() -> (Child, impl Iterator<Item = String>) {
    let rule = "type='method_call',interface='org.freedesktop.Secret.Service',member='OpenSession'";
    let (monitor, out) = monitor(Some(rule));
    (monitor, out.lines().map_while(Result::ok))
}

/// Whether `pid` is stopped (SIGSTOP): the state field of `/proc/PID/stat`, after the command name.
fn stopped(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .is_ok_and(|stat| stat.rsplit_once(") ").is_some_and(|(_, rest)| rest.starts_with('T')))
}

/// Runs `args` while the daemon is frozen, waits until Keyden's call is queued to it, kills the
/// daemon, and returns what the command said. With `pause_at`, the command first runs freely up to
/// that journal step (its earlier keyring calls answered), and the daemon dies under the next call.
fn crash_during(s: &Sandbox, pause_at: Option<&str>, args: &[&str], stdin: &[u8]) -> Output {
    let mut command = s.command(args);
    command.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    if let Some(step) = pause_at {
        command.env("KEYDEN_TEST_PAUSE_AT", step);
    }
    let mut child = command.spawn().unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    if let Some(step) = pause_at {
        let mut line = String::new();
        stderr.read_line(&mut line).unwrap();
        assert!(line.contains(&format!("paused at {step}")), "did not pause: {line:?}");
        // It stops itself right after saying so; a SIGCONT sent before that would be lost.
        assert!(wait_until(Duration::from_secs(20), || stopped(child.id())), "the command never stopped");
    }
    let daemon = secret_service_pid();
    let (mut monitor, mut calls) = watch_open_session();
    signal(daemon, "-STOP");
    if pause_at.is_some() {
        signal(child.id(), "-CONT");
    }
    // The frozen daemon cannot answer: once the call is on the bus, Keyden is waiting on it.
    assert!(calls.any(|l| l.contains("member=OpenSession")), "Keyden never called the Secret Service");
    signal(daemon, "-KILL");
    let status = child.wait().unwrap();
    monitor.kill().unwrap();
    monitor.wait().unwrap();
    let mut out = Output { status, stdout: Vec::new(), stderr: Vec::new() };
    child.stdout.take().unwrap().read_to_end(&mut out.stdout).unwrap();
    stderr.read_to_end(&mut out.stderr).unwrap();
    out
}

#[test]
fn a_secret_service_that_dies_mid_call_costs_the_user_nothing() {
    let _one = DAEMON.lock().unwrap_or_else(|e| e.into_inner());
    let s = Sandbox::new();

    // A write in flight: `keys add` stores its value on the new daemon.
    let secret = unique_secret("crash_add");
    let add = ["--json", "keys", "add", "--title", "Crash add", "--secret-stdin"];
    let out = crash_during(&s, None, &add, secret.as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(keyring_lookup(&id).as_deref(), Some(secret.as_str()));
    assert!(!stderr.contains(&secret), "the value reached stderr");

    // A read in flight: `get` answers from the new daemon.
    let out = crash_during(&s, None, &["get", &id], b"");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim_end(), secret);
}

/// The daemon dies under a later call of an operation, not its first: here the key's own write,
/// after its row is in the vault. The write starts by asking whether a pack holds the id (its own
/// connection); a crash there once failed the command (CI, stop 27): the whole write is made again.
#[test]
fn a_secret_service_that_dies_under_the_write_after_the_row_costs_the_user_nothing() {
    let _one = DAEMON.lock().unwrap_or_else(|e| e.into_inner());
    let s = Sandbox::new();
    let secret = unique_secret("crash_put");
    let add = ["--json", "keys", "add", "--title", "Crash put", "--type", "token", "--secret-stdin"];
    let out = crash_during(&s, Some("create:row-written"), &add, secret.as_bytes());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains(&secret), "the value reached stderr");
    let id = serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()["id"].as_str().unwrap().to_string();
    assert_eq!(keyring_lookup(&id).as_deref(), Some(secret.as_str()));
    assert_eq!(s.ids(), [id], "the row stays, finalised");
}
