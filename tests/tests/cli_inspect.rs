//! `keyden inspect` and `keyden mint` as a process: the JSON contract, exit codes, the vault's part
//! (which stored secret signed it), and JWKS fetched over HTTP from a server on 127.0.0.1.

use keyden_tests::{FakeServer, Reply, Sandbox};

const RFC_BEFORE: &str = "1300819370";
const A1_HS256: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const A1_KEY_B64: &str = "AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow";
const A2_RS256: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
const A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";

fn jwks() -> String {
    format!(r#"{{"keys":[{{"kty":"RSA","kid":"rfc-a2","n":"{A2_N}","e":"AQAB"}}]}}"#)
}

fn b64url_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(s).unwrap()
}

#[test]
fn the_json_contract_and_exit_codes() {
    let s = Sandbox::new();
    // --secret-file is raw bytes (this key is not UTF-8) with a trailing newline trimmed.
    let mut key = b64url_decode(A1_KEY_B64);
    key.push(b'\n');
    let key_file = s.path().join("a1.key");
    std::fs::write(&key_file, &key).unwrap();
    let key_file = key_file.to_str().unwrap();

    let valid = s.run(&["--json", "inspect", "--at", RFC_BEFORE, "--secret-file", key_file, A1_HS256]);
    assert_eq!(valid.code, 0, "{valid:?}");
    let j = valid.json();
    assert_eq!(j["verdict"], "valid");
    assert_eq!(j["alg"], "HS256");
    assert!(j["header"].is_object() && j["claims"].is_object() && j["diagnosis"].is_string());

    let expired = s.run(&["--json", "inspect", "--secret-file", key_file, A1_HS256]);
    assert_eq!((expired.code, expired.json()["verdict"].as_str()), (1, Some("expired")));
    let leeway =
        s.run(&["--json", "inspect", "--at", "1300819385", "--leeway", "10", "--secret-file", key_file, A1_HS256]);
    assert_eq!(leeway.json()["verdict"], "valid");

    let unverified = s.run(&["--json", "inspect", "--at", RFC_BEFORE, A1_HS256]);
    assert_eq!((unverified.code, unverified.json()["verdict"].as_str()), (0, Some("unverified")));

    let malformed = s.run(&["--json", "inspect", "a.b"]);
    assert_eq!(malformed.code, 1);
    let m = malformed.json();
    assert_eq!(m["verdict"], "malformed");
    assert!(m["alg"].is_null() && m["header"].is_null() && m["claims"].is_null());

    // Two keys at once, or a Shopify secret without its client id: usage errors.
    assert_eq!(s.run(&["inspect", "--secret", "a", "--key-file", "x.pem", A1_HS256]).code, 2);
    assert_eq!(s.run(&["inspect", "--shopify-secret", "a", A1_HS256]).code, 2);
    let missing = s.run(&["--json", "inspect", "--key-file", "/nonexistent.pem", A1_HS256]);
    assert_eq!(missing.code, 2);
}

#[test]
fn tokens_come_from_stdin_trimmed_and_huge_ones_are_refused() {
    let s = Sandbox::new();
    let run =
        s.run_with_stdin(&["--json", "inspect", "--at", RFC_BEFORE, "-"], format!("  {A1_HS256}\r\n\n").as_bytes());
    assert_eq!(run.json()["verdict"], "unverified");
    let huge = vec![b'a'; 1024 * 1024];
    let started = std::time::Instant::now();
    let run = s.run_with_stdin(&["--json", "inspect", "-"], &huge);
    assert_eq!(run.code, 1);
    assert_eq!(run.json()["verdict"], "malformed");
    assert!(run.json()["diagnosis"].as_str().unwrap().contains("refuses"));
    assert!(started.elapsed().as_secs() < 10);
}

