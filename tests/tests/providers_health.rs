//! Health checks of keys that belong to no provider account: a URL and a header template
//! (`keyden keys probe`), asked through the shared HTTP client; every answer recorded.

use keyden_tests::http::{Answer, HttpFake};
use keyden_tests::{unique_secret, Sandbox};
use std::sync::{Arc, Mutex};

#[test]
fn a_generic_key_is_checked_through_its_probe_and_the_history_says_when_it_stopped_working() {
    let value = unique_secret("probe");
    let accepted = Arc::new(Mutex::new(format!("Bearer {value}")));
    let expect = accepted.clone();
    let api = HttpFake::start(move |r| {
        if r.path() == "/v1/me" && r.header("authorization") == Some(expect.lock().unwrap().as_str()) {
            Answer::json(200, r#"{"ok":true}"#)
        } else {
            Answer::json(401, r#"{"error":"invalid api key"}"#)
        }
    });
    let s = Sandbox::new().with_env("KEYDEN_HTTP_RETRY_BASE_MS", "20").with_env("KEYDEN_HTTP_TIMEOUT_MS", "800");
    let id = s.add("Payments API", &value, &["--provider", "payments"]);

    let unset = s.run(&["--json", "check", &id]);
    assert_eq!((unset.code, unset.error_code().as_str()), (1, "no_check_method"), "{unset:?}");
    assert!(unset.error()["message"].as_str().unwrap().contains("no way to check 'Payments API'"), "{unset:?}");
    assert!(unset.error()["hint"].as_str().unwrap().contains("keyden keys probe"), "{unset:?}");

    let bad = s.run(&[
        "--json",
        "keys",
        "probe",
        &id,
        "--url",
        &format!("{}/v1/me", api.url),
        "--header",
        "Authorization: Bearer",
    ]);
    assert_eq!(bad.error_code(), "invalid_input", "a header without {{key}} is refused: {bad:?}");
    let creds = s.run(&["--json", "keys", "probe", &id, "--url", "http://user:pw@example.com/"]);
    assert_eq!(creds.error_code(), "invalid_input");

    let set = s.run(&["--json", "keys", "probe", &id, "--url", &format!("{}/v1/me", api.url)]).ok().json();
    assert_eq!(set["probe_header"], "Authorization: Bearer {key}");
    assert!(!serde_json::to_string(&set).unwrap().contains(&value), "the template is stored, never the value");

    let ok = s.run(&["--json", "check", &id]).ok().json();
    assert_eq!((ok["outcome"].as_str(), ok["http_status"].as_u64()), (Some("accepted"), Some(200)));
    *accepted.lock().unwrap() = "Bearer rotated-elsewhere".into();
    let no = s.run(&["--json", "check", &id]);
    assert_eq!(
        (no.code, no.json()["outcome"].as_str(), no.json()["http_status"].as_u64()),
        (1, Some("rejected"), Some(401))
    );
    drop(api);
    let gone = s.run(&["--json", "check", &id]);
    assert_eq!((gone.code, gone.json()["outcome"].as_str()), (1, Some("error")), "{gone:?}");
    assert!(gone.json()["http_status"].is_null());

    let detail = s.run(&["--json", "keys", "show", &id]).ok().json();
    let outcomes: Vec<&str> =
        detail["checks"].as_array().unwrap().iter().map(|c| c["outcome"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["error", "rejected", "accepted"]);
    assert!(detail["key"]["last_verified_at"].is_i64(), "the accepted check is the key's last-worked time");
    let audit = s.run(&["--json", "audit", &id]).ok().json();
    assert_eq!(audit.as_array().unwrap().iter().filter(|e| e["action"] == "check").count(), 3);
    let list = s.run(&["keys", "list"]).ok().stdout;
    assert!(list.contains("check error"), "{list}");
    for f in s.files() {
        assert_eq!(keyden_tests::occurrences(&std::fs::read(&f).unwrap(), value.as_bytes()), 0, "{}", f.display());
    }
}
