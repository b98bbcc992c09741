//! The local audit log: every create, reveal, copy, inject, edit, revoke and delete. Never the value.

use super::col;
use super::{Database, StoreError};
use keyden_protocol::{AuditAction, AuditEntry};

pub struct AuditLog<'a>(pub &'a Database);

impl AuditLog<'_> {
    pub async fn record(
        &self,
        at: i64,
        key_id: &str,
        key_title: &str,
        action: AuditAction,
        origin: &str,
        detail: &str,
    ) -> Result<(), StoreError> {
        let mut conn = self.0.pool.acquire().await?;
        record_in(&mut conn, at, key_id, key_title, action, origin, detail).await
    }

    /// Newest first; `key_id` narrows to one key's trail.
    pub async fn list(&self, key_id: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, at, key_id, key_title, action, origin, detail FROM audit \
             WHERE (?1 IS NULL OR key_id = ?1) ORDER BY at DESC, id DESC LIMIT ?2",
        )
        .bind(key_id)
        .bind(i64::from(limit))
        .fetch_all(&self.0.pool)
        .await?;
        rows.into_iter()
            .map(|r| {
                let action: String = col(&r, "action")?;
                Ok(AuditEntry {
                    id: col(&r, "id")?,
                    at: col(&r, "at")?,
                    key_id: col(&r, "key_id")?,
                    key_title: col(&r, "key_title")?,
                    action: AuditAction::parse(&action)
                        .ok_or_else(|| StoreError::Corrupt(format!("unknown audit action {action:?}")))?,
                    origin: col(&r, "origin")?,
                    detail: col(&r, "detail")?,
                })
            })
            .collect()
    }
}

/// One audit line on `conn` (a transaction that writes other rows too).
pub(super) async fn record_in(
    conn: &mut sqlx::SqliteConnection,
    at: i64,
    key_id: &str,
    key_title: &str,
    action: AuditAction,
    origin: &str,
    detail: &str,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO audit (at, key_id, key_title, action, origin, detail) VALUES (?, ?, ?, ?, ?, ?)")
        .bind(at)
        .bind(key_id)
        .bind(key_title)
        .bind(action.as_str())
        .bind(origin)
        .bind(detail)
        .execute(conn)
        .await?;
    Ok(())
}
