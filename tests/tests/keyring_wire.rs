//! Secrets cross the session bus encrypted. Every process of the user can listen on the session bus
//! (`dbus-monitor`); Keyden opens its Secret Service sessions with the Diffie-Hellman algorithm, so a
//! value written or read is never on the bus in clear. A write and a read run here under a bus
//! monitor, whose whole transcript is searched for the value.

use keyden_tests::bus::{ask_bus, monitor};
use keyden_tests::{require_private_keyring, unique_secret, Sandbox};
use std::io::{BufRead, Read};

/// Whether the transcript holds `value`: as text (a string, or a byte array dbus-monitor prints as
/// text), or as a byte array printed in hex, however its lines wrap.
fn holds(transcript: &str, value: &str) -> bool {
    let hex: String = value.bytes().map(|b| format!("{b:02x}")).collect();
    let squeezed: String = transcript.chars().filter(|c| !c.is_whitespace()).collect();
    transcript.contains(value) || squeezed.contains(&hex)
}

#[test]
fn a_secret_never_crosses_the_session_bus_in_clear() {
    require_private_keyring();
    let s = Sandbox::new();
    let secret = unique_secret("wire");
    let (mut listening, mut out) = monitor(None);

    let id = s.add("On the wire", &secret, &["--type", "token"]);
    let got = s.run(&["get", &id]).ok();
    assert_eq!(got.stdout.trim_end(), secret);
    // The control: values this monitor must see, one as a string and one as a byte array (the call
    // fails, the monitor prints it anyway).
    let (as_text, as_bytes) = (unique_secret("wire_control_text"), unique_secret("wire_control_bytes"));
    let bytes: Vec<String> = as_bytes.bytes().map(|b| b.to_string()).collect();
    for arg in [format!("string:{as_text}"), format!("array:byte:{}", bytes.join(","))] {
        ask_bus("NameHasOwner", &arg);
    }
    let marker = unique_secret("wire_end");
    ask_bus("NameHasOwner", &format!("string:{marker}"));

    // Everything up to the last marker, then the monitor stops.
    let mut transcript = String::new();
    let mut line = String::new();
    while !transcript.contains(&marker) {
        line.clear();
        assert!(out.read_line(&mut line).unwrap() > 0, "the monitor stopped early");
        transcript.push_str(&line);
    }
    listening.kill().unwrap();
    listening.wait().unwrap();
    let mut rest = String::new();
    let _ = out.read_to_string(&mut rest);

    assert!(holds(&transcript, &as_text) && holds(&transcript, &as_bytes), "the monitor missed the control");
    for member in ["member=OpenSession", "member=CreateItem", "member=GetSecret"] {
        assert!(transcript.contains(member), "Keyden's {member} was not seen on the bus");
    }
    assert!(!holds(&transcript, &secret), "the value crossed the bus in clear");
    assert!(transcript.contains("dh-ietf1024-sha256-aes128-cbc-pkcs7"), "a session was opened without encryption");
    assert!(!transcript.contains("string \"plain\""), "a session was opened in clear");
}
