//! The X clipboard as a user's other programs see it (Xvfb in the tests), through `xclip`.

use std::process::{Command, Stdio};

/// What a paste would give now.
pub fn paste() -> String {
    xclip_out(&[])
}

/// What a paste asking for `target` (a MIME type, or `TARGETS` for the list of them) would give now.
pub fn paste_as(target: &str) -> String {
    xclip_out(&["-t", target])
}

fn xclip_out(extra: &[&str]) -> String {
    let out = Command::new("xclip").args(["-o", "-selection", "clipboard"]).args(extra).output().expect("xclip runs");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Whether what the clipboard holds now carries the hint clipboard managers honour to keep a value out
/// of their history (KDE's convention, which the others follow): the `x-kde-passwordManagerHint`
/// target, answering `secret`.
pub fn marked_secret() -> bool {
    paste_as("TARGETS").lines().any(|t| t == "x-kde-passwordManagerHint")
        && paste_as("x-kde-passwordManagerHint") == "secret"
}

/// Another program takes the clipboard with `text` (xclip serves it from the background until
/// something else takes the clipboard); returns once a paste gives it.
pub fn hold(text: &str) {
    use std::io::Write;
    let mut xclip = Command::new("xclip")
        .args(["-i", "-selection", "clipboard"])
        .stdin(Stdio::piped())
        .spawn()
        .expect("xclip runs");
    xclip.stdin.take().unwrap().write_all(text.as_bytes()).unwrap();
    assert!(xclip.wait().unwrap().success());
    assert!(crate::wait_until(std::time::Duration::from_secs(10), || paste() == text), "xclip holds {text:?}");
}
