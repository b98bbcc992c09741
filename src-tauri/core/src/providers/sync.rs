//! The mirror sync: page through a Medusa account's keys, then apply them to SQLite in one transaction.
//! A failure anywhere (network, a page that does not parse, the database) leaves the mirror as it was
//! and records when the last sync succeeded and why this one failed.

use super::medusa::{parse_time, RemoteKey};
use super::{ProviderError, Providers};
use crate::store::{AccountRows, Mirror, MirrorKey};
use crate::Coded;
use keyden_protocol::{KeyKind, ProviderKind, SyncReport};
use std::collections::HashSet;

/// Medusa accepts up to 1,000 per page; 500 keeps each answer small enough to parse quickly.
pub const PAGE_SIZE: u64 = 500;

/// Refuses to mirror more than this (a misbehaving server that pages forever).
const MAX_KEYS: usize = 200_000;

impl Providers<'_> {
    /// Syncs one account. `progress(fetched, total)` is called after each page.
    pub async fn sync(&self, account: &str, progress: impl Fn(u64, u64)) -> Result<SyncReport, ProviderError> {
        let row = self.account(account).await?;
        if row.account.provider != ProviderKind::Medusa {
            return Err(ProviderError::InvalidInput {
                field: "account",
                reason: format!(
                    "'{}' is a {} account: it has no key list to sync",
                    row.account.name,
                    row.account.provider.label()
                ),
            });
        }
        let result = self.sync_inner(account, &progress).await;
        if let Err(e) = &result {
            let now = self.vault.now();
            let rows = AccountRows(self.vault.database());
            rows.record_sync_failure(&row.account.id, now, e.sync_failure(), &e.to_reply().message).await?;
        }
        result
    }

    async fn sync_inner(&self, account: &str, progress: &impl Fn(u64, u64)) -> Result<SyncReport, ProviderError> {
        let session = self.medusa(account).await?;
        let mut remote: Vec<RemoteKey> = Vec::new();
        let mut seen = HashSet::new();
        let mut pages = 0u32;
        loop {
            let offset = remote.len() as u64;
            let page = session.list(offset, PAGE_SIZE).await?;
            pages += 1;
            let got = page.api_keys.len();
            for k in page.api_keys {
                if seen.insert(k.id.clone()) {
                    remote.push(k);
                }
            }
            progress(remote.len() as u64, page.count);
            if got == 0 || remote.len() as u64 >= page.count || got < PAGE_SIZE as usize {
                break;
            }
            if remote.len() > MAX_KEYS {
                return Err(ProviderError::Malformed {
                    service: session.api.service.clone(),
                    reason: format!("more than {MAX_KEYS} keys listed; refusing to mirror"),
                });
            }
        }
        let keys = remote.iter().map(|k| mirror_key(k, &session.api.service)).collect::<Result<Vec<_>, _>>()?;
        let now = self.vault.now();
        let a = session.account();
        let counts = Mirror(self.vault.database())
            .apply(ProviderKind::Medusa.as_str(), &a.name, &a.id, &keys, now, crate::vault::new_key_id)
            .await?;
        self.vault.forget_cached_secrets().await;
        Ok(SyncReport {
            account: a.name.clone(),
            remote_count: u32::try_from(keys.len()).unwrap_or(u32::MAX),
            added: counts.added,
            updated: counts.updated,
            unchanged: counts.unchanged,
            gone: counts.gone,
            pages,
            at: now,
        })
    }
}

fn mirror_key(k: &RemoteKey, service: &str) -> Result<MirrorKey, ProviderError> {
    let malformed =
        |what: &str| ProviderError::Malformed { service: service.into(), reason: format!("{}: {what}", k.id) };
    let kind = match k.kind.as_str() {
        "secret" => KeyKind::Secret,
        "publishable" => KeyKind::Publishable,
        other => return Err(malformed(&format!("unknown key type {other:?}"))),
    };
    Ok(MirrorKey {
        remote_id: k.id.clone(),
        title: k.title.chars().take(200).collect(),
        kind,
        owner: k.created_by.clone(),
        redacted: k.redacted.clone(),
        created_at: parse_time(&k.created_at).ok_or_else(|| malformed("created_at is not a date"))?,
        revoked_at: match &k.revoked_at {
            Some(t) => Some(parse_time(t).ok_or_else(|| malformed("revoked_at is not a date"))?),
            None => None,
        },
    })
}
