//! `keyden copy` against a real X clipboard (Xvfb): the value is pasteable, then cleared on time.
//! Its own test binary, so no other test touches the clipboard meanwhile.

use keyden_tests::{unique_secret, wait_until, Sandbox};
use std::process::Command;
use std::time::{Duration, Instant};

#[test]
fn copy_puts_the_value_on_the_clipboard_and_clears_it_on_time() {
    let s = Sandbox::new();
    std::fs::write(s.path().join("settings.json"), r#"{"clipboardClearSeconds": 5}"#).unwrap();
    let value = unique_secret("clip");
    let id = s.add("Clip", &value, &["--type", "token"]);
    let copied = Instant::now();
    let receipt = s.run(&["--json", "copy", &id]).ok().json();
    assert_eq!(receipt["clears_in_seconds"], 5);
    let paste = || {
        let out = Command::new("xclip").args(["-o", "-selection", "clipboard"]).output().expect("xclip runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(paste(), value, "the value is on the clipboard");
    // Load can only make the clearing late, never early: wait for it, then check it kept its time.
    assert!(wait_until(Duration::from_secs(30), || paste() != value), "the clipboard was never cleared");
    assert!(copied.elapsed() >= Duration::from_secs(5), "cleared after {:?}, before the 5 s", copied.elapsed());
    assert_eq!(s.run(&["--json", "audit", &id]).ok().json()[0]["action"], "copy");
}
