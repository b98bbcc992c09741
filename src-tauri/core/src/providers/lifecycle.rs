//! A linked key's remote life, kept in step with its local record: remote first, then local, and every
//! remote "yes" read back (Medusa answers 200 to updates, revokes and deletes of ids it does not have).
//! Keys that are not linked to a provider account go straight to the vault's local rules.

use super::provider::KeyAdmin;
use super::{registry, ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::{KeyRows, Mirror};
use crate::vault::{validate, NewKeyMeta, VaultError};
use keyden_protocol::{CreatedKey, HealthCheck, KeyEdit, KeyKind, KeyRecord, KeyStatus, RemoteState, RotationReport};

impl Providers<'_> {
    /// The admin API a key is linked to; `None` for a local key, one whose account was removed, or one
    /// whose provider does not manage keys.
    async fn link(&self, key: &KeyRecord) -> Result<Option<Box<dyn KeyAdmin + '_>>, ProviderError> {
        let manages = registry::of_key(key).is_some_and(|p| p.info().capabilities.manage);
        if key.remote_id.is_none() || !manages {
            return Ok(None);
        }
        match self.key_admin(&key.account).await {
            Ok(admin) => Ok(Some(admin)),
            Err(ProviderError::AccountNotFound(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Creates a key at the provider; its secret goes straight into the keyring and is returned this
    /// once. The one-active-secret-key policy is applied first (on a freshly synced mirror); the
    /// server's own refusal comes back as it said it.
    pub async fn create_remote(&self, account: &str, title: &str, kind: KeyKind) -> Result<CreatedKey, ProviderError> {
        let title = validate::title(title)?;
        let row = self.account(account).await?;
        let info = registry::get(row.account.provider).info();
        if !info.capabilities.create {
            return Err(ProviderError::not_capable(&row.account, "Keyden cannot create keys there"));
        }
        if !info.creates.contains(&kind) {
            let kinds: Vec<&str> = info.creates.iter().map(|k| k.as_str()).collect();
            return Err(ProviderError::InvalidInput {
                field: "type",
                reason: format!("{} creates {} keys", row.account.provider.label(), kinds.join(" or ")),
            });
        }
        let session = self.key_admin(account).await?;
        self.vault.ensure_keyring().await?;
        self.sync(account, |_, _| {}).await?;
        let a = session.account();
        if kind == KeyKind::Secret && a.one_active_secret {
            let actor = session.actor().await;
            let active = KeyRows(self.vault.database()).active_secrets_in(a.provider.as_str(), &a.name).await?;
            if let Some(k) = active.into_iter().find(|k| actor.is_empty() || k.record.owner == actor) {
                return Err(VaultError::OneActiveKey { active_id: k.record.id, active_title: k.record.title }.into());
            }
        }
        self.create_unchecked(session.as_ref(), &title, kind).await
    }

    async fn create_unchecked(
        &self,
        session: &dyn KeyAdmin,
        title: &str,
        kind: KeyKind,
    ) -> Result<CreatedKey, ProviderError> {
        let a = session.account();
        let (remote, token) = session.create(title, kind).await?;
        let meta = NewKeyMeta {
            title: title.to_string(),
            provider: a.provider.as_str().into(),
            account: a.name.clone(),
            owner: remote.owner.clone(),
            kind: Some(kind),
            remote_id: Some(remote.remote_id.clone()),
            redacted: Some(remote.redacted.clone()),
            ..Default::default()
        };
        let shown = SecretValue::from_stored(token.expose().to_string());
        let key = match self.vault.add(meta, token).await {
            Ok(k) => k,
            Err(e) => {
                // The secret has nowhere safe to go: take the remote key back rather than leave a key
                // nobody holds.
                let undo = match session.revoke(&remote.remote_id).await {
                    Ok(()) => session.delete(&remote.remote_id).await,
                    Err(e) => Err(e),
                };
                tracing::warn!(remote_id = %remote.remote_id, undone = undo.is_ok(), "keyring refused a new remote key");
                return Err(e.into());
            }
        };
        let back = session.get(&remote.remote_id).await?;
        if back.as_ref().is_none_or(|b| b.title != title) {
            return Err(ProviderError::NotApplied {
                service: session.service().to_string(),
                what: format!("key {} is not there after creating it", remote.remote_id),
            });
        }
        Ok(CreatedKey { key, secret: shown.expose().to_string() })
    }

    /// Edits the title (remote first for a linked key) and notes.
    pub async fn edit_key(&self, name: &str, edit: KeyEdit) -> Result<KeyRecord, ProviderError> {
        let key = self.vault.resolve(name).await?;
        if let (true, Some(title)) = (super::openbao::layout::is_shared(&key), edit.title.as_deref()) {
            let title = validate::title(title)?;
            if title != key.title {
                self.team_update(&KeyRecord { title, ..key.clone() }).await?;
            }
        }
        if let (Some(session), Some(title)) = (self.link(&key).await?, edit.title.as_deref()) {
            let title = validate::title(title)?;
            let remote_id = key.remote_id.clone().unwrap_or_default();
            if title != key.title {
                session.update_title(&remote_id, &title).await?;
                let back = session.get(&remote_id).await?;
                match back {
                    None => return Err(self.missing(session.as_ref(), &key).await?),
                    Some(b) if b.title != title => {
                        return Err(ProviderError::NotApplied {
                            service: session.service().to_string(),
                            what: format!("the title is still {:?}", b.title),
                        })
                    }
                    Some(_) => {}
                }
            }
        }
        Ok(self.vault.edit(&key.id, edit).await?)
    }

    /// Revoke is final: at the provider first (read back), then locally.
    pub async fn revoke_key(&self, name: &str) -> Result<KeyRecord, ProviderError> {
        let key = self.vault.resolve(name).await?;
        if key.status == KeyStatus::Revoked {
            return Err(VaultError::AlreadyRevoked(key.title).into());
        }
        if super::openbao::layout::is_shared(&key) {
            // Every member's copy stops serving it at their next sync.
            self.team_update(&super::openbao::layout::revoked(&key)).await?;
        }
        if let Some(session) = self.link(&key).await? {
            let remote_id = key.remote_id.clone().unwrap_or_default();
            let revoked = session.revoke(&remote_id).await;
            let back = session.get(&remote_id).await?;
            match back {
                None => return Err(self.missing(session.as_ref(), &key).await?),
                Some(b) if b.revoked_at.is_none() => {
                    revoked?;
                    return Err(ProviderError::NotApplied {
                        service: session.service().to_string(),
                        what: format!("{remote_id} is still active"),
                    });
                }
                // Revoked remotely (by this call, or before it: "already revoked" is fine).
                Some(_) => {}
            }
        }
        Ok(self.vault.revoke(&key.id).await?)
    }

    /// Delete only after revoke: the local rule is checked first, then the provider deletes (read
    /// back: it must be gone), then the row and keyring entry go.
    pub async fn delete_key(&self, name: &str) -> Result<KeyRecord, ProviderError> {
        let key = self.vault.resolve(name).await?;
        if key.status != KeyStatus::Revoked {
            return Err(VaultError::NotRevoked(key.title).into());
        }
        if super::openbao::layout::is_shared(&key) {
            self.team_delete(&key).await?;
        }
        if let Some(session) = self.link(&key).await? {
            let remote_id = key.remote_id.clone().unwrap_or_default();
            session.delete(&remote_id).await?;
            if session.get(&remote_id).await?.is_some() {
                return Err(ProviderError::NotApplied {
                    service: session.service().to_string(),
                    what: format!("{remote_id} is still there after deleting it"),
                });
            }
        }
        let deleted = self.vault.delete(&key.id).await?;
        crate::store::CheckRows(self.vault.database()).forget(&key.id).await?;
        Ok(deleted)
    }

    /// The remote key is not there: mark it gone in the mirror and say so.
    async fn missing(&self, session: &dyn KeyAdmin, key: &KeyRecord) -> Result<ProviderError, ProviderError> {
        Mirror(self.vault.database()).mark(&key.id, RemoteState::Gone, self.vault.now()).await?;
        Ok(ProviderError::RemoteMissing {
            service: session.service().to_string(),
            what: format!("key {} ('{}')", key.remote_id.as_deref().unwrap_or_default(), key.title),
        })
    }

    /// Rotation: create the new key, keep its secret, check the provider accepts it, then revoke the
    /// old one. Where the one-active-key policy forbids two active secret keys at once, the safe order
    /// is the other way round (revoke, then create) and needs the user's consent, since anything still
    /// using the old key fails until it is switched over.
    pub async fn rotate(&self, name: &str, consent: bool) -> Result<RotationReport, ProviderError> {
        let old = self.vault.resolve(name).await?;
        if old.status == KeyStatus::Revoked {
            return Err(VaultError::AlreadyRevoked(old.title).into());
        }
        let session = self.link(&old).await?.ok_or_else(|| ProviderError::NotLinked(old.title.clone()))?;
        self.vault.ensure_keyring().await?;
        let one_at_a_time = old.kind == KeyKind::Secret && session.account().one_active_secret;
        if one_at_a_time && !consent {
            return Err(ProviderError::ConsentNeeded(format!(
                "'{}' is the account's one active secret key, so the new key can only be created after it is \
                 revoked: anything still using it fails until you switch to the new key",
                old.title
            )));
        }
        let date = time::OffsetDateTime::from_unix_timestamp(self.vault.now())
            .map(|t| t.date().to_string())
            .unwrap_or_default();
        let base = old.title.split(" (rotated ").next().unwrap_or(&old.title).to_string();
        let title: String = format!("{base} (rotated {date})").chars().take(validate::MAX_TITLE_CHARS).collect();
        let mut steps = Vec::new();
        let mut revoked_first = false;
        if one_at_a_time {
            self.revoke_key(&old.id).await?;
            steps.push(format!("revoked '{}' first (one active secret key per account)", old.title));
            revoked_first = true;
        }
        let created = self.create_unchecked(session.as_ref(), &title, old.kind).await?;
        steps.push(format!("created '{}' ({}); its secret is in the keyring", created.key.title, created.key.id));
        let check = self.check(&created.key.id).await?;
        steps.push(format!("checked the new key: {}", check_words(&check)));
        if check.outcome != keyden_protocol::CheckOutcome::Accepted {
            steps.push(format!("'{}' was left as it is: the new key did not pass its check", old.title));
            return Ok(RotationReport {
                old_key: old.id,
                created: Some(created),
                revoked_first,
                completed: false,
                steps,
            });
        }
        if !revoked_first {
            self.revoke_key(&old.id).await?;
            steps.push(format!("revoked '{}'", old.title));
        }
        Ok(RotationReport { old_key: old.id, created: Some(created), revoked_first, completed: true, steps })
    }
}

fn check_words(c: &HealthCheck) -> String {
    match c.http_status {
        Some(s) => format!("{} (HTTP {s}, {} ms)", c.outcome.as_str(), c.latency_ms),
        None => format!("{} ({})", c.outcome.as_str(), c.message),
    }
}
