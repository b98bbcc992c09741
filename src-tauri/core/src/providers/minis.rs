//! The Shop Minis Admin API (GraphQL): `userTokenVerify`, used both to verify a user token and, with a
//! token that cannot be valid, to ask whether the API key itself is still accepted. The point is the two
//! clocks: a user token lives minutes, the API key does not expire — a 401 is the key, a TOKEN_EXPIRED
//! is the token.

use super::credentials::no_credential;
use super::http::{Answer, Http, Idempotent};
use super::provider::{judged, CheckAnswer, Provider, Verified as AccountVerified};
use super::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::AccountRow;
use async_trait::async_trait;
use keyden_protocol::{
    Account, AccountAuth, AuthMethod, Capabilities, CheckOutcome, HealthCheck, KeyRecord, MinisTokenState,
    MinisVerification, ProviderInfo, ProviderKind,
};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE};
use serde::Deserialize;

const VERIFY: &str = "mutation keydenVerify($token: String!) { userTokenVerify(token: $token) { publicId tokenExpiresAt userState userErrors { code message } } }";

/// Sent by a health check: never a real token, so the answer can only be TOKEN_INVALID (key accepted)
/// or 401 (key rejected).
const PROBE_TOKEN: &str = "keyden-health-probe";

/// Longest user token Keyden sends (real ones are a few hundred bytes).
const MAX_TOKEN: usize = 16 * 1024;

pub struct MinisApi<'a> {
    http: &'a Http,
    url: String,
    pub service: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Payload {
    pub public_id: Option<String>,
    pub token_expires_at: Option<String>,
    pub user_state: Option<String>,
    #[serde(default)]
    pub user_errors: Vec<UserError>,
}

#[derive(Debug, Deserialize)]
pub struct UserError {
    pub code: Option<String>,
    pub message: Option<String>,
}

#[derive(Deserialize)]
struct Envelope {
    data: Option<Data>,
    #[serde(default)]
    errors: Vec<GqlError>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Data {
    user_token_verify: Option<Payload>,
}

#[derive(Deserialize)]
struct GqlError {
    message: Option<String>,
    extensions: Option<serde_json::Value>,
}

/// Whether the API key got through, and what was said about the token.
pub struct Verified {
    pub status: u16,
    pub latency_ms: u32,
    /// `None` when the API key was rejected (401/403): the token was never judged.
    pub payload: Option<Payload>,
}

pub struct Probe {
    pub accepted: bool,
    pub status: u16,
    pub latency_ms: u32,
}

impl<'a> MinisApi<'a> {
    pub fn new(http: &'a Http, base: &str, name: &str) -> Self {
        let base = base.trim_end_matches('/');
        MinisApi {
            http,
            url: format!("{base}/minis/admin-api/alpha/graphql.json"),
            service: format!("Shop Minis '{name}' at {base}"),
        }
    }

    pub async fn verify(&self, api_key: &SecretValue, token: &str) -> Result<Verified, ProviderError> {
        let body = serde_json::json!({ "query": VERIFY, "variables": { "token": token } }).to_string();
        let auth = zeroize::Zeroizing::new(format!("Bearer {}", api_key.expose()));
        // A verification changes nothing server-side: safe to repeat.
        let answer = self
            .http
            .send(&self.service, Idempotent::Yes, |c| {
                c.post(&self.url)
                    .header(AUTHORIZATION, auth.as_str())
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone())
            })
            .await?;
        let latency_ms = answer.latency_ms();
        match answer.status {
            401 | 403 => return Ok(Verified { status: answer.status, latency_ms, payload: None }),
            200..=299 => {}
            _ => return Err(self.fail(&answer)),
        }
        let envelope: Envelope = answer.json(&self.service)?;
        if let Some(e) = envelope.errors.first() {
            if code_of(e) == Some("TOO_MANY_REQUESTS") {
                return Err(ProviderError::RateLimited { service: self.service.clone(), retry_after: None });
            }
            return Err(ProviderError::Refused {
                service: self.service.clone(),
                status: answer.status,
                message: e.message.clone().unwrap_or_else(|| "GraphQL error".into()),
            });
        }
        let payload = envelope.data.and_then(|d| d.user_token_verify).ok_or_else(|| ProviderError::Malformed {
            service: self.service.clone(),
            reason: "no userTokenVerify in the answer".into(),
        })?;
        Ok(Verified { status: answer.status, latency_ms, payload: Some(payload) })
    }

    /// Is the API key accepted? Asks to verify a token that cannot be valid.
    pub async fn probe(&self, api_key: &SecretValue) -> Result<Probe, ProviderError> {
        let v = self.verify(api_key, PROBE_TOKEN).await?;
        Ok(Probe { accepted: v.payload.is_some(), status: v.status, latency_ms: v.latency_ms })
    }

    fn fail(&self, a: &Answer) -> ProviderError {
        let service = self.service.clone();
        let message = serde_json::from_slice::<Envelope>(&a.body)
            .ok()
            .and_then(|e| e.errors.into_iter().next())
            .and_then(|e| e.message)
            .unwrap_or_else(|| String::from_utf8_lossy(&a.body[..a.body.len().min(200)]).into_owned());
        match a.status {
            429 => ProviderError::RateLimited { service, retry_after: a.retry_after.map(|d| d.as_secs()) },
            500.. => ProviderError::Server { service, status: a.status, message },
            status => ProviderError::Refused { service, status, message },
        }
    }
}

fn code_of(e: &GqlError) -> Option<&str> {
    e.extensions.as_ref()?.get("code")?.as_str()
}

pub struct ShopMinis;

