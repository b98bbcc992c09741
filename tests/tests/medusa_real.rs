//! The whole Medusa lifecycle through the CLI against a real Medusa v2 server (npm + Debian PostgreSQL
//! on 127.0.0.1), started by `scripts/test.sh` with a short admin-JWT lifetime. Ignored by a plain
//! `cargo test`; the test script runs them with `--ignored` once the server is healthy.
//!   KEYDEN_MEDUSA_URL            the server (http://127.0.0.1:9100)
//!   KEYDEN_MEDUSA_JWT_SECONDS    the admin JWT lifetime it was started with

use keyden_tests::medusa::{clean_slate, seen_elsewhere, signed_in, url, EMAIL};
use keyden_tests::{keyring_lookup, occurrences, Run, Sandbox};
use std::process::Command;

fn jwt_seconds() -> u64 {
    std::env::var("KEYDEN_MEDUSA_JWT_SECONDS").ok().and_then(|v| v.parse().ok()).unwrap_or(5)
}

fn find_remote<'a>(list: &'a serde_json::Value, remote_id: &str) -> Option<&'a serde_json::Value> {
    list.as_array().unwrap().iter().find(|k| k["remote_id"] == remote_id)
}

fn title(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("Keyden test {tag} {nanos:x}")
}

fn create(s: &Sandbox, title: &str, kind: &str) -> Run {
    s.run(&["--json", "keys", "create", "--account", "shop", "--title", title, "--type", kind])
}

#[test]
#[ignore = "needs a real Medusa server: scripts/test.sh starts one"]
fn the_lifecycle_against_a_real_medusa() {
    let (s, _) = signed_in();
    clean_slate(&s);

    // Create: the token goes straight into the keyring and is shown this once.
    let t = title("deploy");
    let created = create(&s, &t, "secret").ok().json();
    let secret = created["secret"].as_str().unwrap().to_string();
    assert!(secret.starts_with("sk_") && secret.len() == 67, "{secret}");
    let id = created["key"]["id"].as_str().unwrap().to_string();
    let remote_id = created["key"]["remote_id"].as_str().unwrap().to_string();
    assert!(remote_id.starts_with("apk_"));
    assert_eq!(keyring_lookup(&id).as_deref(), Some(secret.as_str()));
    assert_eq!(s.run(&["get", &id]).ok().stdout, secret);
    let shown = s.run(&["--json", "keys", "show", &id]).ok();
    assert_eq!(occurrences(shown.stdout.as_bytes(), secret.as_bytes()), 0);
    assert!(shown.json()["key"]["redacted"].as_str().unwrap().contains("***"), "Medusa's own redacted form");
    for f in s.files() {
        let bytes = std::fs::read(&f).unwrap();
        assert_eq!(occurrences(&bytes, secret.as_bytes()), 0, "secret found in {}", f.display());
    }
    let remote = seen_elsewhere(&remote_id).expect("the server has the key");
    assert_eq!((remote["title"].as_str(), remote["status"].as_str()), (Some(t.as_str()), Some("active")));

    // The key works against the server, as HTTP Basic.
    let check = s.run(&["--json", "check", &id]).ok().json();
    assert_eq!((check["outcome"].as_str(), check["http_status"].as_u64()), (Some("accepted"), Some(200)));

    // One active secret key per user: refused before the server is asked, the active one named.
    let count_before = s.run(&["--json", "sync"]).ok().json()[0]["remote_count"].as_u64().unwrap();
    let second = create(&s, &title("second"), "secret");
    assert_eq!((second.code, second.error_code().as_str()), (1, "one_active_key"), "{second:?}");
    assert!(second.error()["message"].as_str().unwrap().contains(&t));
    assert_eq!(s.run(&["--json", "sync"]).ok().json()[0]["remote_count"].as_u64().unwrap(), count_before);
    // Publishable keys are not under the rule.
    let pk = create(&s, &title("storefront"), "publishable").ok().json();
    assert!(pk["secret"].as_str().unwrap().starts_with("pk_"));

    // Edit: remote first, read back.
    let renamed = format!("{t} renamed");
    s.run(&["keys", "edit", &id, "--title", &renamed]).ok();
    assert_eq!(seen_elsewhere(&remote_id).unwrap()["title"], renamed.as_str());

    // Delete before revoke: refused, on both sides.
    let early = s.run(&["--json", "keys", "delete", &id, "--yes"]);
    assert_eq!(early.error_code(), "key_not_revoked");
    assert!(seen_elsewhere(&remote_id).is_some());

    // Revoke: remote first; the secret key no longer opens the Admin API; the value is never handed out.
    s.run(&["keys", "revoke", &id, "--yes"]).ok();
    assert_eq!(seen_elsewhere(&remote_id).unwrap()["status"], "revoked");
    assert_eq!(s.run(&["--json", "get", &id]).error_code(), "key_revoked");
    let after = s.run(&["--json", "check", &id]);
    assert_eq!(
        (after.code, after.json()["outcome"].as_str(), after.json()["http_status"].as_u64()),
        (1, Some("rejected"), Some(401))
    );
    let history = s.run(&["keys", "show", &id]).ok().stdout;
    assert!(history.contains("failing since") && history.contains("last worked"), "{history}");

    // Delete: remote then local; the keyring entry goes too.
    s.run(&["keys", "delete", &id, "--yes"]).ok();
    assert!(seen_elsewhere(&remote_id).is_none(), "deleted at the server");
    assert_eq!(keyring_lookup(&id), None);
    assert_eq!(s.run(&["--json", "keys", "show", &id]).error_code(), "key_not_found");
    let pk_id = pk["key"]["id"].as_str().unwrap();
    s.run(&["keys", "revoke", pk_id, "--yes"]).ok();
    s.run(&["keys", "delete", pk_id, "--yes"]).ok();
}

