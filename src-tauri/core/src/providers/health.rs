//! Key health: ask the key's provider whether it still accepts the key, and record every answer (time,
//! outcome, HTTP status, latency) so the details view shows when a key last worked and when it started
//! failing. Reminders turn that history and the keys' own expiry into notifications.

use super::http::Idempotent;
use super::medusa::Credential;
use super::{ProviderError, Providers};
use crate::store::CheckRows;
use keyden_protocol::{
    AuditAction, CheckOutcome, HealthCheck, KeyKind, KeyQuery, KeyRecord, KeyStatus, ProviderKind, Reminder,
};
use std::time::Instant;

/// How a key's health is asked for.
enum Method {
    /// Medusa: an authenticated cheap request with the secret key as Basic.
    MedusaBasic,
    /// Medusa, for a key whose secret Keyden never saw (or a publishable key): read it through the
    /// account and judge from `revoked_at`.
    MedusaAdmin,
    /// Shop Minis: a verify mutation with a token that cannot be valid.
    MinisProbe,
    /// The key's own URL + header template.
    Generic,
}

fn method(key: &KeyRecord) -> Option<Method> {
    match ProviderKind::parse(&key.provider) {
        Some(ProviderKind::Medusa) if key.kind == KeyKind::Secret && key.has_secret => Some(Method::MedusaBasic),
        Some(ProviderKind::Medusa) if key.remote_id.is_some() => Some(Method::MedusaAdmin),
        Some(ProviderKind::ShopMinis) if key.has_secret => Some(Method::MinisProbe),
        _ if key.probe_url.is_some() && key.probe_header.is_some() && key.has_secret => Some(Method::Generic),
        _ => None,
    }
}

impl Providers<'_> {
    pub(crate) async fn record_check(&self, check: &HealthCheck) -> Result<(), ProviderError> {
        Ok(CheckRows(self.vault.database()).record(check).await?)
    }

    /// Asks the provider about one key and records the answer. A provider that cannot be reached is
    /// recorded as an `error` outcome (it says nothing about the key) and returned, not raised.
    pub async fn check(&self, name: &str) -> Result<HealthCheck, ProviderError> {
        let key = self.vault.resolve(name).await?;
        let method = method(&key).ok_or_else(|| ProviderError::InvalidInput {
            field: "key",
            reason: format!(
                "Keyden has no way to check '{}': it is not linked to a Medusa or Shop Minis account and has no \
                 probe (`keyden keys probe {} --url URL --header 'Authorization: Bearer {{key}}'`)",
                key.title, key.id
            ),
        })?;
        let started = Instant::now();
        let result = self.ask(&key, method).await;
        let latency = u32::try_from(started.elapsed().as_millis()).unwrap_or(u32::MAX);
        let check = match result {
            Ok((outcome, status, message)) => HealthCheck {
                key_id: key.id.clone(),
                at: self.vault.now(),
                outcome,
                http_status: status,
                latency_ms: latency,
                message,
            },
            Err(e) if e.is_transport() || matches!(e, ProviderError::Unauthorized { .. }) => HealthCheck {
                key_id: key.id.clone(),
                at: self.vault.now(),
                outcome: CheckOutcome::Error,
                http_status: http_status_of(&e),
                latency_ms: latency,
                message: e.to_string(),
            },
            Err(e) => return Err(e),
        };
        self.record_check(&check).await?;
        self.vault.audit_key(&key, AuditAction::Check, check.outcome.as_str()).await?;
        Ok(check)
    }

    async fn ask(&self, key: &KeyRecord, method: Method) -> Result<(CheckOutcome, Option<u16>, String), ProviderError> {
        let judged = |status: u16| match status {
            200..=299 => (CheckOutcome::Accepted, "accepted".to_string()),
            401 | 403 => (CheckOutcome::Rejected, "the provider refused the key".to_string()),
            s => (CheckOutcome::Error, format!("unexpected answer (HTTP {s})")),
        };
        match method {
            Method::MedusaBasic => {
                let row = self.account(&key.account).await.ok();
                let base = row.as_ref().map(|r| r.account.base_url.clone()).ok_or_else(|| {
                    ProviderError::NotLinked(format!("{} (no Medusa account named '{}')", key.title, key.account))
                })?;
                let secret = self.secret_for_check(key).await?;
                let api = super::medusa::MedusaApi::new(self.http, &base, &key.account);
                let answer = api.probe(&Credential::Basic(secret)).await?;
                let (o, m) = judged(answer.status);
                Ok((o, Some(answer.status), m))
            }
            Method::MedusaAdmin => {
                let session = self.medusa(&key.account).await?;
                let remote_id = key.remote_id.clone().unwrap_or_default();
                Ok(match session.get(&remote_id).await? {
                    None => (CheckOutcome::Rejected, Some(404), "the provider no longer has this key".into()),
                    Some(k) if k.revoked_at.is_some() => {
                        (CheckOutcome::Rejected, Some(200), "revoked at the provider".into())
                    }
                    Some(_) => (CheckOutcome::Accepted, Some(200), "listed as active by the provider".into()),
                })
            }
            Method::MinisProbe => {
                let row = self.account(&key.account).await?;
                let secret = self.secret_for_check(key).await?;
                let probe = self.minis_api(&row.account).probe(&secret).await?;
                let (o, m) = judged(probe.status);
                Ok((o, Some(probe.status), m))
            }
            Method::Generic => {
                let secret = self.secret_for_check(key).await?;
                let url = key.probe_url.clone().unwrap_or_default();
                let template = key.probe_header.clone().unwrap_or_default();
                let (name, value) = template.split_once(':').unwrap_or_default();
                let value = zeroize::Zeroizing::new(value.trim().replace("{key}", secret.expose()));
                let service = format!("the probe for '{}' ({url})", key.title);
                let answer = self
                    .http
                    .send(&service, Idempotent::Yes, |c| c.get(&url).header(name.trim(), value.as_str()))
                    .await?;
                let (o, m) = judged(answer.status);
                Ok((o, Some(answer.status), m))
            }
        }
    }

    async fn secret_for_check(&self, key: &KeyRecord) -> Result<crate::secret::SecretValue, ProviderError> {
        if !key.has_secret {
            return Err(crate::vault::VaultError::NeverHeld(key.title.clone()).into());
        }
        self.vault
            .credential_get(&key.id)
            .await?
            .ok_or_else(|| crate::vault::VaultError::SecretMissing(key.title.clone()).into())
    }
}

