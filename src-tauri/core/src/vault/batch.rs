//! Adding many keys at once (`env import`): the same journal as a single add, with one keyring
//! session for all the values. Every row is written pending (one transaction), the values go to the
//! keyring in one bulk write, then the rows are finalised with their audit lines (one transaction). If the keyring gives out part way, the keys it did store
//! are kept (a rerun finds them by fingerprint) and the others rolled back; a killed process is
//! repaired by the usual recovery pass, row by row.

use super::{journal, NewKeyMeta, Vault, VaultError};
use crate::secret::SecretValue;
use crate::secret_store::NewEntry;
use crate::store::KeyRow;
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

        // All pending rows in one transaction (one commit instead of one per key: a team's first sync
        // adds thousands).
        if let Some(refused) =
            self.rows().insert_pending_all(&rows, std::process::id(), self.now()).await.map_err(VaultError::from)?
        {
            return Err(VaultError::Conflict(rows[refused].record.title.clone()).into());
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
        // The keys stored are finalised with their audit lines, the others removed, in one transaction.
        // If that fails, every row stays pending and the next open's recovery pass settles each one
        // against the keyring, as after a killed process.
        let kept: Vec<&KeyRecord> = rows[..stored_count].iter().map(|r| &r.record).collect();
        let dropped: Vec<&str> = rows[stored_count..].iter().map(|r| r.record.id.as_str()).collect();
        let audit = (self.now(), AuditAction::Create, self.origin, audit_detail);
        self.rows().settle_all(&kept, &dropped, audit).await.map_err(VaultError::from)?;
        let stored: Vec<KeyRecord> = kept.into_iter().cloned().collect();
        self.forget_cached_secrets().await;
        match failure {
            None => Ok(stored),
            Some(error) => Err(PartialAdd { stored, error }),
        }
    }
}