#[test]
fn the_vault_names_the_secret_that_signed_the_token() {
    let s = Sandbox::new();
    s.add(
        "Staging app client secret",
        "staging-secret-value",
        &["--provider", "shopify", "--type", "client-secret", "--account", "client-staging"],
    );
    s.add(
        "Prod app client secret",
        "prod-secret-value",
        &["--provider", "shopify", "--type", "client-secret", "--account", "client-prod"],
    );
    let token = s
        .run(&[
            "mint",
            "shopify",
            "--secret-from",
            "Staging app client secret",
            "--api-key",
            "client-staging",
            "--shop",
            "demo.myshopify.com",
        ])
        .ok()
        .stdout
        .trim()
        .to_string();
    s.run(&["keys", "revoke", "Staging app client secret", "--yes"]).ok();

    // Checked against the prod app: invalid signature, and the revoked staging secret is named.
    let run = s.run(&[
        "--json",
        "inspect",
        "--shopify-api-key",
        "client-prod",
        "--secret-from",
        "Prod app client secret",
        &token,
    ]);
    assert_eq!(run.code, 1);
    let j = run.json();
    assert_eq!(j["verdict"], "invalid_signature");
    assert_eq!(j["signer"]["title"], "Staging app client secret");
    assert_eq!(j["signer"]["status"], "revoked");
    assert_eq!(j["secrets_tried"], 2);
    let diagnosis = j["diagnosis"].as_str().unwrap();
    assert!(diagnosis.contains("signed with 'Staging app client secret' (revoked"), "{diagnosis}");
    assert_eq!(j["findings"], serde_json::json!(["invalid_signature", "wrong_audience"]));

    // With the right app secret: valid. An hour later: expired, and still the signer is named.
    let ok = s.run(&[
        "--json",
        "inspect",
        "--shopify-api-key",
        "client-staging",
        "--secret-from",
        "Staging app client secret",
        &token,
    ]);
    assert_eq!(ok.json()["verdict"], "valid", "{ok:?}");
    let later =
        (std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() + 3600).to_string();
    let expired = s.run(&["--json", "inspect", "--at", &later, &token]).json();
    assert_eq!(expired["verdict"], "expired");
    assert_eq!(expired["signer"]["title"], "Staging app client secret");

    // A token signed by a secret the vault does not hold: none of the N matched.
    let foreign = s.run(&["--json", "inspect", "--secret", "wrong", &token]).json();
    assert!(
        foreign["diagnosis"].as_str().unwrap().contains("signed with 'Staging"),
        "the vault still finds the signer"
    );
    s.run(&["keys", "delete", "Staging app client secret", "--yes"]).ok();
    let unknown = s.run(&["--json", "inspect", "--secret", "wrong", &token]).json();
    assert!(
        unknown["diagnosis"].as_str().unwrap().contains("None of the 1 secrets in the vault signed it"),
        "{unknown}"
    );
    assert!(unknown["signer"].is_null());

    // --secret-from is audited as a verification, without the value.
    let audit = s.run(&["--json", "audit", "Prod app client secret"]).ok().json();
    assert!(audit.as_array().unwrap().iter().any(|e| e["action"] == "verify"));
}

#[test]
fn a_wrong_audience_names_the_vault_key_for_that_client_id() {
    let s = Sandbox::new();
    s.add("Staging app", "staging-secret-value", &["--type", "client-secret", "--account", "client-staging"]);
    let token = s
        .run(&[
            "mint",
            "shopify",
            "--secret-from",
            "Staging app",
            "--api-key",
            "client-staging",
            "--shop",
            "demo.myshopify.com",
        ])
        .ok()
        .stdout;
    let j = s
        .run(&[
            "--json",
            "inspect",
            "--shopify-api-key",
            "client-prod",
            "--secret",
            "staging-secret-value",
            token.trim(),
        ])
        .json();
    assert_eq!(j["verdict"], "wrong_audience");
    assert!(
        j["diagnosis"]
            .as_str()
            .unwrap()
            .contains("Client id client-staging is the account of the vault key 'Staging app'"),
        "{j}"
    );
}

