//! Applying a provider's key list to the mirror: one transaction per sync, so a sync that fails half
//! way leaves the mirror exactly as it was. Rows are matched by (provider, account, remote_id); only
//! rows that changed are written, so a sync that finds nothing new writes almost nothing.

use super::{Database, StoreError};
use keyden_protocol::{KeyKind, KeyStatus, RemoteState};
use sqlx::{QueryBuilder, Sqlite};
use std::collections::HashMap;

/// One remote key as the mirror stores it.
#[derive(Clone, Debug, PartialEq)]
pub struct MirrorKey {
    pub remote_id: String,
    pub title: String,
    pub kind: KeyKind,
    pub owner: String,
    pub redacted: String,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
}

impl MirrorKey {
    /// The status the provider reports.
    fn status(&self) -> KeyStatus {
        if self.revoked_at.is_some() {
            KeyStatus::Revoked
        } else {
            KeyStatus::Active
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct MirrorCounts {
    pub added: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub gone: u32,
}

/// id, remote_id, title, owner, redacted, status, remote_state.
type LocalTuple = (String, String, String, String, String, String, Option<String>);

/// What the mirror holds for one remote id.
struct Local {
    id: String,
    title: String,
    owner: String,
    redacted: String,
    status: String,
    remote_state: Option<RemoteState>,
}

pub struct Mirror<'a>(pub &'a Database);

impl Mirror<'_> {
    #[allow(clippy::too_many_arguments)]
    pub async fn apply(
        &self,
        provider: &str,
        account: &str,
        account_id: &str,
        remote: &[MirrorKey],
        now: i64,
        new_id: impl Fn() -> String,
    ) -> Result<MirrorCounts, StoreError> {
        let mut tx = self.0.pool.begin().await?;
        let existing: Vec<LocalTuple> = sqlx::query_as(
            "SELECT id, remote_id, title, owner, redacted, status, remote_state FROM keys \
             WHERE provider = ? AND account = ? AND remote_id IS NOT NULL AND pending IS NULL",
        )
        .bind(provider)
        .bind(account)
        .fetch_all(&mut *tx)
        .await?;
        let mut local: HashMap<String, Local> = existing
            .into_iter()
            .map(|(id, remote_id, title, owner, redacted, status, remote_state)| {
                let remote_state = remote_state.as_deref().and_then(RemoteState::parse);
                (remote_id, Local { id, title, owner, redacted, status, remote_state })
            })
            .collect();
        let mut counts = MirrorCounts::default();
        let mut fresh = Vec::new();
        for k in remote {
            match local.remove(&k.remote_id) {
                Some(l) => {
                    // Revoke is final here too: a key revoked locally never comes back to active.
                    let status = if l.status == "revoked" { KeyStatus::Revoked } else { k.status() };
                    let same = l.title == k.title
                        && l.owner == k.owner
                        && l.redacted == k.redacted
                        && l.status == status.as_str()
                        && l.remote_state == Some(RemoteState::Present);
                    if same {
                        counts.unchanged += 1;
                        continue;
                    }
                    sqlx::query(
                        "UPDATE keys SET title = ?, owner = ?, redacted = ?, status = ?, \
                         revoked_at = CASE WHEN ? = 'revoked' THEN coalesce(revoked_at, ?) ELSE revoked_at END, \
                         remote_state = 'present', synced_at = ? WHERE id = ?",
                    )
                    .bind(&k.title)
                    .bind(&k.owner)
                    .bind(&k.redacted)
                    .bind(status.as_str())
                    .bind(status.as_str())
                    .bind(k.revoked_at.unwrap_or(now))
                    .bind(now)
                    .bind(&l.id)
                    .execute(&mut *tx)
                    .await?;
                    counts.updated += 1;
                }
                None => fresh.push(k),
            }
        }
        // What is left was not listed by the provider: marked gone, never dropped.
        for l in local.values().filter(|l| l.remote_state != Some(RemoteState::Gone)) {
            sqlx::query("UPDATE keys SET remote_state = 'gone', synced_at = ? WHERE id = ?")
                .bind(now)
                .bind(&l.id)
                .execute(&mut *tx)
                .await?;
            counts.gone += 1;
        }
        counts.added = insert_fresh(&mut tx, provider, account, &fresh, now, new_id).await?;
        sqlx::query(
            "UPDATE accounts SET last_sync_at = ?1, last_sync_attempt_at = ?1, last_sync_error = NULL, last_sync_failure = NULL, \
             remote_count = ?2 WHERE id = ?3",
        )
        .bind(now)
        .bind(i64::try_from(remote.len()).unwrap_or(i64::MAX))
        .bind(account_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(counts)
    }

    /// One key's mirror state after a remote change Keyden made itself (revoke, title).
    pub async fn mark(&self, id: &str, state: RemoteState, now: i64) -> Result<(), StoreError> {
        sqlx::query("UPDATE keys SET remote_state = ?, synced_at = ? WHERE id = ?")
            .bind(state.as_str())
            .bind(now)
            .bind(id)
            .execute(&self.0.pool)
            .await?;
        Ok(())
    }
}

/// Inserts the keys the provider listed and the mirror did not hold, and indexes them for the search in
/// one statement afterwards instead of row by row (migration 0010's `keys_search_deferred`): the trigger
/// would run once a row, the `INSERT … SELECT` indexes them all in one pass (~5 µs a row). Nothing else
/// writes to `keys` inside this window, so the rows after `since` are exactly these.
/// Migration 0010's header (which can no longer change) blames the trigger for a first sync's extra
/// second: that second was one `INSERT` statement a row, each a round trip to sqlx's database thread
/// (the README's sync row: 1,064 ms one row a statement against 106 ms 500 a statement, index included).
/// The index itself costs ~5 µs a row whichever way it is fed.
async fn insert_fresh(
    tx: &mut sqlx::SqliteConnection,
    provider: &str,
    account: &str,
    fresh: &[&MirrorKey],
    now: i64,
    new_id: impl Fn() -> String,
) -> Result<u32, StoreError> {
    if fresh.is_empty() {
        return Ok(0);
    }
    let since: i64 = sqlx::query_scalar("SELECT coalesce(max(rowid), 0) FROM keys").fetch_one(&mut *tx).await?;
    sqlx::query("INSERT INTO keys_search_deferred (since) VALUES (?)").bind(since).execute(&mut *tx).await?;
    // Many rows per statement: each statement is a round trip to sqlx's database thread, and on a busy
    // machine the thread wake-ups, not SQLite, were most of a first sync (bench `sync`). 15 parameters a
    // row, 500 rows: well under SQLite's 32,766.
    for chunk in fresh.chunks(500) {
        let mut insert: QueryBuilder<Sqlite> = QueryBuilder::new(
            "INSERT INTO keys (id, title, provider, account, owner, kind, redacted, fingerprint, status, \
             created_at, revoked_at, remote_id, remote_state, synced_at, has_secret) ",
        );
        insert.push_values(chunk, |mut row, k| {
            row.push_bind(new_id())
                .push_bind(&k.title)
                .push_bind(provider)
                .push_bind(account)
                .push_bind(&k.owner)
                .push_bind(k.kind.as_str())
                .push_bind(&k.redacted)
                .push_bind("")
                .push_bind(k.status().as_str())
                .push_bind(k.created_at)
                .push_bind(k.revoked_at)
                .push_bind(&k.remote_id)
                .push_bind("present")
                .push_bind(now)
                .push_bind(false);
        });
        insert.build().execute(&mut *tx).await?;
    }
    let indexed = sqlx::query(
        "INSERT INTO keys_search (rowid, title, provider, id, redacted) \
         SELECT rowid, title, provider, id, redacted FROM keys WHERE rowid > ?",
    )
    .bind(since)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    // New rowids follow the largest one, short of SQLite's rowid overflow (then picked at random): if
    // that ever happened, the whole index is rebuilt rather than left missing a row.
    if indexed != fresh.len() as u64 {
        sqlx::query("INSERT INTO keys_search (keys_search) VALUES ('rebuild')").execute(&mut *tx).await?;
    }
    sqlx::query("DELETE FROM keys_search_deferred").execute(&mut *tx).await?;
    Ok(u32::try_from(fresh.len()).unwrap_or(u32::MAX))
}
