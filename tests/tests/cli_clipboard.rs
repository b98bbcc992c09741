//! `keyden copy` against a real X clipboard (Xvfb): the value is pasteable, then cleared on time.
//! Its own test binary, so no other test touches the clipboard meanwhile; its tests take turns.

use keyden_tests::xclip::{hold, marked_secret, paste};
use keyden_tests::{unique_secret, wait_until, Sandbox};
use std::time::{Duration, Instant};

/// One X clipboard for the whole binary: each test holds this while it uses it.
static CLIPBOARD: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn take_clipboard() -> std::sync::MutexGuard<'static, ()> {
    CLIPBOARD.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[test]
fn copy_puts_the_value_on_the_clipboard_and_clears_it_on_time() {
    let _clipboard = take_clipboard();
    let s = Sandbox::new();
    std::fs::write(s.path().join("settings.json"), r#"{"clipboardClearSeconds": 5}"#).unwrap();
    let value = unique_secret("clip");
    let id = s.add("Clip", &value, &["--type", "token"]);
    let copied = Instant::now();
    let receipt = s.run(&["--json", "copy", &id]).ok().json();
    assert_eq!(receipt["clears_in_seconds"], 5);
    assert_eq!(paste(), value, "the value is on the clipboard");
    assert!(marked_secret(), "the copy is marked for clipboard managers to keep out of history");
    // Load can only make the clearing late, never early: wait for it, then check it kept its time.
    assert!(wait_until(Duration::from_secs(30), || paste() != value), "the clipboard was never cleared");
    assert!(copied.elapsed() >= Duration::from_secs(5), "cleared after {:?}, before the 5 s", copied.elapsed());
    assert_eq!(s.run(&["--json", "audit", &id]).ok().json()[0]["action"], "copy");
}

/// Revoking or deleting a key whose value the clipboard holds clears it at once, wherever the copy
/// came from (Keyden's own helper, or a paste by another program); anything else on it is left alone.
#[test]
fn revoke_and_delete_clear_a_clipboard_that_holds_the_key() {
    let _clipboard = take_clipboard();
    let s = Sandbox::new();
    std::fs::write(s.path().join("settings.json"), r#"{"clipboardClearSeconds": 300}"#).unwrap();
    let value = unique_secret("revoked-clip");
    let id = s.add("Clip", &value, &["--type", "token"]);
    let other = s.add("Other", &unique_secret("other-clip"), &["--type", "token"]);

    s.run(&["--json", "copy", &id]).ok();
    assert_eq!(paste(), value);
    s.run(&["keys", "revoke", &id, "--yes"]).ok();
    // The revoke itself cleared it: no wait for the 300 s timer (a bound only for a loaded machine).
    assert!(wait_until(Duration::from_secs(10), || paste() != value), "still pasteable after the revoke");

    hold("something the user copied");
    s.run(&["keys", "revoke", &other, "--yes"]).ok();
    assert_eq!(paste(), "something the user copied", "not Keyden's to clear");

    hold(&value);
    s.run(&["keys", "delete", &id, "--yes"]).ok();
    assert!(wait_until(Duration::from_secs(10), || paste() != value), "still pasteable after the delete");
}
