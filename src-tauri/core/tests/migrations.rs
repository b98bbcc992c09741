//! Upgrading a database the previous release left behind: migration 0007 rebuilds `accounts` (to drop
//! the provider CHECK and add the failure kind) and must keep every row; 0009 indexes the keys that
//! are already there for the search.

use keyden_core::protocol::KeyQuery;
use keyden_core::protocol::{ProviderKind, SyncFailure};
use keyden_core::store::{AccountRows, Database, KeyRows};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::path::Path;

/// A database with the schema a release before migration `before` left (and the pool, to fill it).
async fn schema_before(before: &str, db_path: &Path) -> SqlitePool {
    let old = tempfile::tempdir().unwrap();
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    for entry in std::fs::read_dir(&all).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.as_str() < before {
            std::fs::copy(entry.path(), old.path().join(&name)).unwrap();
        }
    }
    let options = SqliteConnectOptions::new().filename(db_path).create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    Migrator::new(old.path()).await.unwrap().run(&pool).await.unwrap();
    pool
}

#[tokio::test]
async fn the_accounts_rebuild_keeps_every_account_and_marks_old_failures() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("keyden.sqlite3");
    let pool = schema_before("0007", &db_path).await;
    for (id, name, provider, auth, error) in [
        ("acc_1", "shop", "medusa", "emailpass", Some("Medusa 'shop': cannot connect (Connection refused)")),
        ("acc_2", "mini", "shop-minis", "api-key", None),
    ] {
        sqlx::query(
            "INSERT INTO accounts (id, name, provider, base_url, auth, login, actor, created_at, last_sync_error) \
             VALUES (?, ?, ?, 'http://127.0.0.1:9', ?, 'admin@example.com', 'user_1', 1, ?)",
        )
        .bind(id)
        .bind(name)
        .bind(provider)
        .bind(auth)
        .bind(error)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let db = Database::open(&db_path).await.unwrap();
    let rows = AccountRows(&db).list().await.unwrap();
    let shop = rows.iter().find(|r| r.account.name == "shop").expect("kept");
    let mini = rows.iter().find(|r| r.account.name == "mini").expect("kept");
    assert_eq!(rows.len(), 2);
    assert_eq!((shop.account.provider, mini.account.provider), (ProviderKind::Medusa, ProviderKind::ShopMinis));
    assert_eq!(shop.actor, "user_1");
    assert!(shop.account.last_sync_error.as_deref().unwrap().contains("cannot connect"));
    // The kind of a failure recorded before kinds existed is not guessed from its words.
    assert_eq!(shop.account.last_sync_failure, Some(SyncFailure::Other));
    assert_eq!(mini.account.last_sync_failure, None);
}

#[tokio::test]
async fn keys_stored_before_the_search_index_are_found_through_it() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("keyden.sqlite3");
    let pool = schema_before("0009", &db_path).await;
    for (id, title) in [("key_a1", "Stripe production"), ("key_b2", "GitHub deploy token")] {
        sqlx::query(
            "INSERT INTO keys (id, title, provider, kind, redacted, fingerprint, status, created_at) \
             VALUES (?, ?, 'generic', 'token', 'tok_…00', '', 'active', 1)",
        )
        .bind(id)
        .bind(title)
        .execute(&pool)
        .await
        .unwrap();
    }
    pool.close().await;

    let db = Database::open(&db_path).await.unwrap();
    let q = KeyQuery { search: Some("production".into()), ..Default::default() };
    let (found, matched) = KeyRows(&db).page(&q, 1).await.unwrap();
    assert_eq!((found.len(), matched), (1, 1));
    assert_eq!(found[0].title, "Stripe production");
    let pool = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&db_path)).await.unwrap();
    let indexed: i64 = sqlx::query_scalar("SELECT count(*) FROM keys_search WHERE keys_search MATCH '\"deploy\"'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(indexed, 1, "the rows already there were indexed, not only new ones");
}

/// The migrations embedded by `build.rs` are what sqlx reads from the directory: every file, the same
/// versions, descriptions, SQL checksums and transaction mode. A database migrated by an earlier
/// release (built with sqlx's `migrate!`) then counts as up to date, and a new file cannot be missed.
#[tokio::test]
async fn the_embedded_migrations_are_the_directory_as_sqlx_reads_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    let from_disk = Migrator::new(dir.as_path()).await.unwrap();
    let embedded = keyden_core::store::migrator();
    let summary = |m: &Migrator| {
        m.iter()
            .map(|x| (x.version, x.description.to_string(), x.checksum.to_vec(), x.no_tx, x.migration_type))
            .collect::<Vec<_>>()
    };
    assert!(from_disk.iter().count() >= 10, "the directory was read");
    assert_eq!(summary(&embedded), summary(&from_disk));

    // And a database that sqlx's directory migrator set up is accepted as it is.
    let db = tempfile::tempdir().unwrap();
    let db_path = db.path().join("keyden.sqlite3");
    let options = SqliteConnectOptions::new().filename(&db_path).create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    from_disk.run(&pool).await.unwrap();
    pool.close().await;
    Database::open(&db_path).await.expect("the embedded migrator agrees with what is recorded");
}
