//! How a key looks in the team vault: its value as `data.value` of a KV v2 entry named by the key's id
//! under the account's prefix, and its metadata as the entry's `custom_metadata` (strings only, at most
//! 512 characters each), so that `bao kv get` shows a teammate what Keyden shows.

use keyden_protocol::{KeyKind, KeyRecord, KeyStatus};
use std::collections::HashMap;

/// What the team knows of a key, read back from `custom_metadata`.
#[derive(Clone, Debug, PartialEq)]
pub struct Shared {
    pub title: String,
    pub provider: String,
    pub account: String,
    pub kind: KeyKind,
    pub environment: String,
    pub owner: String,
    pub expires_at: Option<i64>,
    pub revoked: bool,
    pub shared_by: String,
}

/// The custom metadata for `key`, as shared by `shared_by`.
pub fn custom(key: &KeyRecord, shared_by: &str) -> HashMap<String, String> {
    let mut m = HashMap::from([
        ("title".to_string(), key.title.clone()),
        ("provider".to_string(), key.provider.clone()),
        ("account".to_string(), key.account.clone()),
        ("type".to_string(), key.kind.as_str().to_string()),
        ("environment".to_string(), key.environment.clone()),
        ("owner".to_string(), key.owner.clone()),
        ("status".to_string(), key.status.as_str().to_string()),
        ("shared_by".to_string(), shared_by.to_string()),
    ]);
    if let Some(e) = key.expires_at {
        m.insert("expires".into(), e.to_string());
    }
    // The server refuses empty values and values over 512 characters.
    m.retain(|_, v| !v.is_empty());
    for v in m.values_mut() {
        if v.chars().count() > 512 {
            *v = v.chars().take(512).collect();
        }
    }
    m
}

/// Reads Keyden's fields back; anything missing or not Keyden's own falls back to something safe (the
/// entry's name as its title, a token, active), and every text passes the vault's own validation.
pub fn shared(name: &str, m: &HashMap<String, String>) -> Shared {
    let text = |k: &str| m.get(k).map(String::as_str).unwrap_or_default();
    let label = |field: &'static str| crate::vault::validate::label(field, text(field)).unwrap_or_default();
    Shared {
        title: crate::vault::validate::title(text("title")).unwrap_or_else(|_| name.to_string()),
        provider: crate::vault::validate::provider(text("provider")).unwrap_or_else(|_| "generic".into()),
        account: label("account"),
        kind: KeyKind::parse(text("type")).unwrap_or(KeyKind::Token),
        environment: label("environment"),
        owner: label("owner"),
        expires_at: text("expires").parse().ok(),
        revoked: KeyStatus::parse(text("status")) == Some(KeyStatus::Revoked),
        shared_by: label("shared_by"),
    }
}

/// A name Keyden will use as a path segment and a key id: what its own ids are made of.
pub fn usable_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 128
        && !matches!(name, "." | "..")
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Whether a local change to `key` must reach the team first.
pub fn is_shared(key: &KeyRecord) -> bool {
    key.team.is_some() && key.remote_state != Some(keyden_protocol::RemoteState::Gone)
}

/// The status the team sees after a local revoke.
pub fn revoked(key: &KeyRecord) -> KeyRecord {
    KeyRecord { status: KeyStatus::Revoked, ..key.clone() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_or_missing_fields_fall_back_to_safe_values() {
        let m = HashMap::from([
            ("title".to_string(), "bad\u{202e}title".to_string()),
            ("type".to_string(), "weird".to_string()),
            ("status".to_string(), "revoked".to_string()),
            ("expires".to_string(), "soon".to_string()),
        ]);
        let s = shared("k_1", &m);
        assert_eq!((s.title.as_str(), s.kind, s.revoked, s.expires_at), ("k_1", KeyKind::Token, true, None));
        let key: KeyRecord = serde_json::from_value(serde_json::json!({
            "id": "key_1", "title": "T", "provider": "generic", "account": "", "environment": "", "owner": "",
            "kind": "token", "redacted": "x", "status": "active", "created_at": 0, "revoked_at": null,
            "expires_at": null, "last_verified_at": null, "remote_id": null, "notes": ""
        }))
        .unwrap();
        let m = custom(&key, "alice");
        assert!(!m.contains_key("owner") && !m.contains_key("account"), "{m:?}");
        assert_eq!(shared("key_1", &m).title, "T");
        assert!(usable_name("k_1a2b") && !usable_name("..") && !usable_name("a/b") && !usable_name(""));
    }
}
