//! Inspection history, kept only when the user asks: a JWT's header and claims with the signature
//! dropped (so what is stored can never be replayed), the verdict, a one-line summary. Opaque keys are
//! secrets and are refused.

use super::{decode, recognize};
use crate::store::{Database, StoreError};
use keyden_protocol::{HistoryEntry, Inspection, TokenKind, Verdict};

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("only JWTs can be kept in the history; this input is not one")]
    NotAJwt,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl crate::Coded for HistoryError {
    fn code(&self) -> &'static str {
        match self {
            HistoryError::NotAJwt => "history_not_a_jwt",
            HistoryError::Store(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            HistoryError::NotAJwt => Some("API keys are secrets: store them in the vault instead".into()),
            HistoryError::Store(e) => e.hint(),
        }
    }
}

fn summary(i: &Inspection) -> String {
    let kind = match &i.kind {
        TokenKind::ShopifySessionToken { shop } => format!("Shopify session token · {shop}"),
        TokenKind::MedusaJwt { actor_type } => format!("Medusa JWT · {actor_type}"),
        _ => "JWT".into(),
    };
    format!("{} {kind}", i.alg.as_deref().unwrap_or("?"))
}

/// Keeps `token`'s header and claims, never its signature.
pub async fn save(db: &Database, token: &str, inspection: &Inspection, now: i64) -> Result<HistoryEntry, HistoryError> {
    let cleaned = decode::clean(token);
    if recognize::opaque_kind(cleaned).is_some() || decode::decode(cleaned).is_err() {
        return Err(HistoryError::NotAJwt);
    }
    let mut parts = cleaned.split('.');
    let unsigned = format!("{}.{}.", parts.next().unwrap_or_default(), parts.next().unwrap_or_default());
    let summary = summary(inspection);
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO inspection_history (saved_at, unsigned, verdict, summary) VALUES (?, ?, ?, ?) RETURNING id",
    )
    .bind(now)
    .bind(&unsigned)
    .bind(inspection.verdict.as_str())
    .bind(&summary)
    .fetch_one(&db.pool)
    .await
    .map_err(StoreError::from)?;
    Ok(HistoryEntry { id, saved_at: now, unsigned, verdict: inspection.verdict, summary })
}

pub async fn list(db: &Database, limit: u32) -> Result<Vec<HistoryEntry>, HistoryError> {
    let rows: Vec<(i64, i64, String, String, String)> = sqlx::query_as(
        "SELECT id, saved_at, unsigned, verdict, summary FROM inspection_history ORDER BY saved_at DESC, id DESC LIMIT ?",
    )
    .bind(i64::from(limit))
    .fetch_all(&db.pool)
    .await
    .map_err(StoreError::from)?;
    Ok(rows
        .into_iter()
        .map(|(id, saved_at, unsigned, verdict, summary)| HistoryEntry {
            id,
            saved_at,
            unsigned,
            verdict: serde_json::from_value(serde_json::Value::String(verdict)).unwrap_or(Verdict::Malformed),
            summary,
        })
        .collect())
}

pub async fn clear(db: &Database) -> Result<(), HistoryError> {
    sqlx::query("DELETE FROM inspection_history").execute(&db.pool).await.map_err(StoreError::from)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::{analyze, Options};

    const TOKEN: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

    #[tokio::test]
    async fn the_signature_is_never_kept_and_opaque_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let db = Database::open(&dir.path().join("h.sqlite3")).await.unwrap();
        let i = analyze(TOKEN, &Options::default()).inspection;
        let saved = save(&db, &format!("Bearer {TOKEN}\n"), &i, 5).await.unwrap();
        assert!(saved.unsigned.ends_with('.') && !saved.unsigned.contains("dBjftJeZ4CVP"));
        assert_eq!(saved.summary, "HS256 JWT");
        assert_eq!(list(&db, 10).await.unwrap(), vec![saved]);
        let opaque = analyze("shpat_0123456789abcdef0123456789abcdef", &Options::default()).inspection;
        assert!(matches!(
            save(&db, "shpat_0123456789abcdef0123456789abcdef", &opaque, 6).await,
            Err(HistoryError::NotAJwt)
        ));
        clear(&db).await.unwrap();
        assert!(list(&db, 10).await.unwrap().is_empty());
        db.close().await;
        for f in std::fs::read_dir(dir.path()).unwrap().flatten() {
            let bytes = std::fs::read(f.path()).unwrap();
            assert!(!bytes.windows(12).any(|w| w == b"dBjftJeZ4CVP"), "{:?} holds the signature", f.path());
        }
    }
}
