//! The vault against the real OS keyring (the private Secret Service that scripts/test.sh starts) and
//! a real SQLite file: a key's whole life, and what each store holds at every step.

use keyden_core::clock::SystemClock;
use keyden_core::protocol::{KeyKind, KeyQuery};
use keyden_core::secret::SecretValue;
use keyden_core::secret_store::{OsKeyring, SecretStore};
use keyden_core::vault::{NewKeyMeta, Use, Vault, VaultError};
use std::sync::Arc;

fn secret(v: &str) -> SecretValue {
    SecretValue::from_input(v.as_bytes().to_vec()).unwrap()
}

#[tokio::test]
async fn a_key_lives_in_the_os_keyring_and_only_metadata_in_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let keyring = Arc::new(OsKeyring::default());
    let (vault, report) = Vault::open(dir.path(), keyring.clone(), Arc::new(SystemClock), "test").await.unwrap();
    assert_eq!(report, Default::default());

    let value = format!("sk_story_{}", std::process::id());
    let meta =
        NewKeyMeta { title: "Story".into(), account: "acct".into(), kind: Some(KeyKind::Secret), ..Default::default() };
    let key = vault.add(meta.clone(), secret(&value)).await.unwrap();
    assert_eq!(keyring.get(&key.id).unwrap().unwrap().expose(), value);

    let db = std::fs::read(dir.path().join("keyden.sqlite3")).unwrap();
    let wal = std::fs::read(dir.path().join("keyden.sqlite3-wal")).unwrap_or_default();
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(value.len()).any(|w| w == value.as_bytes()), "the value reached SQLite");
    }

    assert!(matches!(vault.add(meta, secret("sk_other_000000")).await, Err(VaultError::OneActiveKey { .. })));

    // The bulk read (one Secret Service session) agrees with one-by-one reads, order and gaps kept.
    let other = NewKeyMeta { title: "Other".into(), kind: Some(KeyKind::Token), ..Default::default() };
    let second = vault.add(other, secret("tok_second_value_123")).await.unwrap();
    let many = keyring.get_many(&[second.id.clone(), "key_missing".into(), key.id.clone()]).unwrap();
    let many: Vec<_> = many.iter().map(|v| v.as_ref().map(|s| s.expose().to_string())).collect();
    assert_eq!(many, [Some("tok_second_value_123".to_string()), None, Some(value.clone())]);
    let (_, revealed) = vault.use_secret(&key.id, Use::Reveal, "").await.unwrap();
    assert_eq!(revealed.expose(), value);
    vault.revoke(&key.id).await.unwrap();
    vault.delete(&key.id).await.unwrap();
    assert!(keyring.get(&key.id).unwrap().is_none(), "delete removes the keyring entry");
    assert_eq!(vault.list(&KeyQuery::default()).await.unwrap().facets.total, 1, "only the other key is left");
}
