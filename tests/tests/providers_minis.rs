//! Shop Minis through the CLI, against a contract fake of the Minis Admin API on 127.0.0.1: every
//! documented answer (valid, TOKEN_EXPIRED, TOKEN_INVALID, INVALID_MINI, 401 for a bad API key, 429 with
//! Retry-After) and the network's failures (500, a timeout, a dropped connection, a truncated body).
//! The point under test is the two clocks: the user token's and the API key's.

use keyden_tests::fakes::{iso, MinisFake};
use keyden_tests::http::Answer;
use keyden_tests::{keyring_lookup, Sandbox};
use std::time::Instant;

/// A sandbox with short HTTP timeouts and backoff, so failure tests take a second, not a minute.
fn sandbox() -> Sandbox {
    Sandbox::new().with_env("KEYDEN_HTTP_TIMEOUT_MS", "800").with_env("KEYDEN_HTTP_RETRY_BASE_MS", "50")
}

fn add_account(s: &Sandbox, fake: &MinisFake, key: &str, verify: bool) -> keyden_tests::Run {
    let mut args =
        vec!["--json", "accounts", "add", "shop-minis", "--name", "mini", "--url", fake.url(), "--api-key-stdin"];
    if !verify {
        args.push("--no-verify");
    }
    s.run_with_stdin(&args, key.as_bytes())
}

fn verify(s: &Sandbox, token: &str) -> keyden_tests::Run {
    s.run(&["--json", "minis", "verify", "--account", "mini", token])
}

#[test]
fn the_api_key_is_checked_when_the_account_is_added_and_kept_in_the_vault() {
    let fake = MinisFake::start();
    let s = sandbox();
    let wrong = add_account(&s, &fake, "not-the-key", true);
    assert_eq!((wrong.code, wrong.error_code().as_str()), (1, "provider_unauthorized"), "{wrong:?}");
    assert!(s.run(&["--json", "accounts", "list"]).ok().json().as_array().unwrap().is_empty(), "nothing saved");

    let added = add_account(&s, &fake, MinisFake::API_KEY, true).ok().json();
    assert_eq!(added["provider"], "shop-minis");
    let key_id = added["credential_key_id"].as_str().expect("the API key is a vault key").to_string();
    assert_eq!(keyring_lookup(&key_id).as_deref(), Some(MinisFake::API_KEY));
    let listed = s.run(&["accounts", "list"]).ok();
    assert!(listed.stdout.contains("mini") && !listed.stdout.contains(MinisFake::API_KEY), "{listed:?}");
}

#[test]
fn both_clocks_side_by_side() {
    let fake = MinisFake::start();
    let s = sandbox();
    add_account(&s, &fake, MinisFake::API_KEY, true).ok();

    let valid = verify(&s, "valid-user-token");
    assert_eq!(valid.code, 0, "{valid:?}");
    let v = valid.json();
    assert_eq!((v["api_key_accepted"].as_bool(), v["token"].as_str()), (Some(true), Some("valid")));
    assert_eq!(v["public_id"], "pub_7f3a");
    let exp = v["token_expires_at"].as_i64().expect("tokenExpiresAt parsed");
    assert!((exp - v["now"].as_i64().unwrap() - 600).abs() < 5, "{v}");

    // The developer's confusion: "my API key expired after a day". It did not: the token did.
    let expired = verify(&s, "expired-user-token");
    assert_eq!(expired.code, 1);
    let e = expired.json();
    assert_eq!((e["api_key_accepted"].as_bool(), e["token"].as_str()), (Some(true), Some("expired")));
    assert_eq!(e["user_errors"][0], "TOKEN_EXPIRED");
    let words = e["explanation"].as_str().unwrap();
    assert!(
        words.contains("The API key is accepted: it has not expired") && words.contains("generateUserToken"),
        "{words}"
    );
    let human = s.run(&["minis", "verify", "--account", "mini", "expired-user-token"]);
    assert!(human.stdout.contains("API key     accepted (HTTP 200)"), "{human:?}");
    assert!(human.stdout.contains("User token  EXPIRED (TOKEN_EXPIRED)"), "{human:?}");

    let invalid = verify(&s, "garbage").json();
    assert_eq!(
        (invalid["token"].as_str(), invalid["user_errors"][0].as_str()),
        (Some("invalid"), Some("TOKEN_INVALID"))
    );
    let other = verify(&s, "othermini-token").json();
    assert_eq!((other["token"].as_str(), other["user_errors"][0].as_str()), (Some("refused"), Some("INVALID_MINI")));

    // Now the key itself is wrong (rotated in the dashboard): a 401, and the token is never judged.
    fake.set_api_key("a-new-key");
    let rejected = verify(&s, "valid-user-token");
    assert_eq!(rejected.code, 1);
    let r = rejected.json();
    assert_eq!((r["api_key_accepted"].as_bool(), r["http_status"].as_u64()), (Some(false), Some(401)));
    assert!(r["token"].is_null(), "{r}");
    assert!(r["explanation"].as_str().unwrap().contains("The API key was rejected (HTTP 401)"), "{r}");
}