#[test]
#[ignore = "needs a real Medusa server: scripts/test.sh starts one"]
fn an_expired_admin_session_is_renewed_without_the_user_noticing() {
    let (s, account_id) = signed_in();
    let entry = format!("account:{account_id}:jwt");
    let first = keyring_lookup(&entry).expect("the admin JWT is cached in the keyring");
    s.run(&["sync"]).ok();
    // Outlive the JWT (the server was started with a short lifetime).
    std::thread::sleep(std::time::Duration::from_secs(jwt_seconds() + 1));
    s.run(&["sync"]).ok();
    let renewed = keyring_lookup(&entry).unwrap();
    assert_ne!(first, renewed, "a fresh session was obtained");

    // A cached JWT that looks valid but the server refuses (401): logged in again, once, silently.
    let bogus = "eyJhbGciOiJIUzI1NiJ9.eyJhY3Rvcl9pZCI6InVzZXJfeCIsImV4cCI6NDEwMjQ0NDgwMH0.Zm9yZ2Vk";
    let stored = Command::new("secret-tool")
        .args(["store", "--label", "test", "service", "keyden", "username", &entry])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut c| {
            use std::io::Write;
            c.stdin.take().unwrap().write_all(bogus.as_bytes())?;
            c.wait()
        })
        .unwrap();
    assert!(stored.success());
    s.run(&["sync"]).ok();
    assert_ne!(keyring_lookup(&entry).as_deref(), Some(bogus));
}

#[test]
#[ignore = "needs a real Medusa server: scripts/test.sh starts one"]
fn the_server_is_respected_when_another_client_changed_the_key() {
    let (s, _) = signed_in();
    clean_slate(&s);
    let created = create(&s, &title("shared"), "secret").ok().json();
    let (id, remote_id) =
        (created["key"]["id"].as_str().unwrap().to_string(), created["key"]["remote_id"].as_str().unwrap().to_string());

    // Another client (a second Keyden, which never saw the secret) revokes it at the server.
    let (other, _) = signed_in();
    other.run(&["sync"]).ok();
    let list = other.run(&["--json", "keys", "list"]).ok().json();
    let mirrored = find_remote(&list, &remote_id).unwrap()["id"].as_str().unwrap().to_string();
    other.run(&["keys", "revoke", &mirrored, "--yes"]).ok();

    // Our revoke: the server says it is already revoked; the read-back agrees; the local record follows.
    let again = s.run(&["--json", "keys", "revoke", &id, "--yes"]).ok().json();
    assert_eq!(again["status"], "revoked");

    // Deleted elsewhere: our sync marks it gone, never silently drops it.
    other.run(&["keys", "delete", &mirrored, "--yes"]).ok();
    let report = s.run(&["--json", "sync"]).ok().json()[0].clone();
    assert!(report["gone"].as_u64().unwrap() >= 1, "{report}");
    assert_eq!(s.run(&["--json", "keys", "show", &id]).ok().json()["key"]["remote_state"], "gone");
}

