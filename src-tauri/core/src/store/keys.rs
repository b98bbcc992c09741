//! Key rows: metadata plus the journal columns that keep SQLite and the keyring in agreement.

use super::col;
use super::{is_unique_violation, Database, StoreError};
use keyden_protocol::{
    CheckOutcome, Facets, KeyKind, KeyQuery, KeyRecord, KeyStatus, RemoteState, SortField, TeamLink,
};
use serde::Deserialize;
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Sqlite};

/// A key record's columns, in the order of [`Raw`]'s first fields (a macro, so that both column lists
/// below are literals built from one list).
macro_rules! record_columns {
    () => {
        "id, title, provider, account, environment, owner, kind, redacted, status, created_at, revoked_at, \
         expires_at, last_verified_at, remote_id, notes, remote_state, synced_at, has_secret, last_checked_at, \
         last_check, probe_url, probe_header, team_account, team_key, team_version, shared_by"
    };
}

/// A key row's columns, in the order of [`Raw`]'s fields: SQLite hands each row over as one JSON array
/// of them, and a page of rows as one array of arrays. sqlx passes every row from its database
/// thread to the caller as a message, a thread wake-up each on a busy machine: one value per page was
/// most of the search's time saved (bench `list_search`).
pub(super) const ROW: &str =
    concat!("json_array(", record_columns!(), ", fingerprint, pending, pending_pid, pending_at)");

/// [`ROW`] without its last four columns, which a list never shows (its rows are all settled, and the
/// fingerprint, 64 characters, is for finding values): over a quarter of a search's JSON, written and parsed.
const RECORD: &str = concat!("json_array(", record_columns!(), ")");

/// A journal step that has started and not finished.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pending {
    Create,
    Delete,
}

#[derive(Clone, Debug, PartialEq)]
pub struct KeyRow {
    pub record: KeyRecord,
    pub fingerprint: String,
    pub pending: Option<Pending>,
    pub pending_pid: Option<i64>,
    pub pending_at: Option<i64>,
}

pub struct KeyRows<'a>(pub &'a Database);

/// One row as SQLite stores it; read from a [`ROW`] array, field by field in order.
#[derive(Deserialize)]
struct Raw {
    id: String,
    title: String,
    provider: String,
    account: String,
    environment: String,
    owner: String,
    kind: String,
    redacted: String,
    status: String,
    created_at: i64,
    revoked_at: Option<i64>,
    expires_at: Option<i64>,
    last_verified_at: Option<i64>,
    remote_id: Option<String>,
    notes: String,
    remote_state: Option<String>,
    synced_at: Option<i64>,
    has_secret: i64,
    last_checked_at: Option<i64>,
    last_check: Option<String>,
    probe_url: Option<String>,
    probe_header: Option<String>,
    team_account: Option<String>,
    team_key: Option<String>,
    team_version: Option<i64>,
    shared_by: Option<String>,
    // The journal columns: absent from a [`RECORD`] array, which only settled rows are read as.
    #[serde(default)]
    fingerprint: String,
    #[serde(default)]
    pending: Option<String>,
    #[serde(default)]
    pending_pid: Option<i64>,
    #[serde(default)]
    pending_at: Option<i64>,
}

impl TryFrom<Raw> for KeyRow {
    type Error = StoreError;

    fn try_from(r: Raw) -> Result<Self, StoreError> {
        let team = r.team_account.map(|account| TeamLink {
            account,
            key: r.team_key.unwrap_or_default(),
            version: r.team_version.and_then(|v| u64::try_from(v).ok()).unwrap_or(0),
            shared_by: r.shared_by.unwrap_or_default(),
        });
        Ok(KeyRow {
            record: KeyRecord {
                kind: KeyKind::parse(&r.kind).ok_or_else(|| StoreError::Corrupt(format!("kind {:?}", r.kind)))?,
                status: KeyStatus::parse(&r.status)
                    .ok_or_else(|| StoreError::Corrupt(format!("status {:?}", r.status)))?,
                id: r.id,
                title: r.title,
                provider: r.provider,
                account: r.account,
                environment: r.environment,
                owner: r.owner,
                redacted: r.redacted,
                created_at: r.created_at,
                revoked_at: r.revoked_at,
                expires_at: r.expires_at,
                last_verified_at: r.last_verified_at,
                remote_id: r.remote_id,
                notes: r.notes,
                remote_state: r.remote_state.as_deref().and_then(RemoteState::parse),
                synced_at: r.synced_at,
                has_secret: r.has_secret != 0,
                last_checked_at: r.last_checked_at,
                last_check: r.last_check.as_deref().and_then(CheckOutcome::parse),
                probe_url: r.probe_url,
                probe_header: r.probe_header,
                team,
            },
            fingerprint: r.fingerprint,
            pending: match r.pending.as_deref() {
                None => None,
                Some("create") => Some(Pending::Create),
                Some("delete") => Some(Pending::Delete),
                Some(other) => return Err(StoreError::Corrupt(format!("pending {other:?}"))),
            },
            pending_pid: r.pending_pid,
            pending_at: r.pending_at,
        })
    }
}

