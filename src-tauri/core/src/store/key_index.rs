//! The search the app asks for as the user types, served from memory: every settled key's searched,
//! filtered and sorted columns, loaded in one query and kept until SQLite says the file changed.
//!
//! SQL answers the same query ([`KeyRows::page`] and [`KeyRows::facets`]) by the same rules, and a
//! test holds the two to the same answers. The index is worth it only to a process that searches
//! again and again (the app); a one-shot CLI call builds nothing and asks SQL.
//!
//! Kept in step by `PRAGMA data_version` on a connection of its own that never writes: SQLite changes
//! that number whenever any other connection changes the file — the pool's own, or another process's
//! (the CLI, a sync in the other skin). The number is read *before* the rows are, so a write that
//! lands in between makes the next search load again, never keep a stale list.
//!
//! Loading 10,000 keys takes ~15 ms here, five times SQL's answer to one search (bench `list_search`).
//! So a search that finds the index missing or stale is not made to wait for it: it gets `None` (the
//! caller asks SQL) while a task loads it, and the searches after it are served from memory.

use super::{Database, KeyRows, StoreError};
use keyden_protocol::{Facets, KeyQuery, KeyRecord, KeyStatus, SortField};
use sqlx::{Connection, SqliteConnection};
use std::cmp::Ordering;
use std::sync::Arc;
use tokio::sync::Mutex;
use tokio::task::JoinHandle;

/// One settled key as the search sees it. Text is folded as SQLite's `lower()` and `NOCASE` fold it:
/// ASCII only.
struct Entry {
    rowid: i64,
    id: String,
    /// `lower(title)`: searched, and the `NOCASE` sort key (SQLite compares ASCII-folded bytes).
    title: String,
    provider: String,
    provider_lower: String,
    environment: String,
    status: Option<KeyStatus>,
    redacted: String,
    created_at: i64,
    expires_at: Option<i64>,
    last_verified_at: Option<i64>,
}

struct Snapshot {
    version: i64,
    entries: Vec<Entry>,
    facets: Facets,
}

#[derive(Default)]
struct Held {
    snapshot: Option<Arc<Snapshot>>,
    /// The version a task is loading now, and that task.
    loading: Option<(i64, JoinHandle<()>)>,
    /// After [`KeyIndex::close`]: nothing is loaded again.
    closed: bool,
}

#[derive(Default)]
pub struct KeyIndex {
    watch: Mutex<Option<SqliteConnection>>,
    held: Arc<std::sync::Mutex<Held>>,
}

/// A page: its keys, how many keys match in all, the filter menus.
pub type Page = (Vec<KeyRecord>, u32, Facets);

