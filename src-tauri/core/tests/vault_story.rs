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
    keyden_tests::require_private_keyring();
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
    // Revoke and delete as the skins do: through the providers layer (a local key goes straight on).
    let http = keyden_core::providers::http::Http::from_env();
    let providers = keyden_core::providers::Providers::new(&vault, &http);
    providers.revoke_key(&key.id).await.unwrap();
    providers.delete_key(&key.id).await.unwrap();
    assert!(keyring.get(&key.id).unwrap().is_none(), "delete removes the keyring entry");
    assert_eq!(vault.list(&KeyQuery::default()).await.unwrap().facets.total, 1, "only the other key is left");
}

#[test]
fn a_bulk_write_is_read_back_by_the_keyring_crate_in_both_bulk_read_paths() {
    use keyden_core::secret_store::NewEntry;
    keyden_tests::require_private_keyring();
    let keyring = OsKeyring::default();
    let tag = std::process::id();
    let ids: Vec<String> = (0..40).map(|i| format!("key_bulk_{tag}_{i:02}")).collect();
    let values: Vec<SecretValue> = (0..40).map(|i| secret(&format!("tok_bulk_{tag}_{i:02}_value"))).collect();
    let entries: Vec<NewEntry<'_>> =
        ids.iter().zip(&values).map(|(id, v)| NewEntry { id, label: "Bulk", secret: v }).collect();
    keyring.put_many(&entries).map_err(|(i, e)| format!("entry {i}: {e}")).unwrap();
    // One by one through the keyring crate, as `get` and `secret-tool` would find them.
    assert_eq!(keyring.get(&ids[7]).unwrap().unwrap().expose(), values[7].expose());
    // Forty ids: the one-search path; three: the per-id path.
    let all = keyring.get_many(&ids).unwrap();
    assert!(all.iter().zip(&values).all(|(got, want)| got.as_ref().map(|g| g.expose()) == Some(want.expose())));
    let few = keyring.get_many(&[ids[39].clone(), "key_bulk_missing".into(), ids[0].clone()]).unwrap();
    let few: Vec<_> = few.iter().map(|v| v.as_ref().map(|s| s.expose().to_string())).collect();
    assert_eq!(few, [Some(values[39].expose().to_string()), None, Some(values[0].expose().to_string())]);
    // Written again: replaced, not duplicated (the keyring crate would call a duplicate ambiguous).
    keyring.put_many(&entries[..1]).unwrap();
    assert!(keyring.get(&ids[0]).is_ok());
    for id in &ids {
        assert!(keyring.remove(id).unwrap());
    }
}
