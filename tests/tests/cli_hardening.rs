//! The hardening classes of issue 11, each tried as an attacker or a careless user would, as a process.

use keyden_tests::{Run, Sandbox};
#[cfg(unix)]
use std::process::Stdio;

const HS256: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

/// Runs keyden and waits for it to end by itself; one that is still running after a generous bound is
/// killed and reported (it was waiting for something that will never come).
#[cfg(unix)]
fn run_to_end(s: &Sandbox, args: &[&str]) -> Run {
    let mut cmd = s.command(args);
    let mut child =
        cmd.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("keyden starts");
    let ended = keyden_tests::wait_until(std::time::Duration::from_secs(60), || child.try_wait().unwrap().is_some());
    if !ended {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    assert!(ended, "keyden {args:?} never ended: {:?}", String::from_utf8_lossy(&out.stderr));
    Run::from_output(&cmd, out)
}

/// Class 1: every file read is bounded, whatever size the file system reports, and a FIFO with no
/// writer is refused at once instead of waited on.
#[cfg(unix)]
#[test]
fn devices_and_fifos_are_refused_before_a_byte_is_read() {
    let s = Sandbox::new();
    let fifo = s.path().join("key.pem");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let fifo = fifo.to_str().unwrap();
    for flags in [
        ["--key-file", fifo],
        ["--secret-file", "/dev/zero"],
        ["--jwks", "/dev/zero"],
        ["--key-file", "/dev/urandom"],
        ["--jwks", fifo],
    ] {
        let mut args = vec!["--json", "inspect"];
        args.extend(flags);
        args.push(HS256);
        let run = run_to_end(&s, &args);
        assert_eq!((run.code, run.error_code()), (2, "not_a_regular_file".to_string()), "{flags:?}: {run:?}");
        assert!(run.error()["hint"].as_str().unwrap().contains("regular file"), "{run:?}");
    }
}

/// Class 2: no credential follows a redirect to another origin — a probe's custom header, a Medusa
/// password in a POST body, a JWKS request — and a check that was sent elsewhere is not "accepted".
/// A redirect within the origin is still followed.
#[test]
fn no_credential_follows_a_redirect_to_another_origin() {
    use keyden_tests::http::{Answer, HttpFake};
    let elsewhere_saw = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let seen = elsewhere_saw.clone();
    let elsewhere = HttpFake::start(move |r| {
        seen.lock().unwrap().push(r.clone());
        Answer::json(200, r#"{"ok":true,"keys":[{"kty":"oct","k":"c2VjcmV0"}],"token":"t"}"#)
    });
    let target = elsewhere.url.clone();
    let origin = HttpFake::start(move |r| {
        let to = |status: u16, path: &str| Answer::Http(status, vec![("location".into(), path.into())], "{}".into());
        match r.path() {
            "/same" => to(302, "/health"),
            "/health" if r.header("x-api-key").is_some() => Answer::json(200, "{}"),
            "/auth/user/emailpass" => to(307, &format!("{target}/auth/user/emailpass")),
            _ => to(302, &format!("{target}{}", r.path())),
        }
    });
    let s = Sandbox::new().with_env("KEYDEN_HTTP_RETRY_BASE_MS", "20");
    let value = keyden_tests::unique_secret("redirect");
    let id = s.add("Redirected API", &value, &["--provider", "payments"]);

    let probe = |path: &str| {
        let url = format!("{}{path}", origin.url);
        s.run(&["--json", "keys", "probe", &id, "--url", &url, "--header", "X-Api-Key: {key}"]).ok();
        s.run(&["--json", "check", &id])
    };
    let away = probe("/health-moved");
    assert_eq!((away.code, away.json()["outcome"].as_str()), (1, Some("error")), "{away:?}");
    assert!(away.json()["message"].as_str().unwrap().contains("another origin"), "{away:?}");
    let within = probe("/same");
    assert_eq!(within.json()["outcome"], "accepted", "a redirect within the origin is followed: {within:?}");

    let login = s.run_with_stdin(
        &[
            "--json",
            "accounts",
            "add",
            "medusa",
            "--name",
            "shop",
            "--url",
            &origin.url,
            "--email",
            "a@b.c",
            "--password-stdin",
        ],
        b"the-account-password",
    );
    assert_eq!((login.code, login.error_code().as_str()), (1, "provider_redirected"), "{login:?}");
    assert!(login.error()["hint"].as_str().unwrap().contains("no credential was sent"), "{login:?}");

    let jwks = s.run(&["--json", "inspect", "--jwks", &format!("{}/jwks.json", origin.url), HS256]);
    assert_eq!(jwks.error_code(), "jwks_unavailable", "{jwks:?}");
    assert!(jwks.error()["message"].as_str().unwrap().contains("another origin"), "{jwks:?}");

    assert!(origin.hits() >= 5, "the origin was asked");
    let saw = elsewhere_saw.lock().unwrap();
    assert!(saw.is_empty(), "the other origin was never asked: {saw:?}");
}

/// What a terminal would obey or a reader would not see: C0 (but the report's own line breaks), DEL,
/// C1, and the format characters used to hide or reorder text.
fn hostile_chars(text: &str) -> Vec<char> {
    text.chars()
        .filter(|&c| {
            (c.is_control() && c != '\n')
                || matches!(c as u32, 0x200B..=0x200F | 0x202A..=0x202E | 0x2066..=0x2069 | 0xFEFF)
        })
        .collect()
}

#[track_caller]
fn assert_terminal_safe(run: &Run, what: &str) {
    let found = hostile_chars(&format!("{}{}", run.stdout, run.stderr));
    assert!(found.is_empty(), "{what}: raw {found:?} reached the terminal: {run:?}");
}

fn b64(v: &str) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v)
}

