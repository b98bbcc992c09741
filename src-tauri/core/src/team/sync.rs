//! A team sync: list the account's prefix, read what changed, and bring this member's mirror and
//! keyring in step. An entry this member has never seen is read whole (value, version, metadata: one
//! request); one already mirrored is asked only for its metadata, and its value is read again only when
//! its version moved. Reads run `SYNC_CONCURRENCY` at a time. Everything is read before anything is
//! written, so a sync that fails on the way (the server sealed, a node killed with no other to take
//! over) changes nothing here; the mirror keeps serving.

use crate::providers::openbao::api::{Entry, Metadata};
use crate::providers::openbao::layout::{self, Shared};
use crate::providers::openbao::Session;
use crate::providers::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::{AccountRows, KeyRow, TeamRows, TeamUpdate};
use crate::vault::NewKeyMeta;
use crate::Coded;
use futures_util::stream::{self, StreamExt};
use keyden_protocol::{AuditAction, KeyStatus, SyncReport, TeamLink};
use std::collections::HashMap;

/// Requests in flight at once: enough to hide the round trip, few enough not to flood a small server.
pub const SYNC_CONCURRENCY: usize = 16;

/// At most this many entries are mirrored (a server that lists forever).
const MAX_ENTRIES: usize = 200_000;

/// What one entry turned out to be.
enum Seen {
    /// Never mirrored here: read whole.
    New(String, Entry),
    /// Mirrored here; its metadata, and its value when the version moved.
    Known(String, Metadata, Option<Entry>),
    /// Listed, but with no readable current version (deleted at the server, or not Keyden's).
    Empty(String),
}

