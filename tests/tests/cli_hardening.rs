//! The hardening classes of issue 11, each tried as an attacker or a careless user would, as a process.

use keyden_tests::{wait_until, Run, Sandbox};
use std::process::Stdio;
use std::time::Duration;

const HS256: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl";

/// Runs keyden and waits for it to end by itself; one that is still running after a generous bound is
/// killed and reported (it was waiting for something that will never come).
fn run_to_end(s: &Sandbox, args: &[&str]) -> Run {
    let mut child = s
        .command(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("keyden starts");
    let ended = wait_until(Duration::from_secs(60), || child.try_wait().unwrap().is_some());
    if !ended {
        let _ = child.kill();
    }
    let out = child.wait_with_output().unwrap();
    assert!(ended, "keyden {args:?} never ended: {:?}", String::from_utf8_lossy(&out.stderr));
    Run::from(out)
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
        assert_eq!((run.code, run.error_code()), (1, "not_a_regular_file".to_string()), "{flags:?}: {run:?}");
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
