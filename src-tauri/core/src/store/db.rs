//! Opening the database: WAL (so the app and the CLI can share it), a busy timeout instead of instant
//! "database is locked", and the embedded migrations.

use super::StoreError;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Database {
    pub(crate) pool: SqlitePool,
    path: std::path::PathBuf,
}

impl Database {
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        // sqlx takes no migration lock on SQLite: two first starts at once (the app and a CLI call, or
        // two CLI calls) would both try to create the tables. A lock file serialises them.
        let lock = lock_file(&path.with_extension("migrate.lock"))?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        sqlx::migrate!("../../migrations").run(&pool).await?;
        drop(lock);
        Ok(Database { pool, path: path.to_path_buf() })
    }

    /// This install's id (see migrations/0004_install.sql).
    pub async fn install_id(&self) -> Result<String, StoreError> {
        Ok(sqlx::query_scalar("SELECT id FROM install LIMIT 1").fetch_one(&self.pool).await?)
    }

    /// An exclusive lock on a file beside the database, held while the guard lives: serialises
    /// one-time work between processes sharing this data directory.
    pub fn lock_beside(&self, name: &str) -> Result<std::fs::File, StoreError> {
        lock_file(&self.path.with_extension(name))
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Opens (creating) `path` and takes an exclusive lock on it, released when the file is dropped.
fn lock_file(path: &Path) -> Result<std::fs::File, StoreError> {
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| StoreError::Open { path: path.display().to_string(), source: sqlx::Error::Io(e) })
}