impl Providers<'_> {
    /// Syncs a team account. `progress(read, listed)` is called as entries are read.
    pub async fn team_sync(&self, account: &str, progress: &impl Fn(u64, u64)) -> Result<SyncReport, ProviderError> {
        let session = self.team_session(account).await?;
        let result = self.team_sync_inner(&session, progress).await;
        if let Err(e) = &result {
            let (rows, now) = (AccountRows(self.vault.database()), self.vault.now());
            rows.record_sync_failure(&session.account().id, now, e.sync_failure(), &e.to_reply().message).await?;
        }
        result
    }

    async fn team_sync_inner(
        &self,
        session: &Session<'_>,
        progress: &impl Fn(u64, u64),
    ) -> Result<SyncReport, ProviderError> {
        let a = session.account().clone();
        let local: HashMap<String, KeyRow> = TeamRows(self.vault.database())
            .of_account(&a.name)
            .await?
            .into_iter()
            .map(|r| (r.record.team.as_ref().map(|t| t.key.clone()).unwrap_or_default(), r))
            .collect();
        let versions: HashMap<&str, u64> =
            local.iter().map(|(k, r)| (k.as_str(), r.record.team.as_ref().map_or(0, |t| t.version))).collect();

        let token = session.token(false).await?;
        let seen = match self.read_all(session, &token, &versions, progress).await {
            Err(ProviderError::PermissionDenied { .. }) if session.can_login() => {
                let token = session.token(true).await?;
                self.read_all(session, &token, &versions, progress).await?
            }
            Err(e @ ProviderError::PermissionDenied { .. }) => return Err(session.explain_denied(e).await),
            other => other?,
        };

        let now = self.vault.now();
        let mut report = SyncReport { account: a.name.clone(), at: now, pages: 1, ..SyncReport::default() };
        report.remote_count = u32::try_from(seen.len()).unwrap_or(u32::MAX);
        let mut listed = std::collections::HashSet::new();
        let mut new_keys = Vec::new();
        for s in seen {
            match s {
                Seen::New(name, entry) => {
                    listed.insert(name.clone());
                    new_keys.push((name, entry));
                }
                Seen::Known(name, meta, entry) => {
                    listed.insert(name.clone());
                    let row = &local[&name];
                    if self.apply_known(&a.name, row, &name, &meta, entry, now).await? {
                        report.updated += 1;
                    } else {
                        report.unchanged += 1;
                    }
                }
                Seen::Empty(name) => {
                    tracing::debug!(entry = %name, "listed with no readable value; skipped");
                }
            }
        }
        report.added = self.add_new(&a.name, new_keys, now).await?;
        let gone: Vec<String> =
            local.iter().filter(|(name, _)| !listed.contains(*name)).map(|(_, r)| r.record.id.clone()).collect();
        report.gone = TeamRows(self.vault.database()).mark_gone(&gone, now).await?;
        AccountRows(self.vault.database()).record_sync_success(&a.id, now, listed.len()).await?;
        self.vault.forget_cached_secrets().await;
        Ok(report)
    }

    /// Lists the prefix and reads every entry, `SYNC_CONCURRENCY` at a time; the first error stops it.
    async fn read_all(
        &self,
        session: &Session<'_>,
        token: &SecretValue,
        versions: &HashMap<&str, u64>,
        progress: &impl Fn(u64, u64),
    ) -> Result<Vec<Seen>, ProviderError> {
        let names: Vec<String> = session
            .api
            .list(token, &session.place.prefix)
            .await?
            .into_iter()
            .filter(|n| {
                let ok = layout::usable_name(n);
                if !ok {
                    tracing::debug!(entry = %n, "not a name Keyden uses; skipped");
                }
                ok
            })
            .collect();
        if names.len() > MAX_ENTRIES {
            return Err(ProviderError::Malformed {
                service: session.api.service().to_string(),
                reason: format!("more than {MAX_ENTRIES} entries listed; refusing to mirror"),
            });
        }
        let total = names.len() as u64;
        progress(0, total);
        let mut done = 0u64;
        let mut out = Vec::with_capacity(names.len());
        let mut reads = stream::iter(names)
            .map(|name| async move {
                let path = session.path(&name);
                match versions.get(name.as_str()) {
                    None => Ok::<_, ProviderError>(match session.api.read(token, &path).await? {
                        Some(e) => Seen::New(name, e),
                        None => Seen::Empty(name),
                    }),
                    Some(&have) => {
                        let Some(meta) = session.api.metadata(token, &path).await? else {
                            return Ok(Seen::Empty(name));
                        };
                        let entry =
                            if meta.current_version > have { session.api.read(token, &path).await? } else { None };
                        Ok(Seen::Known(name, meta, entry))
                    }
                }
            })
            .buffer_unordered(SYNC_CONCURRENCY);
        while let Some(seen) = reads.next().await {
            out.push(seen?);
            done += 1;
            if done.is_multiple_of(50) || done == total {
                progress(done, total);
            }
        }
        Ok(out)
    }

    /// Applies one entry this member already mirrors; whether anything changed.
    async fn apply_known(
        &self,
        account: &str,
        row: &KeyRow,
        name: &str,
        meta: &Metadata,
        entry: Option<Entry>,
        now: i64,
    ) -> Result<bool, ProviderError> {
        let k = &row.record;
        let have = k.team.as_ref().map_or(0, |t| t.version);
        let s: Shared = layout::shared(name, meta.custom_metadata.as_ref().unwrap_or(&HashMap::new()));
        let revoked = s.revoked && k.status == KeyStatus::Active;
        let mut value = None;
        let mut version = have;
        if let Some(e) = entry.filter(|e| e.version > have) {
            let stored = self.vault.put_value(k, e.value).await?;
            let detail = format!("version {} from '{account}'", e.version);
            self.vault.audit_team(k, AuditAction::Rotate, &detail).await?;
            value = Some(stored);
            version = e.version;
        }
        let same = s.title == k.title
            && s.environment == k.environment
            && s.owner == k.owner
            && s.expires_at == k.expires_at
            && value.is_none()
            && !revoked
            && k.remote_state != Some(keyden_protocol::RemoteState::Gone);
        if same {
            return Ok(false);
        }
        let update = TeamUpdate {
            title: &s.title,
            environment: &s.environment,
            owner: &s.owner,
            expires_at: s.expires_at,
            version,
            value: value.as_ref().map(|v| (v.fingerprint.as_str(), v.redacted.as_str())),
            revoked,
            now,
        };
        TeamRows(self.vault.database()).update(&k.id, &update).await?;
        if revoked {
            self.vault.audit_team(k, AuditAction::Revoke, &format!("revoked in '{account}'")).await?;
        }
        Ok(true)
    }

    /// Adds the entries never seen here, in one keyring session; a revoked one arrives revoked.
    async fn add_new(&self, account: &str, entries: Vec<(String, Entry)>, now: i64) -> Result<u32, ProviderError> {
        let mut keys = Vec::with_capacity(entries.len());
        let mut revoked = Vec::new();
        for (name, e) in entries {
            let s = layout::shared(&name, &e.custom);
            let id =
                if name.starts_with("key_") && self.vault.id_free(&name).await? { Some(name.clone()) } else { None };
            if s.revoked {
                revoked.push(name.clone());
            }
            let meta = NewKeyMeta {
                title: s.title,
                provider: s.provider,
                account: s.account,
                environment: s.environment,
                owner: s.owner,
                kind: Some(s.kind),
                expires_at: s.expires_at,
                id,
                team: Some(TeamLink {
                    account: account.to_string(),
                    key: name,
                    version: e.version,
                    shared_by: s.shared_by,
                }),
                ..Default::default()
            };
            keys.push((meta, e.value));
        }
        let added = self
            .vault
            .add_many(keys, &format!("from the team account '{account}'"))
            .await
            .map_err(|partial| partial.error)?;
        let rows = TeamRows(self.vault.database());
        for k in added.iter().filter(|k| k.team.as_ref().is_some_and(|t| revoked.contains(&t.key))) {
            let update = TeamUpdate {
                title: &k.title,
                environment: &k.environment,
                owner: &k.owner,
                expires_at: k.expires_at,
                version: k.team.as_ref().map_or(0, |t| t.version),
                value: None,
                revoked: true,
                now,
            };
            rows.update(&k.id, &update).await?;
        }
        Ok(u32::try_from(added.len()).unwrap_or(u32::MAX))
    }
}
