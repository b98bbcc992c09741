//! Opening the database: WAL (so the app and the CLI can share it), a busy timeout instead of instant
//! "database is locked", and the embedded migrations.

use super::StoreError;
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Debug)]
pub struct Database {
    pub(crate) pool: SqlitePool,
    path: std::path::PathBuf,
    options: SqliteConnectOptions,
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
        private_file(path)
            .map_err(|e| StoreError::Open { path: path.display().to_string(), source: sqlx::Error::Io(e) })?;
        let pool = SqlitePoolOptions::new()
            .max_connections(4)
            .connect_with(options.clone())
            .await
            .map_err(|source| StoreError::Open { path: path.display().to_string(), source })?;
        migrator().run(&pool).await?;
        drop(lock);
        Ok(Database { pool, path: path.to_path_buf(), options })
    }

    /// A connection outside the pool, opened as the pool's are: for watching `PRAGMA data_version`,
    /// which only moves for commits made on *other* connections.
    pub(crate) async fn watcher(&self) -> Result<sqlx::SqliteConnection, StoreError> {
        use sqlx::ConnectOptions;
        Ok(self.options.connect().await?)
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

    /// Closes every connection, first folding the WAL into the database file when it holds at least
    /// [`FOLD_FROM`] bytes. SQLite folds it on its own at the last connection's close, but only if that
    /// connection then holds the file alone, and the pool closes its connections concurrently (one
    /// returned while the pool closes is closed by its own task): each saw the other still open and
    /// neither folded it. Half of all `keyden keys add` runs left their WAL behind (440 KB for a new
    /// vault) for the next start to read back whole.
    pub async fn close(&self) {
        self.close_folding_from(FOLD_FROM).await;
    }

    /// [`close`](Self::close), folding any WAL: the app's exit, which is rare, and whose next start is
    /// the one a user waits for.
    pub async fn close_folding_all(&self) {
        self.close_folding_from(1).await;
    }

    async fn close_folding_from(&self, bytes: u64) {
        let mut wal = self.path.clone().into_os_string();
        wal.push("-wal");
        if std::fs::metadata(&wal).is_ok_and(|m| m.len() >= bytes) {
            // Best effort: a checkpoint that cannot finish (a reader elsewhere) leaves the WAL as it was.
            let _ = sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&self.pool).await;
        }
        self.pool.close().await;
    }
}

/// The WAL size from which a close folds it itself. A fold costs two fsyncs (~0.7 ms of a ~10 ms
/// `keyden get` here, measured); below this a WAL left behind costs the next start less than that to
/// read back, and SQLite's own fold at the last close still happens whenever no other connection is
/// closing at that moment.
pub const FOLD_FROM: u64 = 64 * 1024;

/// `migrations/*.sql` as (version, description, SQL), in order; listed by `build.rs`.
const MIGRATIONS: &[(i64, &str, &str)] = include!(concat!(env!("OUT_DIR"), "/migrations.rs"));

/// The embedded migrations, as sqlx's `migrate!` would make them: the same versions and checksums, so
/// a database either one migrated is up to date for the other.
pub fn migrator() -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|&(version, description, sql)| {
            // sqlx's own rule for a migration that must run outside a transaction.
            let no_tx = sql.starts_with("-- no-transaction");
            Migration::new(version, description.into(), MigrationType::Simple, sql.into(), no_tx)
        })
        .collect::<Vec<_>>();
    Migrator { migrations: migrations.into(), ..Migrator::DEFAULT }
}

/// The database file exists and is its owner's alone, whatever the umask, before SQLite opens it:
/// SQLite gives the -wal and -shm files the database's own mode.
fn private_file(path: &Path) -> std::io::Result<()> {
    #[cfg_attr(not(unix), allow(unused_variables))]
    let file = owner_only().open(path)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = file.metadata()?.permissions().mode();
        if mode & 0o077 != 0 {
            // A database an earlier version created under a lax umask: it is Keyden's own file.
            file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        }
        for suffix in ["-wal", "-shm"] {
            let mut side = path.as_os_str().to_owned();
            side.push(suffix);
            if let Ok(meta) = std::fs::symlink_metadata(&side) {
                if meta.is_file() && meta.permissions().mode() & 0o077 != 0 {
                    std::fs::set_permissions(&side, std::fs::Permissions::from_mode(0o600))?;
                }
            }
        }
    }
    Ok(())
}

/// Create-or-open for writing, 0600 when created (the umask can only take bits away).
fn owner_only() -> std::fs::OpenOptions {
    let mut options = std::fs::OpenOptions::new();
    options.create(true).truncate(false).write(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options
}

/// Opens (creating) `path` and takes an exclusive lock on it, released when the file is dropped.
fn lock_file(path: &Path) -> Result<std::fs::File, StoreError> {
    owner_only()
        .open(path)
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| StoreError::Open { path: path.display().to_string(), source: sqlx::Error::Io(e) })
}