/// Class 3: text from outside — a secret's own characters, a command line in the audit trail, a
/// provider's titles, owners and error messages, a token's fields — reaches the terminal escaped, in
/// human and JSON output; names with invisible characters are refused, and compared in NFC.
#[test]
fn hostile_text_never_reaches_the_terminal_raw() {
    let s = Sandbox::new().with_env("KEYDEN_HTTP_RETRY_BASE_MS", "20");
    let secret = "\u{1b}]0;pwned\u{7}_tok_\u{9b}31m0123456789\u{202e}abc\u{1b}[2J";
    let id = s.add("Hostile secret", secret, &["--type", "token", "--env", "prod"]);
    // A program whose name drives the terminal: the audit trail records it. (Windows forbids C0
    // controls in file names; the C1 CSI and the bidi override are allowed there too.)
    let program = if keyden_tests::windows_build() {
        let p = s.path().join("\u{9b}31mred\u{202e}.exe");
        std::fs::copy(keyden_tests::probe(), &p).unwrap();
        p
    } else {
        let p = s.path().join("\u{1b}[31mred\u{202e}");
        #[cfg(unix)]
        std::os::unix::fs::symlink("/bin/true", &p).unwrap();
        p
    };
    let exec = s.run(&["exec", "--env", &format!("V={id}"), "--", program.to_str().unwrap()]);
    assert_eq!(exec.code, 0, "{exec:?}");
    for args in [
        vec!["keys", "list"],
        vec!["keys", "show", &id],
        vec!["audit"],
        vec!["--json", "keys", "list"],
        vec!["--json", "audit"],
    ] {
        let run = s.run(&args).ok();
        assert_terminal_safe(&run, &format!("{args:?}"));
    }
    let json = s.run(&["--json", "audit"]).ok().json();
    let kept = if keyden_tests::windows_build() { "\u{9b}31mred\u{202e}.exe" } else { "\\u001b[31mred\u{202e}" };
    assert!(json.to_string().contains(kept), "JSON escapes keep the data: {json}");

    // Names: invisible characters refused; one name typed two ways is one name.
    let zw = s.run_with_stdin(
        &["--json", "keys", "add", "--title", "T", "--type", "token", "--env", "prod\u{200b}", "--secret-stdin"],
        b"tok_zero_width_123456",
    );
    assert_eq!(zw.error_code(), "invalid_input", "{zw:?}");
    assert!(zw.error()["message"].as_str().unwrap().contains("U+200B"), "{zw:?}");
    let bidi = s.run_with_stdin(
        &["--json", "keys", "add", "--title", "evil\u{202e}gpj.exe", "--type", "token", "--secret-stdin"],
        b"tok_bidi_1234567890",
    );
    assert_eq!(bidi.error_code(), "invalid_input", "{bidi:?}");
    let first = s.add("Café composed", "sk_one_0123456789abcdef", &["--type", "secret", "--env", "caf\u{e9}"]);
    let second = s.run_with_stdin(
        &[
            "--json",
            "keys",
            "add",
            "--title",
            "Café decomposed",
            "--type",
            "secret",
            "--env",
            "cafe\u{301}",
            "--secret-stdin",
        ],
        b"sk_two_0123456789abcdef",
    );
    assert_eq!(second.error_code(), "one_active_key", "NFC makes them one environment: {second:?}");
    assert!(s.ids().contains(&first));

    // A provider's words: an error message, then titles and owners in a sync.
    use keyden_tests::http::{Answer, HttpFake};
    let hostile_server = HttpFake::start(|_| {
        Answer::json(401, r#"{"type":"unauthorized","message":"\u001b]52;c;cHduZWQ=\u0007 denied \u202e\u009b2J"}"#)
    });
    let login = s.run_with_stdin(
        &[
            "accounts",
            "add",
            "medusa",
            "--name",
            "evil",
            "--url",
            &hostile_server.url,
            "--email",
            "a@b.c",
            "--password-stdin",
        ],
        b"pw",
    );
    assert_eq!(login.code, 1, "{login:?}");
    assert!(login.stderr.contains("denied"), "{login:?}");
    assert_terminal_safe(&login, "a server's error message");
    let pager = keyden_tests::fakes::MedusaPager::start(3);
    pager.set_field(0, "title", "\u{1b}[2J\u{1b}]0;owned\u{7}Title\u{202e}txt");
    pager.set_field(1, "created_by", "user_\u{1b}[31m\u{200b}");
    pager.set_field(2, "redacted", "sk_\u{9b}\u{1b}[5m***");
    s.add_medusa_account("shop", pager.url(), keyden_tests::fakes::PAGER_EMAIL, keyden_tests::fakes::PAGER_PASSWORD)
        .ok();
    for args in [vec!["sync"], vec!["keys", "list"], vec!["--json", "keys", "list"]] {
        let run = s.run(&args);
        assert_terminal_safe(&run, &format!("{args:?} after a sync"));
    }
    let listed = s.run(&["keys", "list"]).ok().stdout;
    assert!(listed.contains("\\u{1b}[2J"), "shown, escaped: {listed}");

    // A token's fields, in inspect's human output.
    let claims = r#"{"sub":"\u001b[2J","aud":"x\u202ey","iss":"\u009b31m","exp":1}"#;
    let token = format!("{}.{}.c2ln", b64(r#"{"alg":"HS256","typ":"JWT","kid":"\u001b]0;k\u0007"}"#), b64(claims));
    let inspect = s.run(&["inspect", "--aud", "mine", &token]);
    assert_eq!(inspect.code, 1, "{inspect:?}");
    assert_terminal_safe(&inspect, "inspect");
}

/// Class 4: Keyden changes the mode only of what it creates; an existing directory that others can
/// write, that someone else owns, or that is a symlink is refused and left as it was; the database and
/// lock files are 0600 whatever the umask.
#[cfg(unix)]
#[test]
fn the_data_directory_is_judged_not_changed() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let root = tempfile::tempdir().unwrap();
    let mode = |p: &std::path::Path| std::fs::symlink_metadata(p).unwrap().mode() & 0o7777;
    // keyden under `umask 000`, as a careless shell profile leaves it.
    let keyden = |dir: &std::path::Path, args: &str| {
        let script = format!("umask 000; exec \"$0\" --json --data-dir \"$1\" {args}");
        let mut sh = std::process::Command::new("sh");
        sh.args(["-c", &script]).arg(keyden_tests::keyden_bin()).arg(dir);
        Run::of(sh.env_remove("KEYDEN_DATA_DIR").stdin(Stdio::null()))
    };

    let shared = root.path().join("shared");
    std::fs::create_dir(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let run = keyden(&shared, "keys list");
    assert_eq!((run.code, run.error_code()), (1, "data_dir_unsafe".to_string()), "{run:?}");
    assert!(run.error()["hint"].as_str().unwrap().contains("chmod 700"), "{run:?}");
    assert_eq!(mode(&shared), 0o1777, "the sticky bit is kept");
    assert_eq!(std::fs::read_dir(&shared).unwrap().count(), 0, "no vault in a shared place");

    let private = root.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o750)).unwrap();
    let link = root.path().join("link");
    std::os::unix::fs::symlink(&private, &link).unwrap();
    let run = keyden(&link, "keys list");
    assert_eq!(run.error_code(), "data_dir_symlink", "{run:?}");
    assert_eq!((mode(&private), std::fs::read_dir(&private).unwrap().count()), (0o750, 0));

    if rustix_is_root() {
        let foreign = root.path().join("foreign");
        std::fs::create_dir(&foreign).unwrap();
        std::os::unix::fs::chown(&foreign, Some(65534), Some(65534)).unwrap();
        std::fs::set_permissions(&foreign, std::fs::Permissions::from_mode(0o700)).unwrap();
        let run = keyden(&foreign, "keys list");
        assert_eq!(run.error_code(), "data_dir_unsafe", "{run:?}");
        assert!(run.error()["message"].as_str().unwrap().contains("another user"), "{run:?}");
    }

    // An existing directory of the user's own keeps its mode; new files are 0600 under umask 000.
    let run = keyden(&private, "keys list");
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(mode(&private), 0o750, "not Keyden's to change");
    let fresh = root.path().join("new/keyden");
    assert_eq!(keyden(&fresh, "keys list").code, 0);
    assert_eq!(mode(&fresh), 0o700, "created by Keyden: private");
    for dir in [&private, &fresh] {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() && !path.ends_with("settings.json") {
                assert_eq!(mode(&path), 0o600, "{}", path.display());
            }
        }
    }
    let sqlite = fresh.join("keyden.sqlite3");
    assert!(sqlite.exists() && fresh.join("keyden.migrate.lock").exists());
}

