//! Canary: a unique secret goes in, every command is used, and then not one byte of it may be found
//! anywhere in the data directory (database, WAL, settings) or in the list/detail/audit JSON.

use keyden_tests::{occurrences, unique_secret, Sandbox};

#[test]
fn the_secret_appears_nowhere_but_where_it_was_asked_for() {
    let s = Sandbox::new();
    std::fs::write(s.path().join("settings.json"), r#"{"clipboardClearSeconds": 5}"#).unwrap();
    let canary = unique_secret("canary");
    let id = s.add("Canary key", &canary, &["--provider", "stripe", "--env", "prod"]);

    let mut outputs = Vec::new();
    for args in [
        vec!["--json", "keys", "list"],
        vec!["keys", "list"],
        vec!["--json", "keys", "list", "--search", "Canary"],
        vec!["--json", "keys", "list", "--search", &canary[..12]],
        vec!["--json", "keys", "show", &id],
        vec!["keys", "show", &id],
        vec!["--json", "keys", "edit", &id, "--notes", "canary notes"],
        vec!["--json", "copy", &id],
        vec!["--json", "audit"],
        vec!["audit", &id],
        vec!["mint", "hs256", "--secret-from", &id, "--claims", r#"{"sub":"canary"}"#],
        vec!["inspect", "--secret-from", &id, "e30.e30.c2ln"],
        vec!["--json", "inspect", "--secret-from", &id, "e30.e30.c2ln"],
    ] {
        let run = s.run(&args);
        assert!(run.code == 0 || args.contains(&"inspect"), "{args:?}: {run:?}");
        outputs.push((args.join(" "), run.stdout, run.stderr));
    }
    let exec = s.run_child(&["exec", "--env", &format!("K={id}")], &["require:K", "out:injected"]).ok();
    assert_eq!(exec.stdout.trim(), "injected");
    outputs.push(("exec".into(), exec.stdout, exec.stderr));

    // The explicit ways out do hand the value out: the canary is real, so the scan below means something.
    assert_eq!(s.run(&["get", &id]).ok().stdout, canary);

    for (what, stdout, stderr) in &outputs {
        assert_eq!(occurrences(stdout.as_bytes(), canary.as_bytes()), 0, "`{what}` printed the secret");
        assert_eq!(occurrences(stderr.as_bytes(), canary.as_bytes()), 0, "`{what}` logged the secret");
    }
    // Revoke and delete too, then scan every file the data directory holds (WAL included).
    s.run(&["keys", "revoke", &id, "--yes"]).ok();
    let files = s.files();
    assert!(files.iter().any(|f| f.to_string_lossy().ends_with("keyden.sqlite3")));
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        assert_eq!(occurrences(&bytes, canary.as_bytes()), 0, "{} holds the secret", f.display());
        // Not even the middle that the redacted form hides.
        let hidden = &canary.as_bytes()[6..canary.len() - 4];
        assert_eq!(occurrences(&bytes, hidden), 0, "{} holds part of the secret", f.display());
    }
}
