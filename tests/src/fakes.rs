//! Contract fakes for the providers that cannot run here, written from their documentation:
//! - [`MinisFake`]: the Shop Minis Admin API's `userTokenVerify`
//!   (shopify.dev/docs/api/shop-minis/minis-admin-api): Bearer API key, GraphQL body, `userErrors`
//!   codes TOKEN_INVALID | TOKEN_EXPIRED | INVALID_MINI | USER_NOT_FOUND, 429 with a top-level
//!   TOO_MANY_REQUESTS error.
//! - [`MedusaPager`]: Medusa's `GET /admin/api-keys` paging (limit/offset/count, as a real 2.21 server
//!   answers), for counts no real server here should be loaded with (the 10,000-key sync); its create
//!   answers as Medusa <= 2.10 did when a secret key is already active (a 400 with its message).

use crate::http::{Answer, HttpFake, Request};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// RFC 3339 UTC with milliseconds, as Medusa and Shopify write times.
pub fn iso(t: i64) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant), to avoid a date dependency in the test helpers.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000Z", secs / 3600, secs % 3600 / 60, secs % 60)
}

struct MinisState {
    api_key: String,
    /// Answers to give instead of the contract's, one per request, first.
    script: VecDeque<Answer>,
}

pub struct MinisFake {
    pub server: HttpFake,
    state: Arc<Mutex<MinisState>>,
}

impl MinisFake {
    pub const API_KEY: &'static str = "shop_minis_test_api_key_0123456789";

    pub fn start() -> Self {
        let state = Arc::new(Mutex::new(MinisState { api_key: Self::API_KEY.into(), script: VecDeque::new() }));
        let s = state.clone();
        let server = HttpFake::start(move |r| {
            let mut st = s.lock().unwrap();
            if let Some(a) = st.script.pop_front() {
                return a;
            }
            minis_contract(r, &st.api_key)
        });
        MinisFake { server, state }
    }

    pub fn url(&self) -> &str {
        &self.server.url
    }

    /// The next requests get these answers, in order; then the contract again.
    pub fn then(&self, answers: impl IntoIterator<Item = Answer>) {
        self.state.lock().unwrap().script.extend(answers);
    }

    /// The key the server accepts from now on (as if it was rotated in the Partner dashboard).
    pub fn set_api_key(&self, key: &str) {
        self.state.lock().unwrap().api_key = key.into();
    }

    pub fn rate_limited(retry_after: &str) -> Answer {
        Answer::Http(
            429,
            vec![("Retry-After".into(), retry_after.into())],
            r#"{"data":null,"errors":[{"message":"Slow down there partner.","extensions":{"code":"TOO_MANY_REQUESTS"}}]}"#
                .into(),
        )
    }
}

