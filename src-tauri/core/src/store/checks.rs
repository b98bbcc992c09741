//! Health-check history: every time a provider was asked whether it still accepts a key.

use super::col;
use super::{Database, StoreError};
use keyden_protocol::{CheckOutcome, HealthCheck};

pub struct CheckRows<'a>(pub &'a Database);

impl CheckRows<'_> {
    /// Records a check and mirrors its outcome onto the key row (so the list shows it without a join);
    /// an accepted check is also the key's "last verified" time.
    pub async fn record(&self, c: &HealthCheck) -> Result<(), StoreError> {
        let mut tx = self.0.pool.begin().await?;
        sqlx::query(
            "INSERT INTO key_checks (key_id, at, outcome, http_status, latency_ms, message) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .bind(&c.key_id)
        .bind(c.at)
        .bind(c.outcome.as_str())
        .bind(c.http_status.map(i64::from))
        .bind(i64::from(c.latency_ms))
        .bind(&c.message)
        .execute(&mut *tx)
        .await?;
        sqlx::query(
            "UPDATE keys SET last_checked_at = ?1, last_check = ?2, \
             last_verified_at = CASE WHEN ?2 = 'accepted' THEN ?1 ELSE last_verified_at END WHERE id = ?3",
        )
        .bind(c.at)
        .bind(c.outcome.as_str())
        .bind(&c.key_id)
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Newest first.
    pub async fn list(&self, key_id: &str, limit: u32) -> Result<Vec<HealthCheck>, StoreError> {
        let rows = sqlx::query(
            "SELECT key_id, at, outcome, http_status, latency_ms, message FROM key_checks \
             WHERE key_id = ? ORDER BY at DESC, id DESC LIMIT ?",
        )
        .bind(key_id)
        .bind(i64::from(limit))
        .fetch_all(&self.0.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let outcome: String = col(r, "outcome")?;
                Ok(HealthCheck {
                    key_id: col(r, "key_id")?,
                    at: col(r, "at")?,
                    outcome: CheckOutcome::parse(&outcome)
                        .ok_or_else(|| StoreError::Corrupt(format!("check outcome {outcome:?}")))?,
                    http_status: col::<Option<i64>>(r, "http_status")?.and_then(|s| u16::try_from(s).ok()),
                    latency_ms: u32::try_from(col::<i64>(r, "latency_ms")?).unwrap_or(u32::MAX),
                    message: col(r, "message")?,
                })
            })
            .collect()
    }

    pub async fn forget(&self, key_id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM key_checks WHERE key_id = ?").bind(key_id).execute(&self.0.pool).await?;
        Ok(())
    }
}
