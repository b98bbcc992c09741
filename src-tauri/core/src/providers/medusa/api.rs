//! The Medusa v2 Admin API, as observed on a real 2.21 server (see tests/medusa/): login, and the
//! api-keys routes. Stateless: the caller ([`super::session::Session`]) supplies the credential and
//! renews it. Error bodies are `{type?, message}`; every 2xx that changes a key is read back by the
//! lifecycle, because the server answers 200 to updates, revokes and deletes of ids it does not have.

use crate::providers::http::{Answer, Http, Idempotent};
use crate::providers::ProviderError;
use crate::secret::SecretValue;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;
use zeroize::Zeroize;

/// How Keyden authenticates to the Admin API.
pub enum Credential {
    /// An admin JWT from `/auth/user/emailpass`.
    Bearer(SecretValue),
    /// A secret key (`sk_…`), which Medusa takes only as HTTP Basic.
    Basic(SecretValue),
}

impl Credential {
    fn header(&self) -> String {
        match self {
            Credential::Bearer(t) => format!("Bearer {}", t.expose()),
            Credential::Basic(k) => format!("Basic {}", k.expose()),
        }
    }
}

/// A key as Medusa lists it. Its `token` is deliberately not read here (see [`MedusaApi::create`]).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct RemoteKey {
    pub id: String,
    pub title: String,
    pub redacted: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub created_by: String,
    pub created_at: String,
    pub revoked_at: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Page {
    pub api_keys: Vec<RemoteKey>,
    pub count: u64,
}

pub struct MedusaApi<'a> {
    pub http: &'a Http,
    pub base: String,
    /// "Medusa 'name' at URL", for messages.
    pub service: String,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(rename = "type")]
    kind: Option<String>,
    message: Option<String>,
}

impl<'a> MedusaApi<'a> {
    pub fn new(http: &'a Http, base: &str, name: &str) -> Self {
        let base = base.trim_end_matches('/').to_string();
        MedusaApi { http, service: format!("Medusa '{name}' at {base}"), base }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `POST /auth/user/emailpass` → the admin JWT.
    pub async fn login(&self, email: &str, password: &SecretValue) -> Result<SecretValue, ProviderError> {
        let mut body = serde_json::json!({ "email": email, "password": password.expose() }).to_string();
        let url = self.url("/auth/user/emailpass");
        let answer = self
            .http
            .send(&self.service, Idempotent::Yes, |c| {
                c.post(&url).header(CONTENT_TYPE, "application/json").body(body.clone())
            })
            .await;
        body.zeroize();
        let mut answer = answer?;
        if !answer.is_success() {
            return Err(self.fail(&answer));
        }
        let token = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("token").and_then(|t| t.as_str()).map(str::to_string));
        answer.body.zeroize();
        token.map(SecretValue::from_stored).ok_or_else(|| ProviderError::Malformed {
            service: self.service.clone(),
            reason: "the login answer has no token".into(),
        })
    }

    pub async fn list(&self, cred: &Credential, offset: u64, limit: u64) -> Result<Page, ProviderError> {
        let url = self.url(&format!("/admin/api-keys?limit={limit}&offset={offset}&order=created_at"));
        let answer = self.request(cred, Idempotent::Yes, |c| c.get(&url)).await?;
        answer.json(&self.service)
    }