#[async_trait]
impl Provider for ShopMinis {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: ProviderKind::ShopMinis,
            title: "Shop Minis (Admin API)".into(),
            default_url: Some("https://server.shop.app".into()),
            auth_methods: vec![AuthMethod {
                auth: AccountAuth::ApiKey,
                label: "Admin API key".into(),
                login_label: None,
                secret_label: "Admin API key".into(),
            }],
            creates: vec![],
            capabilities: Capabilities { check: true, verify_user_tokens: true, ..Capabilities::default() },
        }
    }

    async fn verify_credentials(
        &self,
        p: &Providers<'_>,
        account: &Account,
        secret: &SecretValue,
    ) -> Result<AccountVerified, ProviderError> {
        let api = p.minis_api(account);
        let probe = api.probe(secret).await?;
        if !probe.accepted {
            return Err(ProviderError::Unauthorized {
                service: api.service,
                status: probe.status,
                message: "the API key was rejected".into(),
            });
        }
        Ok(AccountVerified::default())
    }

    /// The API key is asked about with a token that cannot be valid: TOKEN_INVALID means accepted.
    async fn check(&self, p: &Providers<'_>, key: &KeyRecord) -> Option<Result<CheckAnswer, ProviderError>> {
        if !key.has_secret {
            return None;
        }
        Some(
            async {
                let row = p.account(&key.account).await?;
                let secret = p.secret_for_check(key).await?;
                let probe = p.minis_api(&row.account).probe(&secret).await?;
                Ok(judged(probe.status))
            }
            .await,
        )
    }
}

impl Providers<'_> {
    pub(crate) fn minis_api(&self, account: &Account) -> MinisApi<'_> {
        MinisApi::new(self.http, &account.base_url, &account.name)
    }

    /// The API key of a Shop Minis account (a vault key).
    pub(crate) async fn minis_key(&self, row: &AccountRow) -> Result<SecretValue, ProviderError> {
        let id = row.account.credential_key_id.as_deref().ok_or_else(|| no_credential(&row.account))?;
        self.vault.credential_get(id).await?.ok_or_else(|| no_credential(&row.account))
    }

    /// `keyden minis verify`: the user token's clock and the API key's standing, side by side. The
    /// outcome for the API key is recorded in its health history too.
    pub async fn minis_verify(&self, account: &str, token: &str) -> Result<MinisVerification, ProviderError> {
        let token = token.trim().trim_start_matches("Bearer ").trim();
        if token.is_empty() || token.len() > MAX_TOKEN {
            return Err(ProviderError::InvalidInput {
                field: "token",
                reason: format!("a user token is 1 to {MAX_TOKEN} bytes (got {})", token.len()),
            });
        }
        let row = self.account(account).await?;
        if row.account.provider != ProviderKind::ShopMinis {
            return Err(ProviderError::not_capable(&row.account, "it verifies no user tokens"));
        }
        let api_key = self.minis_key(&row).await?;
        let api = self.minis_api(&row.account);
        let v = api.verify(&api_key, token).await?;
        let now = self.vault.now();
        if let Some(key_id) = row.account.credential_key_id.as_deref() {
            let outcome = if v.payload.is_some() { CheckOutcome::Accepted } else { CheckOutcome::Rejected };
            let check = HealthCheck {
                key_id: key_id.into(),
                at: now,
                outcome,
                http_status: Some(v.status),
                latency_ms: v.latency_ms,
                message: "during a user token verification".into(),
            };
            self.record_check(&check).await?;
        }
        Ok(explain(&row.account.name, v, now))
    }
}

fn explain(account: &str, v: Verified, now: i64) -> MinisVerification {
    let mut out = MinisVerification {
        account: account.into(),
        api_key_accepted: v.payload.is_some(),
        http_status: v.status,
        token: None,
        public_id: None,
        user_state: None,
        token_expires_at: None,
        user_errors: vec![],
        explanation: String::new(),
        now,
    };
    let Some(p) = v.payload else {
        out.explanation = format!(
            "The API key was rejected (HTTP {}). This is the API key's problem, not the user token's: the token \
             was never checked. Check that SHOP_MINIS_API_KEY is this Mini's current Admin API key.",
            v.status
        );
        return out;
    };
    out.public_id = p.public_id;
    out.user_state = p.user_state;
    out.token_expires_at = p.token_expires_at.as_deref().and_then(super::provider::parse_time);
    out.user_errors = p.user_errors.iter().filter_map(|e| e.code.clone()).collect();
    let first = p.user_errors.first();
    let detail = first.and_then(|e| e.message.clone()).map(|m| format!(" ({m})")).unwrap_or_default();
    let (state, words) = match first.and_then(|e| e.code.as_deref()) {
        None => (
            MinisTokenState::Valid,
            match out.token_expires_at {
                Some(t) => format!(
                    "The API key is accepted and the user token is valid; it expires {} (at {}).",
                    keyden_protocol::relative_time(t, now),
                    crate::inspect::diagnose::utc(t)
                ),
                None => "The API key is accepted and the user token is valid.".into(),
            },
        ),
        Some("TOKEN_EXPIRED") => (
            MinisTokenState::Expired,
            format!(
                "The API key is accepted: it has not expired. The user token has{detail}: user tokens live minutes, \
                 not days. Have the Mini call generateUserToken again and send the fresh token."
            ),
        ),
        Some("TOKEN_INVALID") => (
            MinisTokenState::Invalid,
            format!(
                "The API key is accepted. The user token is not valid{detail}: it is malformed, truncated, or was \
                 issued for another Mini."
            ),
        ),
        Some(code) => (
            MinisTokenState::Refused,
            format!("The API key is accepted and the token was read, but the API refused it: {code}{detail}."),
        ),
    };
    out.token = Some(state);
    out.explanation = words;
    out
}
