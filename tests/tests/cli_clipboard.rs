//! `keyden copy` against a real X clipboard (Xvfb): the value is pasteable, then cleared on time.
//! Its own test binary, so no other test touches the clipboard meanwhile.

use keyden_tests::{unique_secret, Sandbox};
use std::process::Command;

#[test]
fn copy_puts_the_value_on_the_clipboard_and_clears_it_on_time() {
    let s = Sandbox::new();
    std::fs::write(s.path().join("settings.json"), r#"{"clipboardClearSeconds": 5}"#).unwrap();
    let value = unique_secret("clip");
    let id = s.add("Clip", &value, &["--type", "token"]);
    let receipt = s.run(&["--json", "copy", &id]).ok().json();
    assert_eq!(receipt["clears_in_seconds"], 5);
    let paste = || {
        let out = Command::new("xclip").args(["-o", "-selection", "clipboard"]).output().expect("xclip runs");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(paste(), value, "the value is on the clipboard");
    std::thread::sleep(std::time::Duration::from_secs(7));
    assert_ne!(paste(), value, "the clipboard was cleared");
    assert_eq!(s.run(&["--json", "audit", &id]).ok().json()[0]["action"], "copy");
}