impl KeyIndex {
    /// The page `q` asks for, as `KeyRows::page` and `KeyRows::facets` answer it, from memory but for
    /// the page's own rows; `None` while the index is missing or stale (and being loaded).
    pub async fn page(&self, db: &Database, q: &KeyQuery, now: i64) -> Result<Option<Page>, StoreError> {
        let Some(snapshot) = self.fresh(db).await? else { return Ok(None) };
        let needle = q.search.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_lowercase);
        let mut hits: Vec<&Entry> = snapshot.entries.iter().filter(|e| admits(e, q, needle.as_deref(), now)).collect();
        let matched = u32::try_from(hits.len()).unwrap_or(u32::MAX);
        let limit = q.limit.map_or(hits.len(), |l| (l as usize).min(hits.len()));
        let order = |a: &&Entry, b: &&Entry| compare(a, b, q.sort, q.desc);
        if limit < hits.len() {
            // Only the page needs its order: a partial sort, then the page sorted.
            hits.select_nth_unstable_by(limit, order);
            hits.truncate(limit);
        }
        hits.sort_unstable_by(order);
        let rowids: Vec<i64> = hits.iter().map(|e| e.rowid).collect();
        let keys = KeyRows(db).by_rowids(&rowids).await?;
        Ok(Some((keys, matched, snapshot.facets.clone())))
    }

    /// Closes the watching connection (before the pool, so SQLite's last close can fold the WAL) and
    /// ends a load in flight, which would otherwise put a snapshot back after this returns and keep a
    /// pool connection busy while the pool closes. A closed index answers `None` and loads nothing.
    pub async fn close(&self) {
        let task = {
            let mut held = self.lock();
            held.closed = true;
            held.snapshot = None;
            held.loading.take()
        };
        if let Some((_, task)) = task {
            task.abort();
            let _ = task.await;
        }
        if let Some(conn) = self.watch.lock().await.take() {
            let _ = conn.close().await;
        }
    }

    /// Whether the index holds nothing and loads nothing (as after [`close`](Self::close)).
    pub fn is_idle(&self) -> bool {
        let held = self.lock();
        held.snapshot.is_none() && held.loading.is_none()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Held> {
        self.held.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The snapshot if it is as new as the file; otherwise `None`, and a task loads it.
    async fn fresh(&self, db: &Database) -> Result<Option<Arc<Snapshot>>, StoreError> {
        if self.lock().closed {
            return Ok(None);
        }
        let version = {
            let mut watch = self.watch.lock().await;
            if watch.is_none() {
                *watch = Some(db.watcher().await?);
            }
            let conn = watch.as_mut().expect("opened above");
            sqlx::query_scalar::<_, i64>("PRAGMA data_version").fetch_one(conn).await?
        };
        let mut held = self.lock();
        if let Some(s) = held.snapshot.as_ref().filter(|s| s.version == version) {
            return Ok(Some(s.clone()));
        }
        if !held.closed && held.loading.as_ref().is_none_or(|(v, _)| *v != version) {
            let (db, shared) = (db.clone(), self.held.clone());
            let task = tokio::spawn(async move {
                let loaded = load(&db, version).await;
                let mut held = shared.lock().unwrap_or_else(|e| e.into_inner());
                if held.loading.as_ref().is_some_and(|(v, _)| *v == version) {
                    held.loading = None;
                }
                if held.closed {
                    return;
                }
                // Whichever load ends last is kept: its version says whether it may be served.
                match loaded {
                    Ok(snapshot) => held.snapshot = Some(Arc::new(snapshot)),
                    Err(e) => tracing::debug!("the search index did not load ({e}); SQL answers"),
                }
            });
            // A newer version's load replaces the older's handle; the older one still ends (and its
            // snapshot, too old to serve, is replaced by the newer one's).
            held.loading = Some((version, task));
        }
        Ok(None)
    }
}

/// Every settled row's searched columns, as one JSON value (see `keys::ROW` for why one).
async fn load(db: &Database, version: i64) -> Result<Snapshot, StoreError> {
    type Raw = (i64, String, String, String, String, String, String, i64, Option<i64>, Option<i64>);
    let json: Option<String> = sqlx::query_scalar(
        "SELECT '[' || group_concat(json_array(rowid, id, title, provider, environment, status, redacted, \
         created_at, expires_at, last_verified_at), ',') || ']' FROM keys WHERE pending IS NULL",
    )
    .fetch_one(&db.pool)
    .await?;
    let rows: Vec<Raw> = match json {
        Some(json) => serde_json::from_str(&json)
            .map_err(|e| StoreError::Corrupt(format!("a key row: {:?} error in the search index", e.classify())))?,
        None => Vec::new(),
    };
    let groups: Vec<(String, String, i64)> = {
        let mut pairs: Vec<(&str, &str)> = rows.iter().map(|r| (r.3.as_str(), r.4.as_str())).collect();
        pairs.sort_unstable();
        let mut groups: Vec<(String, String, i64)> = Vec::new();
        for (p, e) in pairs {
            match groups.last_mut() {
                Some(g) if g.0 == p && g.1 == e => g.2 += 1,
                _ => groups.push((p.to_string(), e.to_string(), 1)),
            }
        }
        groups
    };
    let entries = rows
        .into_iter()
        .map(|(rowid, id, title, provider, environment, status, redacted, created_at, expires_at, verified)| Entry {
            rowid,
            id,
            title: title.to_ascii_lowercase(),
            provider_lower: provider.to_ascii_lowercase(),
            provider,
            environment,
            status: KeyStatus::parse(&status),
            redacted,
            created_at,
            expires_at,
            last_verified_at: verified,
        })
        .collect();
    Ok(Snapshot { version, entries, facets: super::keys::facets_from(&groups) })
}

/// `push_filters`' WHERE clause, row by row.
fn admits(e: &Entry, q: &KeyQuery, needle: Option<&str>, now: i64) -> bool {
    if let Some(n) = needle {
        let found = e.title.contains(n)
            || e.provider_lower.contains(n)
            || starts_with_folded(&e.id, n)
            || starts_with_folded(&e.redacted, n);
        if !found {
            return false;
        }
    }
    if q.status.is_some_and(|s| e.status != Some(s)) {
        return false;
    }
    if q.provider.as_deref().is_some_and(|p| !p.is_empty() && e.provider != p) {
        return false;
    }
    if q.environment.as_deref().is_some_and(|v| !v.is_empty() && e.environment != v) {
        return false;
    }
    if let Some(days) = q.expiring_within_days {
        let by = now + i64::from(days) * 86_400;
        if e.status != Some(KeyStatus::Active) || e.expires_at.is_none_or(|at| at > by) {
            return false;
        }
    }
    true
}

/// `instr(lower(text), needle) = 1`.
fn starts_with_folded(text: &str, needle: &str) -> bool {
    text.len() >= needle.len() && text.as_bytes()[..needle.len()].to_ascii_lowercase() == needle.as_bytes()
}

/// `KeyRows::select`'s ORDER BY, then `id`.
fn compare(a: &Entry, b: &Entry, sort: SortField, desc: bool) -> Ordering {
    let dir = |o: Ordering| if desc { o.reverse() } else { o };
    let title = || a.title.cmp(&b.title);
    let dated = |x: Option<i64>, y: Option<i64>| match (x, y) {
        // Keys without a date sort last in either direction.
        (Some(x), Some(y)) => dir(x.cmp(&y)),
        (x, y) => x.is_none().cmp(&y.is_none()),
    };
    let first = match sort {
        SortField::Title => dir(title()).then_with(|| dir(a.created_at.cmp(&b.created_at))),
        SortField::Created => dir(a.created_at.cmp(&b.created_at)).then_with(|| dir(title())),
        SortField::Expires => dated(a.expires_at, b.expires_at).then_with(title),
        SortField::Verified => dated(a.last_verified_at, b.last_verified_at).then_with(title),
    };
    first.then_with(|| a.id.cmp(&b.id))
}