fn minis_contract(r: &Request, api_key: &str) -> Answer {
    if r.method != "POST" || r.path() != "/minis/admin-api/alpha/graphql.json" {
        return Answer::json(404, r#"{"errors":[{"message":"Not found"}]}"#);
    }
    if r.header("authorization") != Some(&format!("Bearer {api_key}")) {
        return Answer::json(
            401,
            r#"{"errors":[{"message":"Invalid API key or access token (unrecognized login or wrong password)"}]}"#,
        );
    }
    let body = r.json();
    let query = body["query"].as_str().unwrap_or_default();
    if !query.contains("userTokenVerify") {
        return Answer::json(
            200,
            r#"{"errors":[{"message":"Field does not exist","extensions":{"code":"undefinedField"}}]}"#,
        );
    }
    let token = body["variables"]["token"].as_str().unwrap_or_default();
    let error = |code: &str, message: &str| {
        format!(
            r#"{{"data":{{"userTokenVerify":{{"publicId":null,"tokenExpiresAt":null,"userState":null,"userIdentifier":null,"userErrors":[{{"code":"{code}","field":["token"],"message":"{message}"}}]}}}}}}"#
        )
    };
    let payload = if token.starts_with("valid-") {
        format!(
            r#"{{"data":{{"userTokenVerify":{{"publicId":"pub_7f3a","tokenExpiresAt":"{}","userState":"VERIFIED","userIdentifier":null,"userErrors":[]}}}}}}"#,
            iso(now() + 600)
        )
    } else if token.starts_with("expired-") {
        error("TOKEN_EXPIRED", "Token has expired")
    } else if token.starts_with("othermini-") {
        error("INVALID_MINI", "Token was issued for another Mini")
    } else {
        error("TOKEN_INVALID", "Token is invalid")
    };
    Answer::json(200, payload)
}

struct PagerState {
    keys: Vec<serde_json::Value>,
    /// Answer 500 to the page that starts at this offset.
    fail_at_offset: Option<u64>,
}

/// Medusa's login and api-keys listing, paging over a generated list.
pub struct MedusaPager {
    pub server: HttpFake,
    state: Arc<Mutex<PagerState>>,
}

pub const PAGER_EMAIL: &str = "admin@example.com";
pub const PAGER_PASSWORD: &str = "pager-password";

impl MedusaPager {
    pub fn start(n: usize) -> Self {
        let t0 = now() - 86_400;
        let keys = (0..n)
            .map(|i| {
                let secret = i % 4 != 0;
                let prefix = if secret { "sk" } else { "pk" };
                serde_json::json!({
                    "id": format!("apk_{i:020}"),
                    "title": format!("Pager key {i}"),
                    "token": if secret { String::new() } else { format!("pk_{i:064x}") },
                    "redacted": format!("{prefix}_{:03x}***{:03x}", i % 4096, (i * 7) % 4096),
                    "type": if secret { "secret" } else { "publishable" },
                    "last_used_at": null,
                    // Another admin made these: Keyden's per-user policy lets this admin create one, so
                    // the fake can refuse as a Medusa <= 2.10 server does (one active secret key store-wide).
                    "created_by": "user_other",
                    "created_at": iso(t0 + i as i64),
                    "updated_at": iso(t0 + i as i64),
                    "revoked_at": if i % 10 == 9 { serde_json::Value::String(iso(t0 + i as i64 + 60)) } else { serde_json::Value::Null },
                    "revoked_by": null,
                })
            })
            .collect();
        let state = Arc::new(Mutex::new(PagerState { keys, fail_at_offset: None }));
        let s = state.clone();
        let token = pager_token();
        let server = HttpFake::start(move |r| pager_contract(r, &s.lock().unwrap(), &token));
        MedusaPager { server, state }
    }

    pub fn url(&self) -> &str {
        &self.server.url
    }

    /// Deletes the first `n` keys remotely.
    pub fn remove_first(&self, n: usize) {
        let mut st = self.state.lock().unwrap();
        let n = n.min(st.keys.len());
        st.keys.drain(..n);
    }

    /// Sets one field of the `i`th key as the server will answer it (e.g. a hostile title).
    pub fn set_field(&self, i: usize, field: &str, value: &str) {
        self.state.lock().unwrap().keys[i][field] = serde_json::Value::String(value.into());
    }

    pub fn fail_at_offset(&self, offset: Option<u64>) {
        self.state.lock().unwrap().fail_at_offset = offset;
    }
}

/// A JWT-shaped admin token (Keyden reads exp and actor_id from it; it does not verify it).
fn pager_token() -> String {
    use base64::Engine;
    let b = |v: &str| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v);
    let claims = format!(r#"{{"actor_id":"user_pager","actor_type":"user","exp":{}}}"#, now() + 3600);
    format!("{}.{}.c2ln", b(r#"{"alg":"HS256","typ":"JWT"}"#), b(&claims))
}

fn pager_contract(r: &Request, st: &PagerState, token: &str) -> Answer {
    match (r.method.as_str(), r.path()) {
        ("POST", "/auth/user/emailpass") => {
            let b = r.json();
            if b["email"] == PAGER_EMAIL && b["password"] == PAGER_PASSWORD {
                Answer::json(200, format!(r#"{{"token":"{token}"}}"#))
            } else {
                Answer::json(401, r#"{"type":"unauthorized","message":"Invalid email or password"}"#)
            }
        }
        (_, p) if p.starts_with("/admin/") && r.header("authorization") != Some(&format!("Bearer {token}")) => {
            Answer::json(401, r#"{"message":"Unauthorized"}"#)
        }
        ("POST", "/admin/api-keys") => Answer::json(
            400,
            r#"{"type":"invalid_data","message":"You can only have one active secret key a time. Revoke or delete your existing key before creating a new one."}"#,
        ),
        ("GET", "/admin/api-keys") => {
            let limit = r.query("limit").and_then(|v| v.parse::<usize>().ok()).unwrap_or(20).min(1000);
            let offset = r.query("offset").and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
            if st.fail_at_offset == Some(offset as u64) {
                return Answer::json(500, r#"{"type":"unknown_error","message":"An unknown error occurred."}"#);
            }
            let page: Vec<_> = st.keys.iter().skip(offset).take(limit).cloned().collect();
            let body =
                serde_json::json!({ "api_keys": page, "count": st.keys.len(), "offset": offset, "limit": limit });
            Answer::json(200, body.to_string())
        }
        _ => Answer::json(404, r#"{"type":"not_found","message":"Not found"}"#),
    }
}
