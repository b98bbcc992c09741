//! The part of OpenBao's HTTP API (the HashiCorp Vault API) Keyden uses: token logins and renewal,
//! and one KV v2 mount. Every call goes through the shared [`Http`] client (bounded bodies, no
//! credential across origins). With several URLs, a node that is down, sealed, electing a leader or
//! standing by is passed over for the next one, and the one that answered is tried first next time.

use crate::providers::http::{Answer, Http, Idempotent};
use crate::providers::ProviderError;
use crate::secret::SecretValue;
use serde::Deserialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use zeroize::Zeroize;

/// How long reads keep going round the URLs while a cluster elects a new leader.
fn failover_window() -> Duration {
    let ms = std::env::var("KEYDEN_BAO_FAILOVER_MS").ok().and_then(|v| v.parse().ok()).unwrap_or(30_000);
    Duration::from_millis(ms)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

pub struct Bao<'a> {
    http: &'a Http,
    urls: Vec<String>,
    mount: String,
    service: String,
    current: AtomicUsize,
}

/// A token a login or a renewal handed out.
pub struct Issued {
    pub token: SecretValue,
    /// Seconds; 0 = never expires.
    pub ttl: i64,
    pub renewable: bool,
    /// Who the server says the token belongs to (`userpass-alice`).
    pub display_name: String,
}

/// A KV v2 entry's metadata: its versions and Keyden's fields.
#[derive(Debug, Default, Deserialize)]
pub struct Metadata {
    #[serde(default)]
    pub current_version: u64,
    #[serde(default)]
    pub custom_metadata: Option<HashMap<String, String>>,
    #[serde(default)]
    pub versions: HashMap<String, VersionMeta>,
}

#[derive(Debug, Default, Deserialize)]
pub struct VersionMeta {
    #[serde(default)]
    pub created_time: String,
    #[serde(default)]
    pub deletion_time: String,
    #[serde(default)]
    pub destroyed: bool,
}

/// A KV v2 entry's current value with its version and metadata.
pub struct Entry {
    pub value: SecretValue,
    pub version: u64,
    pub custom: HashMap<String, String>,
}

impl<'a> Bao<'a> {
    /// `urls` is the account's `base_url`: one URL or several, comma-separated.
    pub fn new(http: &'a Http, name: &str, urls: &str, mount: &str) -> Self {
        let urls: Vec<String> =
            urls.split(',').map(|u| u.trim().trim_end_matches('/').to_string()).filter(|u| !u.is_empty()).collect();
        let service = format!("OpenBao '{name}' at {}", urls.join(", "));
        Bao { http, urls, mount: mount.trim_matches('/').to_string(), service, current: AtomicUsize::new(0) }
    }

    pub fn service(&self) -> &str {
        &self.service
    }