/// A row selected as `{ROW}`.
pub(super) fn decode(r: &SqliteRow) -> Result<KeyRow, StoreError> {
    let json: &str = col(r, 0)?;
    parse::<Raw>(json)?.try_into()
}

/// Settled rows aggregated as one JSON array of `[n, {RECORD}]`, in any order: their records in the
/// order of `n`.
fn decode_numbered(json: &str) -> Result<Vec<KeyRecord>, StoreError> {
    let mut rows = parse::<Vec<(i64, Raw)>>(json)?;
    rows.sort_unstable_by_key(|(n, _)| *n);
    rows.into_iter().map(|(_, raw)| KeyRow::try_from(raw).map(|row| row.record)).collect()
}

fn parse<'a, T: Deserialize<'a>>(json: &'a str) -> Result<T, StoreError> {
    // Where and what kind of mismatch, not serde's full message: that quotes the value it refused.
    serde_json::from_str(json).map_err(|e| {
        StoreError::Corrupt(format!("a key row: {:?} error at byte {} of its JSON", e.classify(), e.column()))
    })
}

/// The outcome of inserting a new key's row.
pub enum Inserted {
    Ok,
    /// The one-active-secret-key index refused it.
    ActiveSecretExists,
}

impl KeyRows<'_> {
    /// Journal step 1 of a create: the row, marked pending, before the keyring is touched.
    pub async fn insert_pending(&self, row: &KeyRow, pid: u32, now: i64) -> Result<Inserted, StoreError> {
        let mut conn = self.0.pool.acquire().await?;
        insert_pending_in(&mut conn, row, pid, now).await
    }

    /// Journal step 1 for many keys, in one transaction: all rows, or none and the index of the row
    /// the one-active-secret-key index refused.
    pub async fn insert_pending_all(&self, rows: &[KeyRow], pid: u32, now: i64) -> Result<Option<usize>, StoreError> {
        let mut tx = self.0.pool.begin().await?;
        for (i, row) in rows.iter().enumerate() {
            if let Inserted::ActiveSecretExists = insert_pending_in(&mut tx, row, pid, now).await? {
                tx.rollback().await?;
                return Ok(Some(i));
            }
        }
        tx.commit().await?;
        Ok(None)
    }

    /// The last journal step for many keys, in one transaction: `kept` finalised, each with its audit
    /// line, and `dropped` removed.
    pub async fn settle_all(
        &self,
        kept: &[&KeyRecord],
        dropped: &[&str],
        audit: (i64, keyden_protocol::AuditAction, &str, &str),
    ) -> Result<(), StoreError> {
        let (at, action, origin, detail) = audit;
        let mut tx = self.0.pool.begin().await?;
        for k in kept {
            finalise_in(&mut tx, &k.id).await?;
            super::audit::record_in(&mut tx, at, &k.id, &k.title, action, origin, detail).await?;
        }
        for id in dropped {
            remove_in(&mut tx, id).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

async fn finalise_in(conn: &mut sqlx::SqliteConnection, id: &str) -> Result<(), StoreError> {
    sqlx::query("UPDATE keys SET pending = NULL, pending_pid = NULL, pending_at = NULL WHERE id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

async fn remove_in(conn: &mut sqlx::SqliteConnection, id: &str) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM keys WHERE id = ?").bind(id).execute(conn).await?;
    Ok(())
}

async fn insert_pending_in(
    conn: &mut sqlx::SqliteConnection,
    row: &KeyRow,
    pid: u32,
    now: i64,
) -> Result<Inserted, StoreError> {
    let k = &row.record;
    let result = sqlx::query(
        "INSERT INTO keys (id, title, provider, account, environment, owner, kind, redacted, fingerprint, status, \
         created_at, revoked_at, expires_at, last_verified_at, remote_id, notes, pending, pending_pid, pending_at, \
         remote_state, synced_at, team_account, team_key, team_version, shared_by) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'create', ?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(&k.id)
    .bind(&k.title)
    .bind(&k.provider)
    .bind(&k.account)
    .bind(&k.environment)
    .bind(&k.owner)
    .bind(k.kind.as_str())
    .bind(&k.redacted)
    .bind(&row.fingerprint)
    .bind(k.status.as_str())
    .bind(k.created_at)
    .bind(k.revoked_at)
    .bind(k.expires_at)
    .bind(k.last_verified_at)
    .bind(&k.remote_id)
    .bind(&k.notes)
    .bind(i64::from(pid))
    .bind(now)
    .bind(k.remote_state.map(RemoteState::as_str))
    .bind(k.synced_at)
    .bind(k.team.as_ref().map(|t| t.account.as_str()))
    .bind(k.team.as_ref().map(|t| t.key.as_str()))
    .bind(k.team.as_ref().map(|t| i64::try_from(t.version).unwrap_or(i64::MAX)))
    .bind(k.team.as_ref().map(|t| t.shared_by.as_str()))
    .execute(&mut *conn)
    .await;
    match result {
        Ok(_) => Ok(Inserted::Ok),
        Err(e) if is_unique_violation(&e) => Ok(Inserted::ActiveSecretExists),
        Err(e) => Err(e.into()),
    }
}

impl KeyRows<'_> {
    /// Clears the journal mark: both stores agree again.
    pub async fn finalise(&self, id: &str) -> Result<(), StoreError> {
        finalise_in(&mut *self.0.pool.acquire().await?, id).await
    }

    /// Journal step 1 of a delete. Only a revoked, settled row can be marked, so the rule holds even
    /// if another process revoked or deleted in between.
    pub async fn mark_pending_delete(&self, id: &str, pid: u32, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE keys SET pending = 'delete', pending_pid = ?, pending_at = ? \
             WHERE id = ? AND status = 'revoked' AND pending IS NULL",
        )
        .bind(i64::from(pid))
        .bind(now)
        .bind(id)
        .execute(&self.0.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn remove(&self, id: &str) -> Result<(), StoreError> {
        remove_in(&mut *self.0.pool.acquire().await?, id).await
    }

    /// Any row, pending or not.
    pub async fn get(&self, id: &str) -> Result<Option<KeyRow>, StoreError> {
        let row =
            sqlx::query(&format!("SELECT {ROW} FROM keys WHERE id = ?")).bind(id).fetch_optional(&self.0.pool).await?;
        row.as_ref().map(decode).transpose()
    }

    /// Settled rows whose id equals or starts with `name`, or whose title equals it exactly.
    pub async fn find_by_name(&self, name: &str) -> Result<Vec<KeyRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ROW} FROM keys WHERE pending IS NULL AND \
             (id = ?1 OR (length(?1) >= 6 AND substr(id, 1, length(?1)) = ?1) OR title = ?1) ORDER BY created_at"
        ))
        .bind(name)
        .fetch_all(&self.0.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    pub async fn active_secret_for(
        &self,
        provider: &str,
        account: &str,
        owner: &str,
    ) -> Result<Option<KeyRow>, StoreError> {
        let row = sqlx::query(&format!(
            "SELECT {ROW} FROM keys WHERE kind = 'secret' AND status = 'active' AND provider = ? AND account = ? AND owner = ?"
        ))
        .bind(provider)
        .bind(account)
        .bind(owner)
        .fetch_optional(&self.0.pool)
        .await?;
        row.as_ref().map(decode).transpose()
    }

    pub async fn update_text(&self, id: &str, title: &str, notes: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE keys SET title = ?, notes = ? WHERE id = ? AND pending IS NULL")
            .bind(title)
            .bind(notes)
            .bind(id)
            .execute(&self.0.pool)
            .await?;
        Ok(())
    }

    pub async fn set_probe(&self, id: &str, url: Option<&str>, header: Option<&str>) -> Result<(), StoreError> {
        sqlx::query("UPDATE keys SET probe_url = ?, probe_header = ? WHERE id = ?")
            .bind(url)
            .bind(header)
            .bind(id)
            .execute(&self.0.pool)
            .await?;
        Ok(())
    }

    /// Active secret keys of one provider account, whoever owns them (the one-active policy for keys
    /// Keyden creates remotely).
    pub async fn active_secrets_in(&self, provider: &str, account: &str) -> Result<Vec<KeyRow>, StoreError> {
        let rows = sqlx::query(&format!(
            "SELECT {ROW} FROM keys WHERE kind = 'secret' AND status = 'active' AND pending IS NULL \
             AND provider = ? AND account = ? AND coalesce(remote_state, 'present') = 'present' ORDER BY created_at"
        ))
        .bind(provider)
        .bind(account)
        .fetch_all(&self.0.pool)
        .await?;
        rows.iter().map(decode).collect()
    }

    /// Revokes an active key; `false` when it was not active (revoke is final and happens once).
    pub async fn revoke(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE keys SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active' AND pending IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&self.0.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    pub async fn pending(&self) -> Result<Vec<KeyRow>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {ROW} FROM keys WHERE pending IS NOT NULL")).fetch_all(&self.0.pool).await?;
        rows.iter().map(decode).collect()
    }

    /// Settled keys whose account is `account` (a client id, for the Inspector's audience lookup).
    pub async fn by_account(&self, account: &str) -> Result<Vec<KeyRow>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {ROW} FROM keys WHERE account = ? AND pending IS NULL ORDER BY created_at"))
                .bind(account)
                .fetch_all(&self.0.pool)
                .await?;
        rows.iter().map(decode).collect()
    }

    /// Settled rows whose secret Keyden holds (mirrored keys have no fingerprint).
    pub async fn fingerprinted(&self) -> Result<Vec<KeyRow>, StoreError> {
        let rows =
            sqlx::query(&format!("SELECT {ROW} FROM keys WHERE pending IS NULL AND has_secret AND fingerprint <> ''"))
                .fetch_all(&self.0.pool)
                .await?;
        rows.iter().map(decode).collect()
    }

    pub async fn by_fingerprint(&self, fingerprint: &str) -> Result<Vec<KeyRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {ROW} FROM keys WHERE fingerprint = ? AND pending IS NULL"))
            .bind(fingerprint)
            .fetch_all(&self.0.pool)
            .await?;
        rows.iter().map(decode).collect()
    }

    /// Search, filter and sort, all in SQL (see [`push_filters`]); at most `q.limit` rows, without the
    /// total (which costs a window count over every match): e.g. the CLI's `keys list`.
    pub async fn list(&self, q: &KeyQuery, now: i64) -> Result<Vec<KeyRecord>, StoreError> {
        Ok(self.select(q, now, false).await?.0)
    }

    /// [`list`](Self::list), and how many keys match in all: one pass (a window count), and only the
    /// page's rows are decoded.
    pub async fn page(&self, q: &KeyQuery, now: i64) -> Result<(Vec<KeyRecord>, u32), StoreError> {
        self.select(q, now, true).await
    }

    async fn select(&self, q: &KeyQuery, now: i64, count: bool) -> Result<(Vec<KeyRecord>, u32), StoreError> {
        let dir = if q.desc { "DESC" } else { "ASC" };
        let order = match q.sort {
            SortField::Title => format!("title COLLATE NOCASE {dir}, created_at {dir}"),
            SortField::Created => format!("created_at {dir}, title COLLATE NOCASE {dir}"),
            // Keys without a date sort last in either direction: they are the least interesting.
            SortField::Expires => {
                format!("expires_at IS NULL, expires_at {dir}, title COLLATE NOCASE")
            }
            SortField::Verified => {
                format!("last_verified_at IS NULL, last_verified_at {dir}, title COLLATE NOCASE")
            }
        };
        // First the matching rowids in order, numbered (`n`) and counted before the limit; then one JSON
        // array of the page's rows (see `ROW`, `RECORD`), each with its number, sorted here: SQLite does
        // not promise an aggregate's order, and the numbers make it not matter.
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(format!(
            "SELECT '[' || group_concat(json_array(p.n, {RECORD}), ',') || ']', max(p.matched) FROM \
             (SELECT rowid AS r, {matched} AS matched, row_number() OVER (ORDER BY {order}, id) AS n \
             FROM keys",
            matched = if count { "count(*) OVER ()" } else { "NULL" }
        ));
        push_filters(&mut sql, q, now);
        // Only a limit needs the numbered rows in order here. Without the window count (a list with no
        // total), `ORDER BY n` had SQLite sort every match twice more: EXPLAIN QUERY PLAN shows three temp
        // B-trees with it, one without.
        if let Some(limit) = q.limit {
            sql.push(" ORDER BY n LIMIT ").push_bind(i64::from(limit));
        }
        sql.push(") p JOIN keys ON keys.rowid = p.r");
        let row = sql.build().fetch_one(&self.0.pool).await?;
        let keys = match col::<Option<&str>>(&row, 0)? {
            Some(json) => decode_numbered(json)?,
            None => Vec::new(),
        };
        let matched = col::<Option<i64>>(&row, 1)?.unwrap_or(0);
        Ok((keys, u32::try_from(matched).unwrap_or(u32::MAX)))
    }

    /// Filter-menu values and the total, in one pass over the (provider, environment) index.
    pub async fn facets(&self) -> Result<Facets, StoreError> {
        let groups: Vec<(String, String, i64)> = sqlx::query_as(
            "SELECT provider, environment, count(*) FROM keys WHERE pending IS NULL GROUP BY provider, environment",
        )
        .fetch_all(&self.0.pool)
        .await?;
        Ok(facets_from(&groups))
    }

    /// Settled rows by rowid, in the order given; a row settled no more (deleted since) is left out.
    pub(super) async fn by_rowids(&self, rowids: &[i64]) -> Result<Vec<KeyRecord>, StoreError> {
        if rowids.is_empty() {
            return Ok(Vec::new());
        }
        // The rowids as one JSON array, numbered by `json_each`'s key: no bound-variable limit. In a
        // subquery, so that `json_each`'s own `id` column does not meet the keys' `id`.
        let list = serde_json::to_string(rowids).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let json: Option<String> = sqlx::query_scalar(&format!(
            "SELECT '[' || group_concat(json_array(j.n, {RECORD}), ',') || ']' FROM \
             (SELECT key AS n, value AS r FROM json_each(?)) j JOIN keys ON keys.rowid = j.r WHERE pending IS NULL"
        ))
        .bind(list)
        .fetch_one(&self.0.pool)
        .await?;
        json.map_or(Ok(Vec::new()), |json| decode_numbered(&json))
    }
}