#[test]
fn a_pasted_opaque_key_is_recognised_and_found_in_the_vault() {
    let s = Sandbox::new();
    let value = format!("sk_{}", "ab12".repeat(16));
    s.add("Medusa backend", &value, &["--provider", "medusa"]);
    let j = s.run(&["--json", "inspect", &value]).ok().json();
    assert_eq!(j["verdict"], "unverified");
    assert_eq!(j["kind"]["provider"], "medusa");
    assert_eq!(j["vault_matches"][0]["title"], "Medusa backend");
    assert!(!j.to_string().contains(&value), "the value is never echoed back");
}

#[test]
fn jwks_over_http_is_fetched_once_then_used_offline() {
    let s = Sandbox::new();
    let server = FakeServer::start(vec![Reply::Json(jwks()), Reply::Status(500)]);
    let inspect = |extra: &[&str]| {
        s.run(&[&["--json", "inspect", "--at", RFC_BEFORE, "--jwks", &server.url][..], extra, &[A2_RS256]].concat())
    };
    let first = inspect(&[]);
    assert_eq!(first.json()["verdict"], "valid", "{first:?}");
    assert_eq!(server.hits(), 1);
    let second = inspect(&[]);
    assert_eq!(second.json()["verdict"], "valid");
    assert_eq!(server.hits(), 1, "the second run uses the cache");
    // Forced refresh while the server fails: the cached set is used, and the user is told.
    let refreshed = inspect(&["--refresh"]);
    assert_eq!(refreshed.json()["verdict"], "valid");
    // Through the shared HTTP client: a 500 to a GET is retried (3 attempts) before the cache is used.
    assert_eq!(server.hits(), 4);
    assert!(refreshed.stderr.contains("HTTP 500") && refreshed.stderr.contains("cached"), "{refreshed:?}");
}

#[test]
fn jwks_failures_without_a_cache_are_clear_errors() {
    let s = Sandbox::new();
    let failing = FakeServer::start(vec![Reply::Status(500)]);
    let run = s.run(&["--json", "inspect", "--jwks", &failing.url, A2_RS256]);
    assert_eq!((run.code, run.error_code()), (1, "jwks_unavailable".to_string()), "{run:?}");
    assert!(run.error()["message"].as_str().unwrap().contains("HTTP 500"));

    let not_jwks = FakeServer::start(vec![Reply::Json("{\"hello\":1}".into())]);
    let run = s.run(&["--json", "inspect", "--jwks", &not_jwks.url, A2_RS256]);
    assert!(run.error()["message"].as_str().unwrap().contains("no \"keys\" array"), "{run:?}");

    let hanging = FakeServer::start(vec![Reply::Hang]);
    let started = std::time::Instant::now();
    let run = s.run(&["--json", "inspect", "--jwks", &hanging.url, A2_RS256]);
    assert!(run.error()["message"].as_str().unwrap().contains("no answer within"), "{run:?}");
    assert!(started.elapsed().as_secs() < 20);
}

#[test]
fn inspect_runs_without_a_keyring() {
    let s = Sandbox::new();
    let mut c = s.command(&["--json", "inspect", "--at", RFC_BEFORE, A1_HS256]);
    c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/keyden-test-bus");
    let run = keyden_tests::Run::of(&mut c).ok();
    assert_eq!(run.json()["verdict"], "unverified");
}

#[test]
fn a_decode_creates_and_opens_no_vault() {
    let s = Sandbox::new();
    // A data directory that does not exist: a decode needs none, so none is made.
    let fresh = s.path().join("never-made");
    let mut c = keyden_tests::keyden_command(&keyden_tests::keyden_bin());
    c.arg("--data-dir").arg(&fresh).args(["--json", "inspect", "--at", RFC_BEFORE, A1_HS256]);
    let run = keyden_tests::Run::of(&mut c).ok();
    assert_eq!(run.json()["verdict"], "unverified");
    assert!(!fresh.exists(), "a decode created {}", fresh.display());
    // An existing directory with no vault in it: the signer search has nothing to search, so no
    // database is created for it either.
    s.run(&["--json", "inspect", "--at", RFC_BEFORE, "--secret", "wrong", A1_HS256]);
    let left: Vec<_> = std::fs::read_dir(s.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert!(left.is_empty(), "a decode left {left:?} in the data directory");
}
