//! Provider account rows. Never a credential: those live in the keyring (see migrations/0006).

use super::col;
use super::{is_unique_violation, Database, StoreError};
use keyden_protocol::{Account, AccountAuth, ProviderKind, SyncFailure, TeamPlace};
use sqlx::sqlite::SqliteRow;

const COLUMNS: &str = "id, name, provider, base_url, auth, login, credential_key_id, actor, one_active_secret, \
     created_at, last_sync_at, last_sync_attempt_at, last_sync_error, last_sync_failure, remote_count, \
     team_mount, team_prefix, token_expires_at, token_ttl";

pub struct AccountRows<'a>(pub &'a Database);

/// An account row with the field the IPC type leaves out.
#[derive(Clone, Debug)]
pub struct AccountRow {
    pub account: Account,
    /// The remote user Keyden acts as (Medusa actor_id), once known.
    pub actor: String,
    /// An OpenBao session token's expiry and its TTL when issued (Unix seconds, seconds).
    pub token_expires: Option<(i64, i64)>,
}

fn decode(r: &SqliteRow) -> Result<AccountRow, StoreError> {
    let provider: String = col(r, "provider")?;
    let auth: String = col(r, "auth")?;
    Ok(AccountRow {
        account: Account {
            id: col(r, "id")?,
            name: col(r, "name")?,
            provider: ProviderKind::parse(&provider)
                .ok_or_else(|| StoreError::Corrupt(format!("provider {provider:?}")))?,
            base_url: col(r, "base_url")?,
            auth: AccountAuth::parse(&auth).ok_or_else(|| StoreError::Corrupt(format!("auth {auth:?}")))?,
            login: col(r, "login")?,
            credential_key_id: col(r, "credential_key_id")?,
            one_active_secret: col(r, "one_active_secret")?,
            created_at: col(r, "created_at")?,
            last_sync_at: col(r, "last_sync_at")?,
            last_sync_attempt_at: col(r, "last_sync_attempt_at")?,
            last_sync_error: col(r, "last_sync_error")?,
            last_sync_failure: match col::<Option<String>>(r, "last_sync_failure")? {
                None => None,
                Some(f) => {
                    Some(SyncFailure::parse(&f).ok_or_else(|| StoreError::Corrupt(format!("sync failure {f:?}")))?)
                }
            },
            remote_count: col::<Option<i64>>(r, "remote_count")?.map(|n| u32::try_from(n).unwrap_or(u32::MAX)),
            team: match (col::<Option<String>>(r, "team_mount")?, col::<Option<String>>(r, "team_prefix")?) {
                (Some(mount), Some(prefix)) => Some(TeamPlace { mount, prefix }),
                _ => None,
            },
        },
        actor: col(r, "actor")?,
        token_expires: col::<Option<i64>>(r, "token_expires_at")?.zip(col::<Option<i64>>(r, "token_ttl")?),
    })
}

impl AccountRows<'_> {
    /// `false` when the name is taken.
    pub async fn insert(&self, a: &Account) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO accounts (id, name, provider, base_url, auth, login, credential_key_id, one_active_secret, \
             created_at, team_mount, team_prefix) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&a.id)
        .bind(&a.name)
        .bind(a.provider.as_str())
        .bind(&a.base_url)
        .bind(a.auth.as_str())
        .bind(&a.login)
        .bind(&a.credential_key_id)
        .bind(a.one_active_secret)
        .bind(a.created_at)
        .bind(a.team.as_ref().map(|t| t.mount.as_str()))
        .bind(a.team.as_ref().map(|t| t.prefix.as_str()))
        .execute(&self.0.pool)
        .await;
        match result {
            Ok(_) => Ok(true),
            Err(e) if is_unique_violation(&e) => Ok(false),
            Err(e) => Err(e.into()),
        }
    }

    pub async fn list(&self) -> Result<Vec<AccountRow>, StoreError> {
        let rows = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts ORDER BY name COLLATE NOCASE"))
            .fetch_all(&self.0.pool)
            .await?;
        rows.iter().map(decode).collect()
    }

    /// By exact name or id.
    pub async fn find(&self, name: &str) -> Result<Option<AccountRow>, StoreError> {
        let row = sqlx::query(&format!("SELECT {COLUMNS} FROM accounts WHERE name = ?1 OR id = ?1"))
            .bind(name)
            .fetch_optional(&self.0.pool)
            .await?;
        row.as_ref().map(decode).transpose()
    }

    pub async fn remove(&self, id: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM accounts WHERE id = ?").bind(id).execute(&self.0.pool).await?;
        Ok(())
    }

    pub async fn set_actor(&self, id: &str, actor: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET actor = ? WHERE id = ?").bind(actor).bind(id).execute(&self.0.pool).await?;
        Ok(())
    }

    /// When the session token now in the keyring expires, and the TTL it was issued with.
    pub async fn set_token_expiry(&self, id: &str, expires: Option<(i64, i64)>) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET token_expires_at = ?, token_ttl = ? WHERE id = ?")
            .bind(expires.map(|e| e.0))
            .bind(expires.map(|e| e.1))
            .bind(id)
            .execute(&self.0.pool)
            .await?;
        Ok(())
    }

    pub async fn set_credential_key(&self, id: &str, key_id: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE accounts SET credential_key_id = ? WHERE id = ?")
            .bind(key_id)
            .bind(id)
            .execute(&self.0.pool)
            .await?;
        Ok(())
    }

    /// A sync that succeeded (the mirror's own apply records it in its transaction; the team sync here).
    pub async fn record_sync_success(&self, id: &str, at: i64, remote_count: usize) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE accounts SET last_sync_at = ?1, last_sync_attempt_at = ?1, last_sync_error = NULL, \
             last_sync_failure = NULL, remote_count = ?2 WHERE id = ?3",
        )
        .bind(at)
        .bind(i64::try_from(remote_count).unwrap_or(i64::MAX))
        .bind(id)
        .execute(&self.0.pool)
        .await?;
        Ok(())
    }

    /// A sync that failed: the mirror is untouched, only the attempt and its reason are recorded.
    pub async fn record_sync_failure(
        &self,
        id: &str,
        at: i64,
        failure: SyncFailure,
        message: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE accounts SET last_sync_attempt_at = ?, last_sync_failure = ?, last_sync_error = ? WHERE id = ?",
        )
        .bind(at)
        .bind(failure.as_str())
        .bind(message)
        .bind(id)
        .execute(&self.0.pool)
        .await?;
        Ok(())
    }
}
