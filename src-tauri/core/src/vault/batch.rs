//! Adding many keys at once (`env import`): the same journal as a single add, with one keyring
//! session for all the values. Every row is written pending, the values go to the keyring in one
//! bulk write, then the rows are finalised. If the keyring gives out part way, the keys it did store
//! are kept (a rerun finds them by fingerprint) and the others rolled back; a killed process is
//! repaired by the usual recovery pass, row by row.

use super::{journal, NewKeyMeta, Vault, VaultError};
use crate::secret::SecretValue;
use crate::secret_store::NewEntry;
use crate::store::{Inserted, KeyRow};
use keyden_protocol::{AuditAction, KeyKind, KeyRecord};

/// Some keys were stored, then something failed.
#[derive(Debug)]
pub struct PartialAdd {
    pub stored: Vec<KeyRecord>,
    pub error: VaultError,
}

impl From<VaultError> for PartialAdd {
    fn from(error: VaultError) -> Self {
        PartialAdd { stored: Vec::new(), error }
    }
}

impl Vault {
    /// Adds every key or says which were stored before a failure. Nothing is written unless every
    /// key's metadata is valid and no one-active-secret-key slot is taken.
    pub async fn add_many(
        &self,
        keys: Vec<(NewKeyMeta, SecretValue)>,
        audit_detail: &str,
    ) -> Result<Vec<KeyRecord>, PartialAdd> {
        let fingerprinter = self.fingerprinter().await?;
        let mut rows = Vec::with_capacity(keys.len());
        let mut secrets = Vec::with_capacity(keys.len());
        for (meta, secret) in keys {
            let record = self.new_record(meta, &secret)?;
            if record.kind == KeyKind::Secret && record.remote_id.is_none() && record.team.is_none() {
                self.refuse_second_active_secret(&record).await?;
                let same_slot = |r: &KeyRow| {
                    r.record.kind == KeyKind::Secret
                        && (&r.record.provider, &r.record.account, &r.record.owner)
                            == (&record.provider, &record.account, &record.owner)
                };
                if let Some(twin) = rows.iter().find(|r| same_slot(r)) {
                    return Err(VaultError::OneActiveKey {
                        active_id: twin.record.id.clone(),
                        active_title: twin.record.title.clone(),
                    }
                    .into());
                }
            }
            let fingerprint = fingerprinter.of(&secret);
            rows.push(KeyRow { record, fingerprint, pending: None, pending_pid: None, pending_at: None });
            secrets.push(secret);
        }

        for (written, row) in rows.iter().enumerate() {
            let inserted = self.rows().insert_pending(row, std::process::id(), self.now()).await;
            if !matches!(inserted, Ok(Inserted::Ok)) {
                for earlier in &rows[..written] {
                    self.rows().remove(&earlier.record.id).await.map_err(VaultError::from)?;
                }
                return Err(match inserted {
                    Err(e) => e.into(),
                    Ok(_) => VaultError::Conflict(row.record.title.clone()),
                }
                .into());
            }
        }
        journal::pause_point("import:rows-written");

        let labelled: Vec<(String, String)> =
            rows.iter().map(|r| (r.record.id.clone(), r.record.title.clone())).collect();
        let written = self
            .keyring(move |store| {
                let entries: Vec<NewEntry<'_>> =
                    labelled.iter().zip(&secrets).map(|((id, label), secret)| NewEntry { id, label, secret }).collect();
                Ok(store.put_many(&entries))
            })
            .await?;
        journal::pause_point("import:keyring-written");

        let (stored_count, failure) = match written {
            Ok(()) => (rows.len(), None),
            Err((done, e)) => (done, Some(VaultError::from(e))),
        };
        let mut stored = Vec::with_capacity(stored_count);
        for row in &rows[..stored_count] {
            self.rows()
                .finalise(&row.record.id)
                .await
                .map_err(|e| PartialAdd { stored: stored.clone(), error: e.into() })?;
            self.audit(&row.record, AuditAction::Create, audit_detail)
                .await
                .map_err(|error| PartialAdd { stored: stored.clone(), error })?;
            stored.push(row.record.clone());
        }
        for row in &rows[stored_count..] {
            self.rows()
                .remove(&row.record.id)
                .await
                .map_err(|e| PartialAdd { stored: stored.clone(), error: e.into() })?;
        }
        self.forget_cached_secrets().await;
        match failure {
            None => Ok(stored),
            Some(error) => Err(PartialAdd { stored, error }),
        }
    }
}