#[cfg(unix)]
fn rustix_is_root() -> bool {
    std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0).unwrap_or(false)
}

/// Class 5, as a process: a critical extension Keyden does not know is a finding (exit 1), and
/// duplicate members are listed in the JSON and said in the diagnosis.
#[test]
fn crit_and_duplicate_members_reach_the_verdict() {
    let s = Sandbox::new();
    let crit = format!("{}.{}.c2ln", b64(r#"{"alg":"HS256","crit":["b64"],"b64":false}"#), b64(r#"{"sub":"1"}"#));
    let run = s.run(&["--json", "inspect", &crit]);
    assert_eq!((run.code, run.json()["verdict"].as_str()), (1, Some("unknown_critical")), "{run:?}");
    let twice = format!("{}.{}.c2ln", b64(r#"{"alg":"none","alg":"HS256"}"#), b64(r#"{"sub":"1"}"#));
    let run = s.run(&["--json", "inspect", &twice]);
    assert_eq!(run.json()["duplicate_members"], serde_json::json!(["header.alg"]), "{run:?}");
    let human = s.run(&["inspect", &twice]).stdout;
    assert!(human.contains("header.alg more than once"), "{human}");
}

/// Class 6: a revoked secret still verifies old tokens, but signs no new one.
#[test]
fn a_revoked_secret_signs_nothing_new() {
    let s = Sandbox::new();
    let id = s.add("App secret", &keyden_tests::unique_secret("mint"), &["--type", "secret"]);
    let hs256 = ["mint", "hs256", "--secret-from", &id, "--claims", r#"{"sub":"1"}"#];
    let shopify = ["mint", "shopify", "--secret-from", &id, "--api-key", "client-id", "--shop", "a.myshopify.com"];
    let token = s.run(&hs256).ok().stdout;
    assert_eq!(token.trim().split('.').count(), 3, "an active key mints: {token}");
    s.run(&shopify).ok();
    s.run(&["keys", "revoke", &id, "--yes"]).ok();
    for args in [&hs256[..], &shopify[..]] {
        let mut with_json = vec!["--json"];
        with_json.extend_from_slice(args);
        let run = s.run(&with_json);
        assert_eq!((run.code, run.error_code().as_str()), (1, "key_revoked"), "{args:?}: {run:?}");
        assert!(run.stdout.is_empty(), "no token: {run:?}");
    }
    let old = s.run(&["--json", "inspect", "--secret-from", &id, token.trim()]);
    assert_eq!(old.json()["verdict"], "valid", "the revoked key still verifies what it signed: {old:?}");
}

/// Class 7: a vault emptied, removed or swapped for another is reported as possible data loss while
/// the keyring still holds its secrets — never opened as a new, empty vault; its backup restores it.
#[test]
fn an_emptied_or_replaced_database_is_not_a_new_empty_vault() {
    let s = Sandbox::new();
    let id = s.add("Precious", &keyden_tests::unique_secret("precious"), &["--type", "token"]);
    let db = s.path().join("keyden.sqlite3");
    let side = |suffix: &str| std::path::PathBuf::from(format!("{}{suffix}", db.display()));
    // A backup taken with Keyden closed: the database and, if there is one, its WAL.
    let backup = tempfile::tempdir().unwrap();
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        for name in ["keyden.sqlite3", "keyden.sqlite3-wal"] {
            let _ = std::fs::remove_file(to.join(name));
            if from.join(name).exists() {
                std::fs::copy(from.join(name), to.join(name)).unwrap();
            }
        }
    };
    copy(s.path(), backup.path());
    let other = Sandbox::new();
    other.add("Someone else's", &keyden_tests::unique_secret("other"), &["--type", "token"]);
    for damage in ["emptied", "removed", "replaced"] {
        for suffix in ["-wal", "-shm"] {
            let _ = std::fs::remove_file(side(suffix));
        }
        match damage {
            "emptied" => std::fs::write(&db, b"").unwrap(),
            "removed" => std::fs::remove_file(&db).unwrap(),
            _ => copy(other.path(), s.path()),
        }
        let run = s.run(&["--json", "keys", "list"]);
        assert_eq!((run.code, run.error_code().as_str()), (1, "vault_replaced"), "{damage}: {run:?}");
        assert!(run.error()["hint"].as_str().unwrap().contains("keyden.install"), "{run:?}");
    }
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(side(suffix));
    }
    copy(backup.path(), s.path());
    assert_eq!(s.ids(), [id], "the backup brings the vault back");
}
