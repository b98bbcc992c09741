//! What the inspector keeps: fetched JWKS documents (public keys, with their fetch time, for offline
//! verification) and the inspection history the user asked to keep (header and claims, never a
//! signature — the caller strips it before it gets here).

use super::{Database, StoreError};
use keyden_protocol::{HistoryEntry, Verdict};

pub struct JwksCache<'a>(pub &'a Database);

impl JwksCache<'_> {
    /// The cached body for `url` and when it was fetched.
    pub async fn get(&self, url: &str) -> Result<Option<(String, i64)>, StoreError> {
        Ok(sqlx::query_as("SELECT body, fetched_at FROM jwks_cache WHERE url = ?")
            .bind(url)
            .fetch_optional(&self.0.pool)
            .await?)
    }

    pub async fn put(&self, url: &str, body: &str, fetched_at: i64) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO jwks_cache (url, body, fetched_at) VALUES (?, ?, ?) \
             ON CONFLICT(url) DO UPDATE SET body = excluded.body, fetched_at = excluded.fetched_at",
        )
        .bind(url)
        .bind(body)
        .bind(fetched_at)
        .execute(&self.0.pool)
        .await?;
        Ok(())
    }
}

pub struct HistoryRows<'a>(pub &'a Database);

impl HistoryRows<'_> {
    pub async fn insert(
        &self,
        saved_at: i64,
        unsigned: &str,
        verdict: Verdict,
        summary: &str,
    ) -> Result<HistoryEntry, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO inspection_history (saved_at, unsigned, verdict, summary) VALUES (?, ?, ?, ?) RETURNING id",
        )
        .bind(saved_at)
        .bind(unsigned)
        .bind(verdict.as_str())
        .bind(summary)
        .fetch_one(&self.0.pool)
        .await?;
        Ok(HistoryEntry { id, saved_at, unsigned: unsigned.into(), verdict, summary: summary.into() })
    }

    /// Newest first.
    pub async fn list(&self, limit: u32) -> Result<Vec<HistoryEntry>, StoreError> {
        let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
            "SELECT id, saved_at, unsigned, verdict, summary FROM inspection_history \
             ORDER BY saved_at DESC, id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.0.pool)
        .await?;
        rows.into_iter()
            .map(|(id, saved_at, unsigned, verdict, summary)| {
                let verdict = serde_json::from_value(serde_json::Value::String(verdict.clone()))
                    .map_err(|_| StoreError::Corrupt(format!("unknown verdict {verdict:?}")))?;
                Ok(HistoryEntry { id, saved_at, unsigned, verdict, summary })
            })
            .collect()
    }

    pub async fn clear(&self) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM inspection_history").execute(&self.0.pool).await?;
        Ok(())
    }
}
