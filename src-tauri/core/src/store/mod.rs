//! SQLite metadata store: keys, the audit log, the keyring journal. Metadata only — never a secret
//! value; the vault hands this module redacted forms and fingerprints, nothing else.

mod accounts;
mod audit;
mod checks;
mod db;
mod inspections;
mod key_index;
mod keys;
mod mirror;
mod team;

pub use accounts::{AccountRow, AccountRows};
pub use audit::AuditLog;
pub use checks::CheckRows;
pub use db::{migrator, Database, FOLD_FROM};
pub use inspections::{HistoryRows, JwksCache};
pub use key_index::KeyIndex;
pub use keys::{Inserted, KeyRow, KeyRows, Pending};
pub use mirror::{Mirror, MirrorCounts, MirrorKey};
pub use team::{TeamRows, TeamUpdate};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot open the database {path}: {source}")]
    Open { path: String, source: sqlx::Error },
    #[error("cannot bring the database up to date: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    #[error("the database is busy (another Keyden process holds a write lock)")]
    Busy,
    #[error("database error: {0}")]
    Sql(sqlx::Error),
    #[error("the database holds a value Keyden does not understand: {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        if let sqlx::Error::Database(db) = &e {
            if db.message().contains("database is locked") || db.message().contains("busy") {
                return StoreError::Busy;
            }
            // Rows are read as JSON (see `keys::ROW`): bytes where text belongs (a damaged page, a hand
            // edit) stop SQLite's JSON functions with this.
            if db.message().contains("JSON cannot hold BLOB values") {
                return StoreError::Corrupt("a column holds bytes where text belongs".into());
            }
        }
        StoreError::Sql(e)
    }
}

impl crate::Coded for StoreError {
    fn code(&self) -> &'static str {
        match self {
            StoreError::Open { .. } => "database_unavailable",
            StoreError::Migrate(_) => "database_migration_failed",
            StoreError::Busy => "database_busy",
            StoreError::Sql(_) => "database_error",
            StoreError::Corrupt(_) => "database_corrupt",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                StoreError::Open { .. } => "check that the data directory is writable",
                StoreError::Migrate(_) => "the database may belong to a newer Keyden; upgrade Keyden",
                StoreError::Busy => "try again in a moment",
                StoreError::Sql(_) | StoreError::Corrupt(_) => "report this, with the audit log attached",
            }
            .to_string(),
        )
    }
}

/// One column of a row, typed: a value of the wrong type (a damaged or hand-edited database) is
/// `Corrupt`, never the panic `Row::get` raises.
pub(crate) fn col<'r, T>(
    r: &'r sqlx::sqlite::SqliteRow,
    name: impl sqlx::ColumnIndex<sqlx::sqlite::SqliteRow> + std::fmt::Display + Copy,
) -> Result<T, StoreError>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    sqlx::Row::try_get(r, name).map_err(|e| StoreError::Corrupt(format!("column {name}: {e}")))
}

/// Whether an error is SQLite refusing a row because of the one-active-secret-key index.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(db) if db.is_unique_violation())
}
