//! The app's search is served from memory (`store::KeyIndex`); SQL serves every other list, the CLI,
//! and a search while the index loads. Both must give the same answer to every query: the same keys in
//! the same order, the same total and the same filter menus, with case folding, ties, undated keys,
//! keys in the middle of a write, and text SQL would read as syntax. And the memory must follow every
//! write, this process's or another's: never a stale answer, only none until it has loaded again.

use keyden_core::clock::FixedClock;
use keyden_core::protocol::{KeyList, KeyQuery, KeyStatus, SortField};
use keyden_core::secret::SecretValue;
use keyden_core::secret_store::MemoryStore;
use keyden_core::store::{KeyIndex, KeyRows};
use keyden_core::vault::{NewKeyMeta, Vault};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::sync::Arc;

const NOW: i64 = 1_800_000_000;

const TITLES: &[&str] = &[
    "Stripe live",
    "stripe live",
    "STRIPE prod",
    "Ärger key",
    "ärger key",
    "straße",
    "Prod key",
    "a%b_c",
    "quote\"d",
    "",
    "zeta",
    "Émile",
    "stripe prod (old)",
];
const PROVIDERS: &[&str] = &["stripe", "Stripe", "medusa", "generic", ""];
const ENVS: &[&str] = &["prod", "Prod", "staging", ""];
const REDACTED: &[&str] = &["sk_live_…", "PK_TEST_…", "tok_…", "ärg…"];

/// A small deterministic generator, so a failure names a case that can be run again.
struct Lcg(u64);

impl Lcg {
    fn pick(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

async fn insert_rows(pool: &SqlitePool, n: usize, seed: u64) {
    let mut r = Lcg(seed);
    for i in 0..n {
        // Few distinct dates, so that ties are common and the tie-breakers decide.
        let date = |r: &mut Lcg| (r.pick(3) > 0).then(|| NOW + (r.pick(5) as i64 - 1) * 86_400 * 10);
        let pending = ["", "", "", "", "create", "delete"][r.pick(6)];
        let id = format!("{}key_{:04x}{seed}", ["", "K"][r.pick(2)], i * 7919 % 65_536);
        sqlx::query(
            "INSERT INTO keys (id, title, provider, account, environment, owner, kind, redacted, fingerprint, \
             status, created_at, expires_at, last_verified_at, pending) \
             VALUES (?, ?, ?, ?, ?, 'owner', 'token', ?, 'fp', ?, ?, ?, ?, nullif(?, ''))",
        )
        .bind(&id)
        .bind(format!("{} {}", TITLES[r.pick(TITLES.len())], ["", "1", "A"][r.pick(3)]).trim().to_string())
        .bind(PROVIDERS[r.pick(PROVIDERS.len())])
        .bind(format!("account-{i}"))
        .bind(ENVS[r.pick(ENVS.len())])
        .bind(REDACTED[r.pick(REDACTED.len())])
        .bind(["active", "revoked"][r.pick(2)])
        .bind(NOW - r.pick(4) as i64 * 3_600)
        .bind(date(&mut r))
        .bind(date(&mut r))
        .bind(pending)
        .execute(pool)
        .await
        .unwrap();
    }
}

fn queries() -> Vec<KeyQuery> {
    let needles = [
        None,
        Some("s"),
        Some("ST"),
        Some("str"),
        Some("stripe"),
        Some("STRIPE"),
        Some("ripe p"),
        Some(" prod "),
        Some("ä"),
        Some("Ärger"),
        Some("straße"),
        Some("key_0"),
        Some("k"),
        Some("sk_li"),
        Some("pk_test"),
        Some("%"),
        Some("a%b"),
        Some("\""),
        Some("quote\"d"),
        Some("émile"),
        Some("zzz"),
        Some("   "),
    ];
    let filters = [
        KeyQuery::default(),
        KeyQuery { status: Some(KeyStatus::Active), ..Default::default() },
        KeyQuery { provider: Some("stripe".into()), environment: Some("prod".into()), ..Default::default() },
        KeyQuery { expiring_within_days: Some(15), ..Default::default() },
    ];
    let mut all = Vec::new();
    for needle in needles {
        for filter in &filters {
            for sort in [SortField::Title, SortField::Created, SortField::Expires, SortField::Verified] {
                for (desc, limit) in [(false, None), (true, None), (false, Some(7)), (true, Some(1))] {
                    let search = needle.map(str::to_string);
                    all.push(KeyQuery { search, sort, desc, limit, ..filter.clone() });
                }
            }
        }
    }
    all
}

async fn open(dir: &std::path::Path) -> (Vault, SqlitePool) {
    let clock = Arc::new(FixedClock::at(NOW));
    let (vault, _) = Vault::open(dir, Arc::new(MemoryStore::default()), clock, "test").await.unwrap();
    // Another connection, as another process would write.
    let other = SqliteConnectOptions::new()
        .filename(dir.join("keyden.sqlite3"))
        .busy_timeout(std::time::Duration::from_secs(10));
    (vault, SqlitePool::connect_with(other).await.unwrap())
}

/// The index's answer once it holds what the file holds now (a task loads it; until then it has none).
async fn from_memory(index: &KeyIndex, vault: &Vault, q: &KeyQuery) -> KeyList {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    loop {
        if let Some((keys, matched, facets)) = index.page(vault.database(), q, NOW).await.unwrap() {
            return KeyList { keys, matched, now: NOW, facets };
        }
        assert!(std::time::Instant::now() < deadline, "the index never loaded");
        tokio::time::sleep(std::time::Duration::from_millis(1)).await;
    }
}

/// What SQL answers, as the vault answered before the index.
async fn by_sql(vault: &Vault, q: &KeyQuery) -> KeyList {
    let rows = KeyRows(vault.database());
    let (keys, matched) = rows.page(q, NOW).await.unwrap();
    KeyList { keys, matched, now: NOW, facets: rows.facets().await.unwrap() }
}

#[tokio::test]
async fn the_search_from_memory_answers_every_query_as_sql_does() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, other) = open(dir.path()).await;
    insert_rows(&other, 400, 1).await;
    let index = KeyIndex::default();
    let mut searched = 0;
    for q in queries() {
        let memory = from_memory(&index, &vault, &q).await;
        let sql = by_sql(&vault, &q).await;
        assert_eq!(ids(&memory), ids(&sql), "{q:?}");
        assert_eq!((memory.matched, &memory.facets), (sql.matched, &sql.facets), "{q:?}");
        assert_eq!(memory, sql, "{q:?}");
        searched += usize::from(memory.matched > 0 && q.search.as_deref().is_some_and(|s| !s.trim().is_empty()));
    }
    // The cases are not vacuous: most searches find something.
    assert!(searched > 500, "only {searched} searches found keys");
    // The vault's own list, searching, gives the same answer whichever of the two served it.
    let q = KeyQuery { search: Some("stripe".into()), limit: Some(20), ..Default::default() };
    for _ in 0..3 {
        assert_eq!(vault.list(&q).await.unwrap(), by_sql(&vault, &q).await);
    }
    index.close().await;
    vault.close().await;
}