#[test]
fn a_health_check_needs_no_user_token_and_is_recorded() {
    let fake = MinisFake::start();
    let s = sandbox();
    let key_id =
        add_account(&s, &fake, MinisFake::API_KEY, true).ok().json()["credential_key_id"].as_str().unwrap().to_string();
    let ok = s.run(&["--json", "check", &key_id]);
    assert_eq!(ok.code, 0, "{ok:?}");
    assert_eq!((ok.json()["outcome"].as_str(), ok.json()["http_status"].as_u64()), (Some("accepted"), Some(200)));

    fake.set_api_key("rotated-elsewhere");
    let bad = s.run(&["--json", "check", &key_id]);
    assert_eq!(bad.code, 1);
    assert_eq!((bad.json()["outcome"].as_str(), bad.json()["http_status"].as_u64()), (Some("rejected"), Some(401)));

    let detail = s.run(&["--json", "keys", "show", &key_id]).ok().json();
    let checks = detail["checks"].as_array().unwrap();
    assert_eq!(checks.len(), 2, "the add's verification is not a check: {detail}");
    assert_eq!((checks[0]["outcome"].as_str(), checks[1]["outcome"].as_str()), (Some("rejected"), Some("accepted")));
    assert_eq!(detail["key"]["last_check"], "rejected");
    let human = s.run(&["keys", "show", &key_id]).ok().stdout;
    assert!(human.contains("Health checks") && human.contains("failing since"), "{human}");
}

#[test]
fn rate_limits_are_waited_out_as_the_server_asks() {
    let fake = MinisFake::start();
    let s = sandbox();
    add_account(&s, &fake, MinisFake::API_KEY, false).ok();
    fake.then([MinisFake::rate_limited("1")]);
    let hits = fake.server.hits();
    let t = Instant::now();
    let v = verify(&s, "valid-user-token");
    assert_eq!(v.code, 0, "{v:?}");
    assert!(t.elapsed().as_millis() >= 1000, "Retry-After: 1 honoured ({:?})", t.elapsed());
    assert_eq!(fake.server.hits() - hits, 2);

    // An HTTP-date Retry-After, and a limit that does not lift: a clear error after the retries.
    let date = httpdate_in(1);
    fake.then([MinisFake::rate_limited(&date), MinisFake::rate_limited("1"), MinisFake::rate_limited("1")]);
    let limited = verify(&s, "valid-user-token");
    assert_eq!((limited.code, limited.error_code().as_str()), (1, "provider_rate_limited"), "{limited:?}");
    assert!(limited.error()["hint"].as_str().unwrap().contains("try again in 1 s"), "{limited:?}");

    // A Retry-After far beyond what a person would wait is not slept through.
    fake.then([MinisFake::rate_limited("3600")]);
    let t = Instant::now();
    let far = verify(&s, "valid-user-token");
    assert_eq!(far.error_code(), "provider_rate_limited");
    assert!(t.elapsed().as_secs() < 5);
    assert!(far.error()["message"].as_str().unwrap().contains("wait 3600 s"), "{far:?}");
}

