//! What was pasted: a Shopify session token, a Medusa JWT, another JWT, or an opaque key known by its
//! prefix.

use keyden_protocol::TokenKind;
use serde_json::{Map, Value};

/// Host of an `https://host/...` URL, lower-cased; `None` when it is not such a URL.
pub fn host(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty()).then(|| host.to_lowercase())
}

pub fn jwt_kind(claims: &Map<String, Value>) -> TokenKind {
    let s = |k: &str| claims.get(k).and_then(Value::as_str);
    if let (Some(iss), Some(dest)) = (s("iss"), s("dest")) {
        if iss.ends_with("/admin") {
            return TokenKind::ShopifySessionToken { shop: host(dest).unwrap_or_else(|| dest.to_string()) };
        }
    }
    if let (Some(actor), Some(_)) = (s("actor_type"), s("auth_identity_id")) {
        return TokenKind::MedusaJwt { actor_type: actor.to_string() };
    }
    TokenKind::Jwt
}

/// (prefix, provider, kind). Longer, more specific prefixes first.
const PREFIXES: &[(&str, &str, &str)] = &[
    ("shpat_", "shopify", "Admin API access token"),
    ("shpca_", "shopify", "custom app access token"),
    ("shppa_", "shopify", "private app access token"),
    ("shpss_", "shopify", "app shared secret (client secret)"),
    ("sk_live_", "stripe", "live secret key"),
    ("sk_test_", "stripe", "test secret key"),
    ("rk_live_", "stripe", "live restricted key"),
    ("rk_test_", "stripe", "test restricted key"),
    ("pk_live_", "stripe", "live publishable key"),
    ("pk_test_", "stripe", "test publishable key"),
    ("github_pat_", "github", "fine-grained personal access token"),
    ("ghp_", "github", "personal access token (classic)"),
    ("gho_", "github", "OAuth access token"),
    ("ghs_", "github", "app installation token"),
    ("xoxb-", "slack", "bot token"),
    ("xoxp-", "slack", "user token"),
    ("xoxa-", "slack", "app token"),
    ("xoxe-", "slack", "refresh token"),
];

const fn opaque_first_bytes() -> [bool; 256] {
    let mut table = [false; 256];
    let mut i = 0;
    while i < PREFIXES.len() {
        table[PREFIXES[i].0.as_bytes()[0] as usize] = true;
        i += 1;
    }
    // Medusa's sk_/pk_ (see `opaque_kind`).
    table[b's' as usize] = true;
    table[b'p' as usize] = true;
    table
}

static OPAQUE_FIRST_BYTES: [bool; 256] = opaque_first_bytes();

/// Whether a key of a known shape can start with this byte: `scan` asks it of every token first.
pub fn may_start_opaque_key(first: u8) -> bool {
    OPAQUE_FIRST_BYTES[usize::from(first)]
}

fn redact(v: &str) -> String {
    let chars: Vec<char> = v.chars().collect();
    if chars.len() < 16 {
        return "…".into();
    }
    let head: String = chars[..6].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

pub fn opaque_kind(value: &str) -> Option<TokenKind> {
    let kind = |provider: &str, kind: &str| TokenKind::OpaqueKey {
        provider: provider.into(),
        kind: kind.into(),
        redacted: redact(value),
    };
    if let Some((_, provider, k)) = PREFIXES.iter().find(|(p, _, _)| value.starts_with(p)) {
        return Some(kind(provider, k));
    }
    // Medusa: sk_/pk_ followed by exactly 64 hex digits.
    for (prefix, k) in [("sk_", "secret API key"), ("pk_", "publishable API key")] {
        if let Some(rest) = value.strip_prefix(prefix) {
            if rest.len() == 64 && rest.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Some(kind("medusa", k));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opaque_keys_are_known_by_prefix() {
        let provider = |v: &str| match opaque_kind(v) {
            Some(TokenKind::OpaqueKey { provider, kind, .. }) => format!("{provider}: {kind}"),
            _ => "unknown".into(),
        };
        assert_eq!(provider("shpat_0123456789abcdef0123"), "shopify: Admin API access token");
        assert_eq!(provider("sk_live_51H0000000000000"), "stripe: live secret key");
        assert_eq!(provider(&format!("sk_{}", "a".repeat(64))), "medusa: secret API key");
        assert_eq!(provider(&format!("pk_{}", "0".repeat(64))), "medusa: publishable API key");
        assert_eq!(provider(&format!("sk_{}", "a".repeat(63))), "unknown");
        assert_eq!(provider("github_pat_11ABCDEFG0123456789"), "github: fine-grained personal access token");
        assert_eq!(provider("xoxb-1234-5678-abcdefgh"), "slack: bot token");
        assert_eq!(provider("hello"), "unknown");
    }

    #[test]
    fn jwt_kinds_are_told_apart_by_their_claims() {
        let claims = |v: serde_json::Value| v.as_object().unwrap().clone();
        let medusa =
            claims(serde_json::json!({"actor_id": "user_01", "actor_type": "user", "auth_identity_id": "authid_01"}));
        assert_eq!(jwt_kind(&medusa), TokenKind::MedusaJwt { actor_type: "user".into() });
        let shopify =
            claims(serde_json::json!({"iss": "https://a.myshopify.com/admin", "dest": "https://A.myshopify.com"}));
        assert_eq!(jwt_kind(&shopify), TokenKind::ShopifySessionToken { shop: "a.myshopify.com".into() });
        assert_eq!(jwt_kind(&claims(serde_json::json!({"iss": "https://a.myshopify.com/admin"}))), TokenKind::Jwt);
    }

    #[test]
    fn hosts_are_compared_lowercased() {
        assert_eq!(host("https://Shop.myshopify.com/admin").as_deref(), Some("shop.myshopify.com"));
        assert_eq!(host("shop.myshopify.com"), None);
    }
}