fn http_status_of(e: &ProviderError) -> Option<u16> {
    match e {
        ProviderError::Server { status, .. } | ProviderError::Unauthorized { status, .. } => Some(*status),
        ProviderError::RateLimited { .. } => Some(429),
        _ => None,
    }
}

/// What deserves a desktop notification now: active keys expiring within `days` (or already past their
/// expiry), and active keys whose last check did not pass.
pub async fn reminders(vault: &crate::vault::Vault, days: u32) -> Result<Vec<Reminder>, ProviderError> {
    let list = vault.list(&KeyQuery { status: Some(KeyStatus::Active), ..Default::default() }).await?;
    let now = list.now;
    let mut out = Vec::new();
    for k in list.keys {
        if k.expires_within(now, days) {
            let when = k.expires_at.map(|t| keyden_protocol::relative_time(t, now)).unwrap_or_default();
            let body = if k.is_expired(now) { format!("expired {when}") } else { format!("expires {when}") };
            out.push(Reminder {
                key_id: k.id.clone(),
                title: format!("'{}' {body}", k.title),
                body: "Rotate it or replace it before it stops working.".into(),
            });
        }
        if let (Some(outcome), Some(at)) = (k.last_check, k.last_checked_at) {
            if outcome != CheckOutcome::Accepted {
                out.push(Reminder {
                    key_id: k.id.clone(),
                    title: format!("'{}' failed its last check", k.title),
                    body: format!(
                        "{} {}: {}",
                        if outcome == CheckOutcome::Rejected {
                            "Rejected by its provider"
                        } else {
                            "Could not be checked"
                        },
                        keyden_protocol::relative_time(at, now),
                        "open Keyden to see its health history."
                    ),
                });
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FixedClock;
    use crate::secret::SecretValue;
    use crate::secret_store::MemoryStore;
    use crate::vault::{NewKeyMeta, Vault};
    use std::sync::Arc;

    const NOW: i64 = 1_700_000_000;

    async fn add(vault: &Vault, title: &str, expires_in_days: Option<i64>) -> KeyRecord {
        let meta = NewKeyMeta {
            title: title.into(),
            kind: Some(KeyKind::Token),
            expires_at: expires_in_days.map(|d| NOW + d * 86_400),
            ..Default::default()
        };
        vault.add(meta, SecretValue::from_input(format!("value-of-{title}").into_bytes()).unwrap()).await.unwrap()
    }

    async fn check(vault: &Vault, key: &KeyRecord, outcome: CheckOutcome) {
        let c = HealthCheck {
            key_id: key.id.clone(),
            at: NOW,
            outcome,
            http_status: Some(401),
            latency_ms: 3,
            message: String::new(),
        };
        CheckRows(vault.database()).record(&c).await.unwrap();
    }

    #[tokio::test]
    async fn reminders_name_keys_about_to_expire_and_keys_failing_their_checks() {
        let dir = tempfile::tempdir().unwrap();
        let (vault, _) =
            Vault::open(dir.path(), Arc::new(MemoryStore::default()), Arc::new(FixedClock::at(NOW)), "test")
                .await
                .unwrap();
        add(&vault, "soon", Some(3)).await;
        add(&vault, "later", Some(30)).await;
        add(&vault, "never", None).await;
        let failing = add(&vault, "failing", None).await;
        check(&vault, &failing, CheckOutcome::Rejected).await;
        let healthy = add(&vault, "healthy", None).await;
        check(&vault, &healthy, CheckOutcome::Accepted).await;
        let revoked = add(&vault, "revoked and failing", Some(1)).await;
        check(&vault, &revoked, CheckOutcome::Rejected).await;
        vault.revoke(&revoked.id).await.unwrap();

        let due = reminders(&vault, 14).await.unwrap();
        let titles: Vec<&str> = due.iter().map(|r| r.title.as_str()).collect();
        assert_eq!(titles.len(), 2, "{titles:?}");
        assert!(titles.contains(&"'soon' expires in 3 d"), "{titles:?}");
        assert!(titles.contains(&"'failing' failed its last check"), "{titles:?}");
        assert_eq!(reminders(&vault, 60).await.unwrap().len(), 3, "a wider horizon adds 'later'");
    }
}
