//! A signed-in Medusa account: the credential at hand (a secret key as Basic, or an admin JWT renewed
//! from the stored password when it is about to expire or is refused once).

use super::api::{Credential, MedusaApi, Page, RemoteKey};
use crate::providers::credentials::{jwt_entry, no_credential, password_entry};
use crate::providers::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::AccountRow;
use keyden_protocol::{Account, AccountAuth};

/// A JWT this close to its expiry is renewed before use rather than sent and refused.
const JWT_RENEW_MARGIN: i64 = 10;

/// Runs one Admin API call with the account's credential; a 401 on a cached admin JWT (expired early,
/// or revoked) logs in again and retries once — a second 401 is a real refusal. A macro rather than a
/// closure-taking method, so the futures stay `Send` for Tauri's async commands.
macro_rules! with_session {
    ($session:ident, |$api:ident, $cred:ident| $call:expr) => {{
        let $api = &$session.api;
        let $cred = $session.credential(false).await?;
        match $call {
            Err(ProviderError::Unauthorized { .. }) if $session.renewable() => {
                let $cred = $session.credential(true).await?;
                $call
            }
            other => other,
        }
    }};
}

/// A Medusa account with its credential at hand: renews an expired admin JWT without the caller
/// noticing (once per call: a second 401 is a real refusal).
pub struct Session<'a> {
    pub p: &'a Providers<'a>,
    pub row: AccountRow,
    pub api: MedusaApi<'a>,
}

impl Session<'_> {
    pub fn account(&self) -> &Account {
        &self.row.account
    }

    async fn credential(&self, renew: bool) -> Result<Credential, ProviderError> {
        let a = &self.row.account;
        match a.auth {
            AccountAuth::SecretKey => {
                let id = a.credential_key_id.as_deref().ok_or_else(|| no_credential(a))?;
                let key = self.p.vault.credential_get(id).await?.ok_or_else(|| no_credential(a))?;
                Ok(Credential::Basic(key))
            }
            AccountAuth::Emailpass => {
                if !renew {
                    if let Some(jwt) = self.p.vault.credential_get(&jwt_entry(&a.id)).await? {
                        if jwt_claims(&jwt).0.is_none_or(|exp| exp > self.p.vault.now() + JWT_RENEW_MARGIN) {
                            return Ok(Credential::Bearer(jwt));
                        }
                    }
                }
                let password =
                    self.p.vault.credential_get(&password_entry(&a.id)).await?.ok_or_else(|| no_credential(a))?;
                let jwt = self.api.login(&a.login, &password).await?;
                let actor = jwt_claims(&jwt).1;
                if !actor.is_empty() && actor != self.row.actor {
                    self.p.set_actor(&a.id, &actor).await?;
                }
                let label = format!("Keyden: {} admin session", a.name);
                self.p
                    .vault
                    .credential_put(&jwt_entry(&a.id), &label, SecretValue::from_stored(jwt.expose().into()))
                    .await?;
                tracing::debug!(account = %a.name, "admin session renewed");
                Ok(Credential::Bearer(jwt))
            }
            other => Err(ProviderError::InvalidInput {
                field: "account",
                reason: format!("a {} credential is not a Medusa session", other.as_str()),
            }),
        }
    }

    fn renewable(&self) -> bool {
        self.row.account.auth == AccountAuth::Emailpass
    }

    pub async fn list(&self, offset: u64, limit: u64) -> Result<Page, ProviderError> {
        with_session!(self, |api, cred| api.list(&cred, offset, limit).await)
    }

    pub async fn get(&self, id: &str) -> Result<Option<RemoteKey>, ProviderError> {
        with_session!(self, |api, cred| api.get(&cred, id).await)
    }

    pub async fn create(&self, title: &str, kind: &str) -> Result<(RemoteKey, SecretValue), ProviderError> {
        with_session!(self, |api, cred| api.create(&cred, title, kind).await)
    }

    pub async fn update_title(&self, id: &str, title: &str) -> Result<(), ProviderError> {
        with_session!(self, |api, cred| api.update_title(&cred, id, title).await)
    }

    pub async fn revoke(&self, id: &str) -> Result<(), ProviderError> {
        with_session!(self, |api, cred| api.revoke(&cred, id).await)
    }

    pub async fn delete(&self, id: &str) -> Result<(), ProviderError> {
        with_session!(self, |api, cred| api.delete(&cred, id).await)
    }

    /// The remote user Keyden acts as, when known (owner of the keys it creates).
    pub async fn actor(&self) -> String {
        if self.row.account.auth == AccountAuth::Emailpass {
            if let Ok(Some(jwt)) = self.p.vault.credential_get(&jwt_entry(&self.row.account.id)).await {
                let actor = jwt_claims(&jwt).1;
                if !actor.is_empty() {
                    return actor;
                }
            }
        }
        self.row.actor.clone()
    }
}

/// `exp` and `actor_id` from a Medusa admin JWT's payload (read, not verified: it is Keyden's own
/// session token, used only to decide when to renew it).
pub(super) fn jwt_claims(jwt: &SecretValue) -> (Option<i64>, String) {
    use base64::Engine;
    let payload = jwt.expose().split('.').nth(1).unwrap_or_default();
    let claims: serde_json::Value = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let exp = claims.get("exp").and_then(|v| v.as_i64());
    let actor = claims.get("actor_id").and_then(|v| v.as_str()).unwrap_or_default().to_string();
    (exp, actor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn session_claims_are_read_from_the_payload() {
        let jwt = SecretValue::from_stored("e30.eyJleHAiOjQyLCJhY3Rvcl9pZCI6InVzZXJfMSJ9.sig".into());
        assert_eq!(jwt_claims(&jwt), (Some(42), "user_1".into()));
        assert_eq!(jwt_claims(&SecretValue::from_stored("garbage".into())), (None, String::new()));
    }
}