    /// One call, answered by the first node that can; errors are mapped by [`judge`].
    pub async fn call(
        &self,
        token: Option<&SecretValue>,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Answer, ProviderError> {
        // A read may go round the nodes until one answers; a write only moves on when it never reached
        // a server (connection refused), since a 5xx may come after the write was applied.
        let idempotent = if method == Method::Get { Idempotent::Yes } else { Idempotent::No };
        let deadline = Instant::now() + failover_window();
        let n = self.urls.len().max(1);
        let mut last = None;
        let mut round = 0u32;
        loop {
            let start = self.current.load(Ordering::Relaxed);
            for i in 0..n {
                let at = (start + i) % n;
                let Some(base) = self.urls.get(at) else { break };
                let url = format!("{base}/v1/{path}");
                let sent = self
                    .http
                    .send(&self.service, idempotent, |c| {
                        let mut r = match method {
                            Method::Get => c.get(&url),
                            Method::Post => c.post(&url),
                            Method::Delete => c.delete(&url),
                        };
                        if let Some(t) = token {
                            r = r.header("X-Vault-Token", t.expose());
                        }
                        if let Some(b) = body {
                            r = r.json(b);
                        }
                        r
                    })
                    .await;
                match sent {
                    Ok(a) if passes_over(&a) && (idempotent == Idempotent::Yes || sealed(&a)) => {
                        // A server's own answer says more than another node's silence: it is kept.
                        last = Some(judge(&self.service, a).err().unwrap_or_else(|| self.unreachable("no answer")));
                    }
                    Ok(a) => {
                        self.current.store(at, Ordering::Relaxed);
                        return judge(&self.service, a);
                    }
                    Err(e @ (ProviderError::Unreachable { .. } | ProviderError::Timeout { .. })) => {
                        if last.as_ref().is_none_or(is_silence) {
                            last = Some(e);
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            round += 1;
            if idempotent == Idempotent::No || Instant::now() >= deadline {
                return Err(last.unwrap_or_else(|| self.unreachable("no URL")));
            }
            tracing::debug!(service = %self.service, round, "no node answered; trying the URLs again");
            tokio::time::sleep(Duration::from_millis(250 * u64::from(round.min(4)))).await;
        }
    }

    fn unreachable(&self, reason: &str) -> ProviderError {
        ProviderError::Unreachable { service: self.service.clone(), reason: reason.into() }
    }

    fn kv(&self, kind: &str, path: &str) -> String {
        format!("{}/{kind}/{}", self.mount, encode_path(path))
    }

    // --- auth ---

    pub async fn login_userpass(&self, user: &str, password: &SecretValue) -> Result<Issued, ProviderError> {
        let body = serde_json::json!({ "password": password.expose() });
        let path = format!("auth/userpass/login/{}", encode_path(user));
        let answer = self.call(None, Method::Post, &path, Some(&body)).await?;
        issued(&self.service, answer)
    }

    pub async fn login_approle(&self, role_id: &str, secret_id: &SecretValue) -> Result<Issued, ProviderError> {
        let body = serde_json::json!({ "role_id": role_id, "secret_id": secret_id.expose() });
        let answer = self.call(None, Method::Post, "auth/approle/login", Some(&body)).await?;
        issued(&self.service, answer)
    }

    pub async fn renew_self(&self, token: &SecretValue, increment: i64) -> Result<Issued, ProviderError> {
        let body = serde_json::json!({ "increment": format!("{increment}s") });
        let answer = self.call(Some(token), Method::Post, "auth/token/renew-self", Some(&body)).await?;
        let mut issued = issued(&self.service, answer)?;
        // renew-self answers with the same token; keep the one we have rather than a copy.
        issued.token = SecretValue::from_stored(token.expose().into());
        Ok(issued)
    }

    /// The token's own facts: whom it belongs to, how long it has left.
    pub async fn lookup_self(&self, token: &SecretValue) -> Result<Issued, ProviderError> {
        #[derive(Deserialize)]
        struct Data {
            #[serde(default)]
            display_name: String,
            #[serde(default)]
            ttl: i64,
            #[serde(default)]
            renewable: bool,
        }
        #[derive(Deserialize)]
        struct Reply {
            data: Data,
        }
        let answer = self.call(Some(token), Method::Get, "auth/token/lookup-self", None).await?;
        let r: Reply = answer.json(&self.service)?;
        Ok(Issued {
            token: SecretValue::from_stored(token.expose().into()),
            ttl: r.data.ttl,
            renewable: r.data.renewable,
            display_name: r.data.display_name,
        })
    }

    // --- KV v2 ---

    /// The names under `dir` (sub-directories end in `/`); none when it does not exist yet.
    pub async fn list(&self, token: &SecretValue, dir: &str) -> Result<Vec<String>, ProviderError> {
        #[derive(Deserialize)]
        struct Keys {
            keys: Vec<String>,
        }
        #[derive(Deserialize)]
        struct Reply {
            data: Keys,
        }
        let path = format!("{}?list=true", self.kv("metadata", dir));
        match self.call(Some(token), Method::Get, &path, None).await {
            Ok(a) => Ok(a.json::<Reply>(&self.service)?.data.keys),
            Err(ProviderError::RemoteMissing { .. }) => Ok(Vec::new()),
            Err(e) => Err(e),
        }
    }

    pub async fn metadata(&self, token: &SecretValue, path: &str) -> Result<Option<Metadata>, ProviderError> {
        #[derive(Deserialize)]
        struct Reply {
            data: Metadata,
        }
        match self.call(Some(token), Method::Get, &self.kv("metadata", path), None).await {
            Ok(a) => Ok(Some(a.json::<Reply>(&self.service)?.data)),
            Err(ProviderError::RemoteMissing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The current version's value; `None` when there is none (never written, deleted or destroyed).
    pub async fn read(&self, token: &SecretValue, path: &str) -> Result<Option<Entry>, ProviderError> {
        let answer = match self.call(Some(token), Method::Get, &self.kv("data", path), None).await {
            Ok(a) => a,
            Err(ProviderError::RemoteMissing { .. }) => return Ok(None),
            Err(e) => return Err(e),
        };
        entry(&self.service, answer)
    }

    /// Writes a new version with check-and-set `cas` (0: only if it does not exist); the new version.
    pub async fn write(
        &self,
        token: &SecretValue,
        path: &str,
        value: &SecretValue,
        cas: u64,
    ) -> Result<u64, ProviderError> {
        #[derive(Deserialize)]
        struct Written {
            version: u64,
        }
        #[derive(Deserialize)]
        struct Reply {
            data: Written,
        }
        let body = serde_json::json!({ "data": { "value": value.expose() }, "options": { "cas": cas } });
        let answer = self.call(Some(token), Method::Post, &self.kv("data", path), Some(&body)).await?;
        Ok(answer.json::<Reply>(&self.service)?.data.version)
    }

    /// Replaces the entry's custom metadata (Keyden's fields: title, status…).
    pub async fn write_custom(
        &self,
        token: &SecretValue,
        path: &str,
        custom: &HashMap<String, String>,
    ) -> Result<(), ProviderError> {
        let body = serde_json::json!({ "custom_metadata": custom });
        self.call(Some(token), Method::Post, &self.kv("metadata", path), Some(&body)).await?;
        Ok(())
    }

    /// Removes the entry: its metadata and every version.
    pub async fn delete_all(&self, token: &SecretValue, path: &str) -> Result<(), ProviderError> {
        self.call(Some(token), Method::Delete, &self.kv("metadata", path), None).await?;
        Ok(())
    }
}

/// What stays as it is in a path segment (RFC 3986 unreserved).
const SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Percent-encodes each segment of a path (a user name or a key id with odd characters stays one segment).
fn encode_path(path: &str) -> String {
    path.split('/')
        .map(|seg| percent_encoding::utf8_percent_encode(seg, SEGMENT).to_string())
        .collect::<Vec<_>>()
        .join("/")
}

/// No answer at all (as opposed to a server's own refusal or failure).
fn is_silence(e: &ProviderError) -> bool {
    matches!(e, ProviderError::Unreachable { .. } | ProviderError::Timeout { .. })
}

fn sealed(a: &Answer) -> bool {
    a.status == 503 && String::from_utf8_lossy(&a.body).contains("sealed")
}

/// Answers another node may do better with: sealed, standby (429/473), no leader (5xx).
fn passes_over(a: &Answer) -> bool {
    matches!(a.status, 429 | 473 | 500 | 502 | 503 | 504)
}

/// The server's own words: `{"errors": ["…"]}`.
fn server_message(a: &Answer) -> String {
    #[derive(Deserialize)]
    struct Errors {
        #[serde(default)]
        errors: Vec<String>,
    }
    let text = serde_json::from_slice::<Errors>(&a.body).map(|e| e.errors.join("; ")).unwrap_or_default();
    let text = if text.is_empty() { String::from_utf8_lossy(&a.body).trim().to_string() } else { text };
    text.chars().take(300).collect()
}

/// A status as Keyden's error; a 2xx passes through.
fn judge(service: &str, a: Answer) -> Result<Answer, ProviderError> {
    let service = service.to_string();
    let status = a.status;
    Err(match status {
        200..=299 => return Ok(a),
        400 if server_message(&a).contains("check-and-set") => {
            ProviderError::Conflict { service, what: server_message(&a), server_version: None }
        }
        403 => ProviderError::PermissionDenied { service, message: server_message(&a) },
        404 => ProviderError::RemoteMissing { service, what: "no such entry".into() },
        429 => ProviderError::RateLimited { service, retry_after: a.retry_after.map(|d| d.as_secs()) },
        503 if sealed(&a) => ProviderError::Sealed { service },
        s if s >= 500 => ProviderError::Server { service, status: s, message: server_message(&a) },
        s => ProviderError::Refused { service, status: s, message: server_message(&a) },
    })
}

/// A login's or renewal's `auth` block; the body holding the token is wiped once read.
fn issued(service: &str, mut a: Answer) -> Result<Issued, ProviderError> {
    #[derive(Deserialize)]
    struct Auth {
        client_token: String,
        #[serde(default)]
        lease_duration: i64,
        #[serde(default)]
        renewable: bool,
        #[serde(default)]
        metadata: Option<HashMap<String, String>>,
    }
    #[derive(Deserialize)]
    struct Reply {
        auth: Auth,
    }
    let parsed = a.json::<Reply>(service);
    a.body.zeroize();
    let auth = parsed?.auth;
    let who = auth.metadata.as_ref().and_then(|m| m.get("username").or_else(|| m.get("role_name")).cloned());
    Ok(Issued {
        token: SecretValue::from_stored(auth.client_token),
        ttl: auth.lease_duration,
        renewable: auth.renewable,
        display_name: who.unwrap_or_default(),
    })
}

/// A KV v2 read; the body holding the value is wiped once read. An entry whose value Keyden cannot
/// hold (none, not text, empty, over the vault's size limit, a NUL byte) is `None`: one teammate's odd
/// entry is skipped, it does not stop everyone's sync.
fn entry(service: &str, mut a: Answer) -> Result<Option<Entry>, ProviderError> {
    #[derive(Deserialize)]
    struct Meta {
        version: u64,
        #[serde(default)]
        custom_metadata: Option<HashMap<String, String>>,
    }
    #[derive(Deserialize)]
    struct Inner {
        data: Option<HashMap<String, Value>>,
        metadata: Meta,
    }
    #[derive(Deserialize)]
    struct Reply {
        data: Inner,
    }
    let parsed = a.json::<Reply>(service);
    a.body.zeroize();
    let inner = parsed?.data;
    let value = match inner.data.as_ref().and_then(|d| d.get("value")) {
        Some(Value::String(s)) => SecretValue::from_input(s.clone().into_bytes()),
        _ => Err(crate::secret::SecretError::Empty),
    };
    match value {
        Ok(value) => Ok(Some(Entry {
            value,
            version: inner.metadata.version,
            custom: inner.metadata.custom_metadata.unwrap_or_default(),
        })),
        Err(e) => {
            tracing::warn!(%service, version = inner.metadata.version, "an entry Keyden cannot hold: {e}");
            Ok(None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Answer {
        Answer { status, body: body.as_bytes().to_vec(), latency: Duration::ZERO, retry_after: None, location: None }
    }

    #[test]
    fn statuses_become_keydens_errors() {
        let code = |status, body| crate::Coded::code(&judge("S", answer(status, body)).unwrap_err());
        assert_eq!(code(403, r#"{"errors":["permission denied"]}"#), "permission_denied");
        assert_eq!(code(503, r#"{"errors":["Vault is sealed"]}"#), "provider_sealed");
        assert_eq!(
            code(400, r#"{"errors":["check-and-set parameter did not match the current version"]}"#),
            "conflict"
        );
        assert_eq!(code(404, "{}"), "remote_key_missing");
        assert_eq!(code(500, r#"{"errors":["local node not active"]}"#), "provider_error");
        assert!(judge("S", answer(204, "")).is_ok());
    }

    #[test]
    fn an_entry_keyden_cannot_hold_is_skipped_not_fatal() {
        let read = |data: &str| {
            let body = format!(r#"{{"data":{{"data":{data},"metadata":{{"version":3}}}}}}"#);
            entry("S", answer(200, &body))
        };
        let ok = read(r#"{"value":"sk_1"}"#).unwrap().unwrap();
        assert_eq!((ok.value.expose(), ok.version), ("sk_1", 3));
        let huge = format!(r#"{{"value":"{}"}}"#, "x".repeat(crate::secret::MAX_SECRET_BYTES + 1));
        for odd in [r#"{"other":"x"}"#, r#"{"value":7}"#, r#"{"value":""}"#, "null", huge.as_str()] {
            assert!(read(odd).unwrap().is_none(), "{odd}");
        }
        let cut = entry("S", answer(200, "{\"data\":")).err().expect("a cut body is an error");
        assert_eq!(crate::Coded::code(&cut), "provider_malformed");
    }

    #[test]
    fn path_segments_are_encoded_one_by_one() {
        assert_eq!(encode_path("keyden/k_1 x/é"), "keyden/k_1%20x/%C3%A9");
    }
}
