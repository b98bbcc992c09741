//! Rows of keys shared through a team account: the link (account, name, version synced, sharer) and
//! what a team sync changes in place. Metadata only, as everywhere in the store.

use super::keys::{decode, ROW};
use super::{Database, KeyRow, StoreError};
use keyden_protocol::TeamLink;

pub struct TeamRows<'a>(pub &'a Database);

/// What a sync learned of a shared key that this member already mirrors.
pub struct TeamUpdate<'a> {
    pub title: &'a str,
    pub environment: &'a str,
    pub owner: &'a str,
    pub expires_at: Option<i64>,
    pub version: u64,
    /// A new value's fingerprint and redacted form, when the version moved.
    pub value: Option<(&'a str, &'a str)>,
    pub revoked: bool,
    pub now: i64,
}

fn version(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl TeamRows<'_> {
    /// Every settled row linked to the team account `account`.
    pub async fn of_account(&self, account: &str) -> Result<Vec<KeyRow>, StoreError> {
        use futures_util::TryStreamExt;
        // Decoded as they stream in: a team of 10,000 keys held as raw rows too cost 50 MiB at the peak.
        let sql = format!("SELECT {ROW} FROM keys WHERE team_account = ? AND pending IS NULL");
        let mut rows = sqlx::query(&sql).bind(account).fetch(&self.0.pool);
        let mut out = Vec::new();
        while let Some(row) = rows.try_next().await? {
            out.push(decode(&row)?);
        }
        Ok(out)
    }

    /// Links a key to its shared copy (after a share, or a rotation that moved the version).
    pub async fn link(&self, id: &str, link: &TeamLink, now: i64) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE keys SET team_account = ?, team_key = ?, team_version = ?, shared_by = ?, \
             remote_state = 'present', synced_at = ? WHERE id = ?",
        )
        .bind(&link.account)
        .bind(&link.key)
        .bind(version(link.version))
        .bind(&link.shared_by)
        .bind(now)
        .bind(id)
        .execute(&self.0.pool)
        .await?;
        Ok(())
    }

    /// A new value written here (a rotation): its fingerprint, redacted form and version.
    pub async fn set_value(
        &self,
        id: &str,
        fingerprint: &str,
        redacted: &str,
        version_now: u64,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE keys SET fingerprint = ?, redacted = ?, team_version = ? WHERE id = ?")
            .bind(fingerprint)
            .bind(redacted)
            .bind(version(version_now))
            .bind(id)
            .execute(&self.0.pool)
            .await?;
        Ok(())
    }

    /// Applies what a sync read. Revoke is final: a row revoked here never becomes active again.
    pub async fn update(&self, id: &str, u: &TeamUpdate<'_>) -> Result<(), StoreError> {
        let mut tx = self.0.pool.begin().await?;
        sqlx::query(
            "UPDATE keys SET title = ?, environment = ?, owner = ?, expires_at = ?, team_version = ?, \
             remote_state = 'present', synced_at = ? WHERE id = ?",
        )
        .bind(u.title)
        .bind(u.environment)
        .bind(u.owner)
        .bind(u.expires_at)
        .bind(version(u.version))
        .bind(u.now)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if let Some((fingerprint, redacted)) = u.value {
            sqlx::query("UPDATE keys SET fingerprint = ?, redacted = ? WHERE id = ?")
                .bind(fingerprint)
                .bind(redacted)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        if u.revoked {
            sqlx::query("UPDATE keys SET status = 'revoked', revoked_at = ? WHERE id = ? AND status = 'active'")
                .bind(u.now)
                .bind(id)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Rows whose shared copy is no longer on the server: kept, marked gone.
    pub async fn mark_gone(&self, ids: &[String], now: i64) -> Result<u32, StoreError> {
        let mut tx = self.0.pool.begin().await?;
        let mut n = 0;
        for id in ids {
            let done = sqlx::query(
                "UPDATE keys SET remote_state = 'gone', synced_at = ? WHERE id = ? AND remote_state IS NOT 'gone'",
            )
            .bind(now)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            n += u32::try_from(done.rows_affected()).unwrap_or(0);
        }
        tx.commit().await?;
        Ok(n)
    }
}