/// The filter menus from `(provider, environment, count)` groups in SQLite's `GROUP BY` order.
pub(super) fn facets_from(groups: &[(String, String, i64)]) -> Facets {
    let mut providers: Vec<String> = groups.iter().map(|g| g.0.clone()).collect();
    let mut environments: Vec<String> = groups.iter().map(|g| g.1.clone()).filter(|e| !e.is_empty()).collect();
    for list in [&mut providers, &mut environments] {
        list.sort_by_key(|s| s.to_lowercase());
        list.dedup();
    }
    let total: i64 = groups.iter().map(|g| g.2).sum();
    Facets { providers, environments, total: u32::try_from(total).unwrap_or(u32::MAX) }
}

/// The WHERE clause of a key query: settled rows, search, filters. The search text is bound as a
/// parameter and matched with `instr`, so quotes, `%`, `_` and the like are plain characters, never syntax.
/// From three characters on, the trigram index (`keys_search`, migration 0009) first narrows the rows
/// to those holding the text somewhere; `instr` then applies the exact rule to those few.
fn push_filters(sql: &mut QueryBuilder<Sqlite>, q: &KeyQuery, now: i64) {
    sql.push(" WHERE pending IS NULL");
    if let Some(search) = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        let needle = search.to_lowercase();
        if needle.chars().count() >= 3 {
            // One FTS5 phrase: inside double quotes every character is literal but `"`, written twice.
            let phrase = format!("\"{}\"", needle.replace('"', "\"\""));
            sql.push(" AND rowid IN (SELECT rowid FROM keys_search WHERE keys_search MATCH ").push_bind(phrase);
            sql.push(")");
        }
        sql.push(" AND (instr(lower(title), ").push_bind(needle.clone());
        sql.push(") > 0 OR instr(lower(provider), ").push_bind(needle.clone());
        sql.push(") > 0 OR instr(lower(id), ").push_bind(needle.clone());
        sql.push(") = 1 OR instr(lower(redacted), ").push_bind(needle);
        sql.push(") = 1)");
    }
    if let Some(status) = q.status {
        sql.push(" AND status = ").push_bind(status.as_str());
    }
    if let Some(provider) = q.provider.as_deref().filter(|s| !s.is_empty()) {
        sql.push(" AND provider = ").push_bind(provider.to_string());
    }
    if let Some(env) = q.environment.as_deref().filter(|s| !s.is_empty()) {
        sql.push(" AND environment = ").push_bind(env.to_string());
    }
    if let Some(days) = q.expiring_within_days {
        sql.push(" AND status = 'active' AND expires_at IS NOT NULL AND expires_at <= ")
            .push_bind(now + i64::from(days) * 86_400);
    }
}
