//! Key health: ask the key's provider whether it still accepts the key, and record every answer (time,
//! outcome, HTTP status, latency) so the details view shows when a key last worked and when it started
//! failing. Reminders turn that history and the keys' own expiry into notifications.

use super::provider::CheckAnswer;
use super::registry;
use super::{ProviderError, Providers};
use crate::store::CheckRows;
use keyden_protocol::{AuditAction, CheckOutcome, HealthCheck, KeyQuery, KeyRecord, KeyStatus, Reminder};
use std::time::Instant;

impl Providers<'_> {
    pub(crate) async fn record_check(&self, check: &HealthCheck) -> Result<(), ProviderError> {
        Ok(CheckRows(self.vault.database()).record(check).await?)
    }

    /// Asks the provider about one key and records the answer. A provider that cannot be reached is
    /// recorded as an `error` outcome (it says nothing about the key) and returned, not raised.
    pub async fn check(&self, name: &str) -> Result<HealthCheck, ProviderError> {
        let key = self.vault.resolve(name).await?;
        let started = Instant::now();
        let result = self.ask(&key).await.ok_or_else(|| ProviderError::NoCheck(key.title.clone()))?;
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

    /// The key's provider first; a key it cannot judge (or a key of no provider) with its own probe.
    async fn ask(&self, key: &KeyRecord) -> Option<Result<CheckAnswer, ProviderError>> {
        if let Some(provider) = registry::of_key(key) {
            if let Some(answer) = provider.check(self, key).await {
                return Some(answer);
            }
        }
        super::probe::check(self, key).await
    }

    pub(crate) async fn secret_for_check(&self, key: &KeyRecord) -> Result<crate::secret::SecretValue, ProviderError> {
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
    use keyden_protocol::KeyKind;
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
