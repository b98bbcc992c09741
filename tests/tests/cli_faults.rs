//! Faults: a keyring that is not there, and a process killed between the journal's steps. Either
//! way the next start repairs what was left, nothing is lost and nothing is orphaned.

use keyden_tests::{keyring_lookup, unique_secret, Sandbox};
use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

#[test]
fn an_unavailable_keyring_gives_a_clear_error_and_writes_no_row() {
    let s = Sandbox::new();
    let mut c = s.command(&["--json", "keys", "add", "--title", "No keyring", "--type", "token", "--secret-stdin"]);
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/keyden-test-bus");
    let out = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
    let mut out = out;
    out.stdin.take().unwrap().write_all(b"tok_value_no_keyring").unwrap();
    let out = out.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let err: serde_json::Value = serde_json::from_str(stderr.lines().last().unwrap()).unwrap();
    assert!(err["code"].as_str().unwrap().starts_with("keyring_"), "{err}");
    assert!(err["hint"].as_str().unwrap().contains("gnome-keyring"), "{err}");
    assert!(s.ids().is_empty(), "no row may be written");
}

/// Starts `args`, waits until it pauses at `step`, and kills it with SIGKILL.
fn kill_at(s: &Sandbox, step: &str, args: &[&str], stdin: &[u8]) {
    let mut child = s
        .command(args)
        .env("KEYDEN_TEST_PAUSE_AT", step)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    let mut line = String::new();
    BufReader::new(child.stderr.take().unwrap()).read_line(&mut line).unwrap();
    assert!(line.contains(&format!("paused at {step}")), "did not pause: {line:?}");
    child.kill().unwrap();
    child.wait().unwrap();
}

fn add_args(title: &str) -> Vec<&str> {
    vec!["keys", "add", "--title", title, "--type", "token", "--secret-stdin"]
}

#[test]
fn killed_after_the_keyring_write_the_next_start_completes_the_create() {
    let s = Sandbox::new();
    let value = unique_secret("kill-after-keyring");
    kill_at(&s, "create:keyring-written", &add_args("Survivor"), value.as_bytes());
    let ids = s.ids(); // this start runs the recovery
    assert_eq!(ids.len(), 1, "the key must not be lost");
    assert_eq!(s.run(&["get", &ids[0]]).ok().stdout, value);
    let audit = s.run(&["--json", "audit", &ids[0]]).ok().json();
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "recover"), "{audit}");
}

#[test]
fn killed_before_the_keyring_write_the_next_start_rolls_back() {
    let s = Sandbox::new();
    kill_at(&s, "create:row-written", &add_args("Never stored"), b"tok_never_stored_123");
    assert!(s.ids().is_empty(), "no half-made key may remain");
    let all = s.run(&["--json", "audit"]).ok().json();
    let rolled = all.as_array().unwrap().iter().find(|e| e["action"] == "recover").expect("recovery audited");
    assert!(keyring_lookup(rolled["key_id"].as_str().unwrap()).is_none(), "no orphan in the keyring");
}

#[test]
fn killed_in_the_middle_of_a_delete_the_next_start_finishes_it() {
    for step in ["delete:row-marked", "delete:keyring-removed"] {
        let s = Sandbox::new();
        let id = s.add("Doomed", &unique_secret("doomed"), &["--type", "token"]);
        s.run(&["keys", "revoke", &id, "--yes"]).ok();
        kill_at(&s, step, &["keys", "delete", &id, "--yes"], b"");
        assert!(s.ids().is_empty(), "{step}: the row must be gone after recovery");
        assert!(keyring_lookup(&id).is_none(), "{step}: no orphaned keyring entry");
    }
}

#[test]
fn concurrent_writers_share_one_database_and_the_one_active_rule_holds() {
    let s = Sandbox::new();
    let children: Vec<_> = (0..6)
        .map(|i| {
            let mut c = s.command(&[
                "--json",
                "keys",
                "add",
                "--title",
                &format!("Racer {i}"),
                "--account",
                "race",
                "--secret-stdin",
            ]);
            let mut child = c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
            child.stdin.take().unwrap().write_all(unique_secret(&format!("race{i}")).as_bytes()).unwrap();
            child
        })
        .collect();
    let codes: Vec<_> = children.into_iter().map(|c| c.wait_with_output().unwrap()).collect();
    let winners = codes.iter().filter(|o| o.status.success()).count();
    assert_eq!(winners, 1, "exactly one active secret key per account and owner");
    for o in codes.iter().filter(|o| !o.status.success()) {
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(err.contains("one_active_key") || err.contains("key_conflict"), "{err}");
    }
    assert_eq!(s.ids().len(), 1);
}
