//! The mirror sync indexes the keys it inserts for the search in one statement after them (migration
//! 0010): what it inserts, renames and marks gone is found exactly as a key added by hand would be, the
//! index passes SQLite's own check, and a sync that fails half way leaves neither rows nor index entries.

use keyden_core::protocol::{KeyKind, KeyQuery};
use keyden_core::store::{Database, KeyRows, Mirror, MirrorKey};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::cell::Cell;
use std::path::Path;

fn remote(n: usize, title: impl Fn(usize) -> String) -> Vec<MirrorKey> {
    (0..n)
        .map(|i| MirrorKey {
            remote_id: format!("apk_{i:04}"),
            title: title(i),
            kind: KeyKind::Publishable,
            owner: format!("user_{i}"),
            redacted: format!("pk_{i:04}…"),
            created_at: 1_700_000_000 + i as i64,
            revoked_at: None,
        })
        .collect()
}

async fn apply(db: &Database, keys: &[MirrorKey]) -> Result<keyden_core::store::MirrorCounts, String> {
    let n = Cell::new(0u32);
    let new_id = || {
        n.set(n.get() + 1);
        format!("key_{:08x}{}", n.get(), keys.len())
    };
    Mirror(db).apply("medusa", "pager", "acc_1", keys, 1_800_000_000, new_id).await.map_err(|e| format!("{e:?}"))
}

async fn found(db: &Database, text: &str) -> Vec<String> {
    let q = KeyQuery { search: Some(text.into()), limit: Some(10_000), ..Default::default() };
    let (keys, matched) = KeyRows(db).page(&q, 1).await.unwrap();
    assert_eq!(keys.len() as u32, matched);
    let mut titles: Vec<String> = keys.into_iter().map(|k| k.title).collect();
    titles.sort();
    titles
}

/// SQLite's own check of the index against its table, and the deferral table empty.
async fn check(path: &Path) {
    let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(path)).await.unwrap();
    sqlx::query("INSERT INTO keys_search (keys_search, rank) VALUES ('integrity-check', 1)")
        .execute(&pool)
        .await
        .expect("the index agrees with the keys table");
    let deferred: i64 = sqlx::query_scalar("SELECT count(*) FROM keys_search_deferred").fetch_one(&pool).await.unwrap();
    assert_eq!(deferred, 0, "the deferral never outlives its transaction");
    pool.close().await;
}

#[tokio::test]
async fn synced_keys_are_indexed_renamed_and_kept_like_any_other() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyden.sqlite3");
    let db = Database::open(&path).await.unwrap();
    let first = remote(300, |i| format!("Storefront key {i}"));
    assert_eq!(apply(&db, &first).await.unwrap().added, 300);
    check(&path).await;
    let mut want: Vec<String> =
        (0..300).map(|i| format!("Storefront key {i}")).filter(|t| t.contains("key 12")).collect();
    want.sort();
    assert_eq!(found(&db, "key 12").await, want, "every inserted key is in the index");
    assert_eq!(found(&db, "pk_0042").await, ["Storefront key 42"], "the redacted prefix too");

    // The second sync renames one key, adds one, and the other 299 stay as they were.
    let mut second = remote(301, |i| format!("Storefront key {i}"));
    second[7].title = "Checkout webhook".into();
    let counts = apply(&db, &second).await.unwrap();
    assert_eq!((counts.added, counts.updated, counts.unchanged), (1, 1, 299));
    assert_eq!(found(&db, "checkout").await, ["Checkout webhook"]);
    assert!(found(&db, "storefront key 7").await.iter().all(|t| t != "Storefront key 7"), "the old title is gone");
    assert_eq!(found(&db, "key 300").await, ["Storefront key 300"]);
    check(&path).await;

    // A key another writer adds afterwards is indexed by the trigger, as before the sync.
    let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&path)).await.unwrap();
    sqlx::query(
        "INSERT INTO keys (id, title, provider, kind, redacted, fingerprint, status, created_at) \
         VALUES ('key_hand', 'Hand-made storefront token', 'generic', 'token', 'tok_…01', '', 'active', 1)",
    )
    .execute(&pool)
    .await
    .unwrap();
    pool.close().await;
    assert_eq!(found(&db, "hand-made").await, ["Hand-made storefront token"]);
    assert_eq!(found(&db, "storefront").await.len(), 301);
    check(&path).await;
}

#[tokio::test]
async fn a_sync_that_fails_while_inserting_leaves_no_row_and_no_index_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyden.sqlite3");
    let db = Database::open(&path).await.unwrap();
    apply(&db, &remote(10, |i| format!("Storefront key {i}"))).await.unwrap();
    // An id given twice breaks the primary key: the sync fails on its 21st insert.
    let bad = remote(40, |i| format!("Second wave {i}"));
    let n = Cell::new(0u32);
    let new_id = || {
        n.set(n.get() + 1);
        format!("key_wave_{}", n.get().min(20))
    };
    let failed = Mirror(&db).apply("medusa", "pager", "acc_1", &bad, 1_800_000_000, new_id).await;
    assert!(format!("{failed:?}").contains("UNIQUE"), "{failed:?}");
    assert!(found(&db, "second wave").await.is_empty(), "nothing of the failed sync is kept or indexed");
    assert_eq!(found(&db, "storefront").await.len(), 10);
    check(&path).await;
    // The next writer indexes row by row again.
    assert_eq!(apply(&db, &remote(12, |i| format!("Storefront key {i}"))).await.unwrap().added, 2);
    assert_eq!(found(&db, "storefront").await.len(), 12);
    check(&path).await;
}
