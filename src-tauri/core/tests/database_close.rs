//! Closing the vault's database folds its WAL into the database file — also when SQLite's own fold at
//! the last close cannot run because another connection to the file is still open, as happened when
//! the pool closed two of its connections at once.

use keyden_core::store::{Database, KeyRows};
use sqlx::sqlite::{SqliteConnectOptions, SqlitePool};
use std::path::Path;

fn len(path: &Path) -> u64 {
    std::fs::metadata(path).map(|m| m.len()).unwrap_or(0)
}

#[tokio::test]
async fn closing_folds_the_wal_even_while_another_connection_is_open() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyden.sqlite3");
    let wal = dir.path().join("keyden.sqlite3-wal");
    let db = Database::open(&path).await.unwrap();
    assert!(len(&wal) > 0, "the migrations are in the WAL, not yet in the database");

    let other = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&path)).await.unwrap();
    let _: i64 = sqlx::query_scalar("SELECT count(*) FROM keys").fetch_one(&other).await.unwrap();
    db.close().await;
    assert_eq!(len(&wal), 0, "the WAL was folded into the database as it closed");

    // Nothing was lost: the folded database has every table, read without the WAL.
    other.close().await;
    let reopened = Database::open(&path).await.unwrap();
    assert_eq!(KeyRows(&reopened).facets().await.unwrap().total, 0);
    reopened.close().await;
}

/// A small WAL is left to SQLite's own fold by the CLI's close (folding costs two fsyncs, more than
/// the next start pays to read a few pages back), and folded anyway by the app's, as it ends.
#[tokio::test]
async fn a_small_wal_is_folded_by_the_apps_close_only() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keyden.sqlite3");
    let wal = dir.path().join("keyden.sqlite3-wal");
    Database::open(&path).await.unwrap().close().await;
    let other = SqlitePool::connect_with(SqliteConnectOptions::new().filename(&path)).await.unwrap();
    let small_write = || async {
        sqlx::query("CREATE TABLE IF NOT EXISTS scratch (x); INSERT INTO scratch VALUES (1)").execute(&other).await
    };

    let db = Database::open(&path).await.unwrap();
    small_write().await.unwrap();
    assert!((1..keyden_core::store::FOLD_FROM).contains(&len(&wal)), "a small WAL: {}", len(&wal));
    db.close().await;
    assert!(len(&wal) > 0, "left for SQLite's own fold, which the open connection prevents");

    let db = Database::open(&path).await.unwrap();
    small_write().await.unwrap();
    db.close_folding_all().await;
    assert_eq!(len(&wal), 0, "the app's close folds it whatever its size");
    other.close().await;
}