fn httpdate_in(secs: i64) -> String {
    // RFC 7231 IMF-fixdate from the ISO form the fakes already produce.
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64 + secs;
    let iso = iso(now);
    let (y, m, d) = (&iso[0..4], &iso[5..7], &iso[8..10]);
    let month = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        [m.parse::<usize>().unwrap() - 1];
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][(now / 86_400 % 7) as usize];
    format!("{weekday}, {d} {month} {y} {} GMT", &iso[11..19])
}

#[test]
fn server_failures_give_clear_errors_and_nothing_changes() {
    let fake = MinisFake::start();
    let s = sandbox();
    add_account(&s, &fake, MinisFake::API_KEY, false).ok();
    let before = s.run(&["--json", "accounts", "list"]).ok().stdout;

    // 500 three times: retried (verification is safe to repeat), then reported.
    let hits = fake.server.hits();
    let err = Answer::json(500, r#"{"errors":[{"message":"Internal error"}]}"#);
    fake.then([err.clone(), err.clone(), err]);
    let failed = verify(&s, "valid-user-token");
    assert_eq!((failed.code, failed.error_code().as_str()), (1, "provider_error"), "{failed:?}");
    assert_eq!(fake.server.hits() - hits, 3);
    // One 500, then the contract: the retry succeeds.
    fake.then([Answer::json(503, "{}")]);
    assert_eq!(verify(&s, "valid-user-token").code, 0);

    fake.then([Answer::Hang, Answer::Hang, Answer::Hang]);
    let t = Instant::now();
    let slow = verify(&s, "valid-user-token");
    assert_eq!(slow.error_code(), "provider_timeout", "{slow:?}");
    assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());

    fake.then([Answer::Drop, Answer::Drop, Answer::Drop]);
    let dropped = verify(&s, "valid-user-token");
    assert_eq!(dropped.error_code(), "provider_unreachable", "{dropped:?}");

    let body = r#"{"data":{"userTokenVerify":{"publicId":"pub_7f3a","tokenExpiresAt":"2030-01-01T00:00:00Z"}}}"#;
    fake.then([Answer::json(200, &body[..40])]);
    let truncated = verify(&s, "valid-user-token");
    assert_eq!(truncated.error_code(), "provider_malformed", "{truncated:?}");
    fake.then([
        Answer::CutShort(200, body.into(), 30),
        Answer::CutShort(200, body.into(), 30),
        Answer::CutShort(200, body.into(), 30),
    ]);
    let cut = verify(&s, "valid-user-token");
    assert_eq!(cut.code, 1, "{cut:?}");
    assert!(["provider_malformed", "provider_unreachable"].contains(&cut.error_code().as_str()), "{cut:?}");

    assert_eq!(s.run(&["--json", "accounts", "list"]).ok().stdout, before, "failures change nothing");
}

#[test]
fn bad_input_is_refused_before_any_request() {
    let fake = MinisFake::start();
    let s = sandbox();
    add_account(&s, &fake, MinisFake::API_KEY, false).ok();
    let hits = fake.server.hits();
    let huge = "x".repeat(1024 * 1024);
    let r = s.run_with_stdin(&["--json", "minis", "verify", "--account", "mini", "-"], huge.as_bytes());
    assert_eq!(r.code, 1);
    assert_eq!(r.error_code(), "invalid_input", "{r:?}");
    assert_eq!(s.run(&["--json", "minis", "verify", "--account", "nope", "t"]).error_code(), "account_not_found");
    assert_eq!(fake.server.hits(), hits, "no request for refused input");
    let dup = add_account(&s, &fake, MinisFake::API_KEY, false);
    assert_eq!(dup.error_code(), "account_exists");
    let url = s.run_with_stdin(
        &["--json", "accounts", "add", "shop-minis", "--name", "x", "--url", "ftp://x", "--api-key-stdin"],
        b"k",
    );
    assert_eq!(url.error_code(), "invalid_input");
}
