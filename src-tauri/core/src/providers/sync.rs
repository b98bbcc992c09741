//! The mirror sync: page through an account's keys at its provider, then apply them to SQLite in one
//! transaction. A failure anywhere (network, a page that does not parse, the database) leaves the
//! mirror as it was and records when the last sync succeeded and why this one failed.

use super::{ProviderError, Providers};
use crate::store::{AccountRows, Mirror, MirrorKey};
use crate::Coded;
use keyden_protocol::SyncReport;
use std::collections::HashSet;

/// Medusa accepts up to 1,000 per page; 500 keeps each answer small enough to parse quickly.
pub const PAGE_SIZE: u64 = 500;

/// Refuses to mirror more than this (a misbehaving server that pages forever).
const MAX_KEYS: usize = 200_000;

impl Providers<'_> {
    /// Syncs one account. `progress(fetched, total)` is called after each page.
    pub async fn sync(&self, account: &str, progress: impl Fn(u64, u64)) -> Result<SyncReport, ProviderError> {
        let row = self.account(account).await?;
        let capabilities = super::registry::get(row.account.provider).info().capabilities;
        if capabilities.team {
            return self.team_sync(account, &progress).await;
        }
        if !capabilities.sync {
            return Err(ProviderError::not_capable(&row.account, "it has no key list to sync"));
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
        let admin = self.key_admin(account).await?;
        let mut keys: Vec<MirrorKey> = Vec::new();
        let mut seen = HashSet::new();
        let mut pages = 0u32;
        loop {
            let offset = keys.len() as u64;
            let (page, total) = admin.list_page(offset, PAGE_SIZE).await?;
            pages += 1;
            let got = page.len();
            for k in page {
                if seen.insert(k.remote_id.clone()) {
                    keys.push(k);
                }
            }
            progress(keys.len() as u64, total);
            if got == 0 || keys.len() as u64 >= total || got < PAGE_SIZE as usize {
                break;
            }
            if keys.len() > MAX_KEYS {
                return Err(ProviderError::Malformed {
                    service: admin.service().to_string(),
                    reason: format!("more than {MAX_KEYS} keys listed; refusing to mirror"),
                });
            }
        }
        let now = self.vault.now();
        let a = admin.account();
        let counts = Mirror(self.vault.database())
            .apply(a.provider.as_str(), &a.name, &a.id, &keys, now, crate::vault::new_key_id)
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
