//! Test tokens, minted from a secret: a Shopify session token for a given shop and user, or any claims
//! with HS256. Shown and copyable, never stored.

use serde_json::{json, Map, Value};

#[derive(Debug, thiserror::Error)]
pub enum MintError {
    #[error("the claims must be a JSON object: {0}")]
    Claims(String),
    #[error("the shop must be a domain like example.myshopify.com")]
    Shop,
    #[error("signing failed: {0}")]
    Sign(String),
}

impl crate::Coded for MintError {
    fn code(&self) -> &'static str {
        "mint_failed"
    }
}

/// An HS256 token over `claims` (a JSON object).
pub fn hs256(secret: &[u8], claims: &Value) -> Result<String, MintError> {
    if !claims.is_object() {
        return Err(MintError::Claims("got something else".into()));
    }
    super::crypto::sign_hs256(secret, claims).map_err(|e| MintError::Sign(e.to_string()))
}

/// The claims Shopify puts in a session token (App Bridge `idToken()`), issued at `now`.
pub fn shopify_session_claims(
    api_key: &str,
    shop: &str,
    user: &str,
    now: i64,
    lifetime: i64,
) -> Result<Value, MintError> {
    let shop = shop.trim().trim_start_matches("https://").trim_end_matches('/');
    if shop.is_empty() || shop.contains('/') || !shop.contains('.') {
        return Err(MintError::Shop);
    }
    let mut c = Map::new();
    c.insert("iss".into(), json!(format!("https://{shop}/admin")));
    c.insert("dest".into(), json!(format!("https://{shop}")));
    c.insert("aud".into(), json!(api_key));
    c.insert("sub".into(), json!(user));
    c.insert("exp".into(), json!(now + lifetime));
    c.insert("nbf".into(), json!(now));
    c.insert("iat".into(), json!(now));
    c.insert("jti".into(), json!(format!("keyden-{now}-{}", std::process::id())));
    c.insert("sid".into(), json!(format!("keyden-test-session-{user}")));
    Ok(Value::Object(c))
}