/// After a write: no answer from memory at first (what it holds is stale), then the new one.
async fn after_a_write(index: &KeyIndex, vault: &Vault, q: &KeyQuery) -> KeyList {
    assert!(index.page(vault.database(), q, NOW).await.unwrap().is_none(), "a stale answer for {q:?}");
    let fresh = from_memory(index, vault, q).await;
    assert_eq!(fresh, by_sql(vault, q).await, "{q:?}");
    fresh
}

fn ids(list: &KeyList) -> Vec<&str> {
    list.keys.iter().map(|k| k.id.as_str()).collect()
}

#[tokio::test]
async fn the_search_from_memory_follows_every_write_from_this_process_or_another() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, other) = open(dir.path()).await;
    let index = KeyIndex::default();
    let q = KeyQuery { search: Some("stripe".into()), ..Default::default() };
    assert_eq!(from_memory(&index, &vault, &q).await.matched, 0);
    insert_rows(&other, 50, 2).await;
    let inserted = after_a_write(&index, &vault, &q).await;
    assert!(inserted.matched > 0);
    // No write, no load: the same snapshot answers at once.
    assert!(index.page(vault.database(), &q, NOW).await.unwrap().is_some());

    // Another process renames a key and finishes the pending ones.
    let first = inserted.keys.iter().find(|k| k.status == KeyStatus::Active).expect("an active key").id.clone();
    sqlx::query("UPDATE keys SET title = 'renamed elsewhere' WHERE id = ?").bind(&first).execute(&other).await.unwrap();
    let renamed = KeyQuery { search: Some("renamed else".into()), ..Default::default() };
    assert_eq!(ids(&after_a_write(&index, &vault, &renamed).await), [first.as_str()]);
    sqlx::query("UPDATE keys SET pending = NULL").execute(&other).await.unwrap();
    assert!(after_a_write(&index, &vault, &q).await.matched > inserted.matched, "the pending keys are found now");

    // This process's own writes, on the vault's own connections: a new key, a revoke, a removal.
    let meta = NewKeyMeta { title: "Stripe added here".into(), provider: "stripe".into(), ..Default::default() };
    let added = vault.add(meta, SecretValue::from_input(b"sk_test_added_here_0001".to_vec()).unwrap()).await.unwrap();
    let here = KeyQuery { search: Some("added here".into()), ..Default::default() };
    assert_eq!(ids(&after_a_write(&index, &vault, &here).await), [added.id.as_str()]);
    let rows = KeyRows(vault.database());
    assert!(rows.revoke(&first, NOW).await.unwrap());
    let active = KeyQuery { search: Some("renamed".into()), status: Some(KeyStatus::Active), ..Default::default() };
    assert_eq!(after_a_write(&index, &vault, &active).await.matched, 0, "revoked here");
    rows.remove(&first).await.unwrap();
    let gone = after_a_write(&index, &vault, &KeyQuery { search: Some("renamed".into()), ..Default::default() }).await;
    assert_eq!((gone.matched, gone.keys.len()), (0, 0));
    index.close().await;
    vault.close().await;
}

#[tokio::test]
async fn a_closed_index_ends_its_load_and_loads_nothing_again() {
    let dir = tempfile::tempdir().unwrap();
    let (vault, other) = open(dir.path()).await;
    insert_rows(&other, 400, 3).await;
    let index = KeyIndex::default();
    let q = KeyQuery { search: Some("stripe".into()), ..Default::default() };
    // The first search starts a load; the index is closed while it may still be in flight.
    assert!(index.page(vault.database(), &q, NOW).await.unwrap().is_none());
    assert!(!index.is_idle(), "a load was started");
    index.close().await;
    assert!(index.is_idle(), "close ended the load and dropped what it held");
    // Searched again (the vault is still open), a closed index answers nothing and starts no load.
    assert!(index.page(vault.database(), &q, NOW).await.unwrap().is_none());
    assert!(index.is_idle(), "a closed index started a load");
    // And a full index, closed, holds nothing.
    let index = KeyIndex::default();
    from_memory(&index, &vault, &q).await;
    assert!(!index.is_idle());
    index.close().await;
    assert!(index.is_idle());
    vault.close().await;
}