    /// `None` when the server has no such key (404).
    pub async fn get(&self, cred: &Credential, id: &str) -> Result<Option<RemoteKey>, ProviderError> {
        let url = self.url(&format!("/admin/api-keys/{}", path_segment(id)?));
        match self.request(cred, Idempotent::Yes, |c| c.get(&url)).await {
            Ok(answer) => Ok(Some(key_of(&answer, &self.service)?)),
            Err(ProviderError::RemoteMissing { .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /admin/api-keys`: the only answer that carries the key's token. The token is taken out as
    /// a [`SecretValue`] and the body holding it is wiped.
    pub async fn create(
        &self,
        cred: &Credential,
        title: &str,
        kind: &str,
    ) -> Result<(RemoteKey, SecretValue), ProviderError> {
        let url = self.url("/admin/api-keys");
        let body = serde_json::json!({ "title": title, "type": kind }).to_string();
        let mut answer = self
            .request(cred, Idempotent::No, |c| c.post(&url).header(CONTENT_TYPE, "application/json").body(body.clone()))
            .await?;
        let parsed = key_of(&answer, &self.service);
        let token = serde_json::from_slice::<serde_json::Value>(&answer.body)
            .ok()
            .and_then(|v| v.get("api_key")?.get("token")?.as_str().filter(|t| !t.is_empty()).map(str::to_string));
        answer.body.zeroize();
        let key = parsed?;
        let token = token.ok_or_else(|| ProviderError::Malformed {
            service: self.service.clone(),
            reason: format!("the create answer for {} carries no token", key.id),
        })?;
        Ok((key, SecretValue::from_stored(token)))
    }

    pub async fn update_title(&self, cred: &Credential, id: &str, title: &str) -> Result<(), ProviderError> {
        let url = self.url(&format!("/admin/api-keys/{}", path_segment(id)?));
        let body = serde_json::json!({ "title": title }).to_string();
        self.request(cred, Idempotent::Yes, |c| {
            c.post(&url).header(CONTENT_TYPE, "application/json").body(body.clone())
        })
        .await?;
        Ok(())
    }

    pub async fn revoke(&self, cred: &Credential, id: &str) -> Result<(), ProviderError> {
        let url = self.url(&format!("/admin/api-keys/{}/revoke", path_segment(id)?));
        self.request(cred, Idempotent::Yes, |c| c.post(&url).header(CONTENT_TYPE, "application/json").body("{}"))
            .await?;
        Ok(())
    }

    pub async fn delete(&self, cred: &Credential, id: &str) -> Result<(), ProviderError> {
        let url = self.url(&format!("/admin/api-keys/{}", path_segment(id)?));
        self.request(cred, Idempotent::Yes, |c| c.delete(&url)).await?;
        Ok(())
    }

    /// A cheap authenticated request: is this credential accepted? Returns the raw answer (status and
    /// latency are what a health check records).
    pub async fn probe(&self, cred: &Credential) -> Result<Answer, ProviderError> {
        let url = self.url("/admin/api-keys?limit=1&fields=id");
        self.http.send(&self.service, Idempotent::Yes, |c| c.get(&url).header(AUTHORIZATION, cred.header())).await
    }

    async fn request(
        &self,
        cred: &Credential,
        idempotent: Idempotent,
        build: impl Fn(&reqwest::Client) -> reqwest::RequestBuilder,
    ) -> Result<Answer, ProviderError> {
        let header = zeroize::Zeroizing::new(cred.header());
        let answer =
            self.http.send(&self.service, idempotent, |c| build(c).header(AUTHORIZATION, header.as_str())).await?;
        if answer.is_success() {
            Ok(answer)
        } else {
            Err(self.fail(&answer))
        }
    }

    /// Maps a failed answer, with Medusa's own message where it gave one.
    pub fn fail(&self, a: &Answer) -> ProviderError {
        let body: Option<ErrorBody> = serde_json::from_slice(&a.body).ok();
        let kind = body.as_ref().and_then(|b| b.kind.clone()).unwrap_or_default();
        let message = body
            .and_then(|b| b.message)
            .unwrap_or_else(|| String::from_utf8_lossy(&a.body[..a.body.len().min(200)]).into_owned());
        let service = self.service.clone();
        match a.status {
            401 | 403 => ProviderError::Unauthorized { service, status: a.status, message },
            404 if kind == "not_found" || message.contains("not found") => {
                ProviderError::RemoteMissing { service, what: message }
            }
            429 => ProviderError::RateLimited { service, retry_after: a.retry_after.map(|d| d.as_secs()) },
            500.. => ProviderError::Server { service, status: a.status, message },
            status => ProviderError::Refused { service, status, message },
        }
    }
}

fn key_of(answer: &Answer, service: &str) -> Result<RemoteKey, ProviderError> {
    #[derive(Deserialize)]
    struct One {
        api_key: RemoteKey,
    }
    answer.json::<One>(service).map(|o| o.api_key)
}

/// Remote ids go into URL paths: only the characters Medusa's ids use are allowed.
fn path_segment(id: &str) -> Result<&str, ProviderError> {
    if !id.is_empty() && id.len() <= 100 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        Ok(id)
    } else {
        Err(ProviderError::InvalidInput { field: "remote id", reason: format!("{id:?} is not a Medusa id") })
    }
}
