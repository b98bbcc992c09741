//! Bad input gets a clear error and loses nothing.

use keyden_tests::{unique_secret, Sandbox};

fn add_raw(s: &Sandbox, title: &str, secret: &[u8]) -> keyden_tests::Run {
    s.run_with_stdin(&["--json", "keys", "add", "--title", title, "--type", "token", "--secret-stdin"], secret)
}

#[test]
fn bad_titles_are_refused_and_nothing_is_stored() {
    let s = Sandbox::new();
    let keep = s.add("Keep me", &unique_secret("keep"), &["--type", "token"]);
    for (title, needle) in [("", "required"), ("   ", "required"), ("two\nlines", "line break")] {
        let run = add_raw(&s, title, b"tok_value_123456789");
        assert_eq!((run.code, run.error_code()), (1, "invalid_input".to_string()), "{title:?}: {run:?}");
        assert!(run.error()["message"].as_str().unwrap().contains(needle), "{run:?}");
    }
    let long = "x".repeat(10_000);
    let run = add_raw(&s, &long, b"tok_value_123456789");
    assert_eq!(run.error_code(), "invalid_input");
    assert!(run.error()["message"].as_str().unwrap().contains("10000 characters"), "{run:?}");
    assert_eq!(s.ids(), [keep], "nothing lost, nothing added");
}

#[test]
fn emoji_titles_round_trip() {
    let s = Sandbox::new();
    let id = s.add("Prod 🚀 ключ 鍵", &unique_secret("emoji"), &["--type", "token"]);
    assert_eq!(s.run(&["--json", "keys", "show", &id]).ok().json()["key"]["title"], "Prod 🚀 ключ 鍵");
}

#[test]
fn bad_secrets_are_refused_with_their_reason() {
    let s = Sandbox::new();
    for (secret, code) in [
        (&b"abc\0def"[..], "secret_nul_byte"),
        (&b""[..], "secret_empty"),
        (&b"\n"[..], "secret_empty"),
        (&[0xff, 0xfe, 0x41][..], "secret_not_utf8"),
    ] {
        let run = add_raw(&s, "Bad secret", secret);
        assert_eq!((run.code, run.error_code()), (1, code.to_string()), "{secret:?}: {run:?}");
        assert!(run.error()["hint"].is_string());
    }
    let huge = vec![b'a'; 2 * 1024 * 1024];
    let run = add_raw(&s, "Huge", &huge);
    assert_eq!(run.error_code(), "secret_too_large");
    assert!(s.ids().is_empty());
}

#[test]
fn a_missing_secret_is_a_usage_error() {
    let s = Sandbox::new();
    let run = s.run(&["--json", "keys", "add", "--title", "No secret"]);
    assert_eq!((run.code, run.error_code()), (2, "secret_required".to_string()));
}

#[test]
fn usage_errors_exit_2() {
    let s = Sandbox::new();
    assert_eq!(s.run(&["keys", "list", "--sort", "nonsense"]).code, 2);
    assert_eq!(s.run(&["no-such-command"]).code, 2);
    assert_eq!(s.run(&["--json", "keys", "add", "--title", "T", "--expires", "tomorrow", "--secret-stdin"]).code, 2);
}

#[test]
fn human_errors_carry_the_hint() {
    let s = Sandbox::new();
    let run = s.run(&["keys", "show", "ghost"]);
    assert_eq!(run.code, 1);
    assert!(run.stderr.contains("no key named \"ghost\""), "{run:?}");
    assert!(run.stderr.contains("hint:"), "{run:?}");
}

#[test]
fn no_subcommand_starts_the_app_beside_it_or_says_it_is_missing() {
    // A CLI with no keyden-app beside it (a copy, alone in a directory; the build tree may hold a
    // debug app): it must say so, not hang or panic.
    let s = Sandbox::new();
    let alone = tempfile::tempdir().unwrap();
    let cli = alone.path().join(keyden_tests::keyden_bin().file_name().unwrap());
    std::fs::copy(keyden_tests::keyden_bin(), &cli).unwrap();
    let run = keyden_tests::Run::of(keyden_tests::keyden_command(&cli).arg("--json").env("KEYDEN_DATA_DIR", s.path()));
    assert_eq!((run.code, run.error_code()), (1, "app_not_found".to_string()), "{run:?}");
    assert!(run.error()["message"].as_str().unwrap().contains("keyden-app"));
}