#[test]
#[ignore = "needs a real Medusa server: scripts/test.sh starts one"]
fn rotation_in_the_safe_order_with_consent() {
    let (s, _) = signed_in();
    clean_slate(&s);
    let old = create(&s, &title("rotate"), "secret").ok().json();
    let old_id = old["key"]["id"].as_str().unwrap().to_string();

    let refused = s.run(&["--json", "keys", "rotate", &old_id]);
    assert_eq!((refused.code, refused.error_code().as_str()), (1, "consent_needed"), "{refused:?}");
    assert_eq!(s.run(&["--json", "keys", "show", &old_id]).ok().json()["key"]["status"], "active");

    let report = s.run(&["--json", "keys", "rotate", &old_id, "--yes"]).ok().json();
    assert_eq!((report["completed"].as_bool(), report["revoked_first"].as_bool()), (Some(true), Some(true)));
    let new = &report["created"];
    let new_id = new["key"]["id"].as_str().unwrap();
    assert_eq!(keyring_lookup(new_id).as_deref(), new["secret"].as_str());
    assert_eq!(seen_elsewhere(old["key"]["remote_id"].as_str().unwrap()).unwrap()["status"], "revoked");
    assert_eq!(s.run(&["--json", "check", new_id]).ok().json()["outcome"], "accepted");

    // The new secret key is itself a credential: an account that signs in with it (HTTP Basic) syncs.
    let t = Sandbox::new();
    t.run_with_stdin(
        &["accounts", "add", "medusa", "--name", "by-key", "--url", &url(), "--secret-key-stdin"],
        new["secret"].as_str().unwrap().as_bytes(),
    )
    .ok();
    assert!(t.run(&["--json", "sync"]).ok().json()[0]["remote_count"].as_u64().unwrap() >= 1);
    s.run(&["keys", "revoke", new_id, "--yes"]).ok();

    // Where two keys may be active at once (publishable keys), no consent is needed and the order is the
    // safe one: create, check, and only then revoke the old key.
    let pk = create(&s, &title("storefront"), "publishable").ok().json();
    let pk_id = pk["key"]["id"].as_str().unwrap();
    let report = s.run(&["--json", "keys", "rotate", pk_id]).ok().json();
    assert_eq!((report["completed"].as_bool(), report["revoked_first"].as_bool()), (Some(true), Some(false)));
    let steps: Vec<&str> = report["steps"].as_array().unwrap().iter().map(|v| v.as_str().unwrap()).collect();
    assert!(steps[0].starts_with("created") && steps[1].starts_with("checked the new key: accepted"), "{steps:?}");
    assert!(steps[2].starts_with("revoked"), "{steps:?}");
    assert_eq!(s.run(&["--json", "keys", "show", pk_id]).ok().json()["key"]["status"], "revoked");
    let new_pk = report["created"]["key"]["id"].as_str().unwrap();
    s.run(&["keys", "revoke", new_pk, "--yes"]).ok();
}

#[test]
#[ignore = "needs a real Medusa server: scripts/test.sh starts one"]
fn wrong_password_is_a_clear_refusal() {
    let s = Sandbox::new();
    let r = s.add_medusa_account("shop", &url(), EMAIL, "not-the-password");
    assert_eq!(r.error_code(), "provider_unauthorized", "{r:?}");
    assert!(r.error()["message"].as_str().unwrap().contains("Invalid email or password"));
}
