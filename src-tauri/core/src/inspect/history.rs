//! Inspection history, kept only when the user asks: a JWT's header and claims with the signature
//! dropped (so what is stored can never be replayed), the verdict, a one-line summary. Opaque keys are
//! secrets and are refused.

use super::{decode, recognize};
use crate::store::{Database, HistoryRows, StoreError};
use keyden_protocol::{HistoryEntry, Inspection, TokenKind};

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
    Ok(HistoryRows(db).insert(now, &unsigned, inspection.verdict, &summary(inspection)).await?)
}

pub async fn list(db: &Database, limit: u32) -> Result<Vec<HistoryEntry>, HistoryError> {
    Ok(HistoryRows(db).list(limit).await?)
}

pub async fn clear(db: &Database) -> Result<(), HistoryError> {
    Ok(HistoryRows(db).clear().await?)
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
            // The last connection's close removes the -wal and -shm files, and may do so between
            // the listing and the read: a file that is gone holds nothing.
            let bytes = match std::fs::read(f.path()) {
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                read => read.unwrap(),
            };
            assert!(!bytes.windows(12).any(|w| w == b"dBjftJeZ4CVP"), "{:?} holds the signature", f.path());
        }
    }
}
