//! Upgrading a database the previous release left behind: migration 0007 rebuilds `accounts` (to drop
//! the provider CHECK and add the failure kind) and must keep every row.

use keyden_core::protocol::{ProviderKind, SyncFailure};
use keyden_core::store::{AccountRows, Database};
use sqlx::migrate::Migrator;
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::path::Path;

#[tokio::test]
async fn the_accounts_rebuild_keeps_every_account_and_marks_old_failures() {
    let dir = tempfile::tempdir().unwrap();
    let db_path = dir.path().join("keyden.sqlite3");
    // The schema as the release before 0007 left it.
    let old = tempfile::tempdir().unwrap();
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../migrations");
    for entry in std::fs::read_dir(&all).unwrap().flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.as_str() < "0007" {
            std::fs::copy(entry.path(), old.path().join(&name)).unwrap();
        }
    }
    let options = SqliteConnectOptions::new().filename(&db_path).create_if_missing(true);
    let pool = SqlitePool::connect_with(options).await.unwrap();
    Migrator::new(old.path()).await.unwrap().run(&pool).await.unwrap();
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
