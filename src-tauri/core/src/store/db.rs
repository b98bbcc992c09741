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
        let lock_path = path.with_extension("migrate.lock");
        let lock = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)
            .and_then(|f| f.lock().map(|()| f))
            .map_err(|e| StoreError::Open { path: lock_path.display().to_string(), source: sqlx::Error::Io(e) })?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        sqlx::migrate!("../../migrations").run(&pool).await?;
        drop(lock);
        Ok(Database { pool })
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}
