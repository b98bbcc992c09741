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

/// The pack items holding any of `needles` in their secret, read straight from the Secret Service.
#[cfg(target_os = "linux")]
fn packs_holding(needles: &[&str]) -> (usize, usize) {
    use dbus_secret_service::{EncryptionType, SecretService};
    let ss = SecretService::connect(EncryptionType::Dh).unwrap();
    let found = ss.search_items(std::collections::HashMap::from([("service", "keyden")])).unwrap();
    // Tests run in parallel: an item another test deleted since the search has no attributes to read.
    let packs: Vec<_> =
        found.unlocked.iter().filter(|i| i.get_attributes().is_ok_and(|a| a.contains_key("keyden_pack"))).collect();
    let holding = packs
        .iter()
        .filter(|p| {
            let text = String::from_utf8(p.get_secret().unwrap()).unwrap();
            needles.iter().any(|n| text.contains(n))
        })
        .count();
    (packs.len(), holding)
}

/// Packs exist on Linux only (gnome-keyring's cost per item; README).
#[cfg(target_os = "linux")]
#[test]
fn a_large_bulk_write_goes_into_packs_and_a_rewritten_or_removed_value_leaves_its_pack() {
    use keyden_core::secret_store::NewEntry;
    keyden_tests::require_private_keyring();
    let keyring = OsKeyring::default();
    let tag = std::process::id();
    // Just over the bulk size that packs (64): one item for all; the split is unit-tested in `packs`.
    let ids: Vec<String> = (0..70).map(|i| format!("key_pack_{tag}_{i:03}")).collect();
    let values: Vec<SecretValue> = (0..70).map(|i| secret(&format!("tok_pack_{tag}_{i:03}_value"))).collect();
    let entries: Vec<NewEntry<'_>> =
        ids.iter().zip(&values).map(|(id, v)| NewEntry { id, label: "Pack", secret: v }).collect();
    let (before, _) = packs_holding(&[]);
    keyring.put_many(&entries).map_err(|(i, e)| format!("entry {i}: {e}")).unwrap();
    assert_eq!(packs_holding(&[]).0 - before, 1, "70 values, one item");

    // Read back one by one (the per-id fallback), all at once, and a few through the per-id bulk path.
    assert_eq!(keyring.get(&ids[7]).unwrap().unwrap().expose(), values[7].expose());
    assert_eq!(keyring.get(&ids[69]).unwrap().unwrap().expose(), values[69].expose());
    let all = keyring.get_many(&ids).unwrap();
    assert!(all.iter().zip(&values).all(|(got, want)| got.as_ref().map(|g| g.expose()) == Some(want.expose())));
    let few = keyring.get_many(&[ids[3].clone(), format!("key_pack_{tag}_missing")]).unwrap();
    assert_eq!(few[0].as_ref().map(|v| v.expose()), Some(values[3].expose()));
    assert!(few[1].is_none());

    // A new value (a rotation) replaces the old one in its pack: no second item, the old value gone.
    keyring.put(&ids[5], "Pack", &secret(&format!("tok_pack_{tag}_005_rotated"))).unwrap();
    assert_eq!(keyden_tests::keyring_lookup(&ids[5]), None, "no own item beside the pack");
    assert_eq!(packs_holding(&[&format!("tok_pack_{tag}_005_rotated")]), (before + 1, 1));
    assert_eq!(keyring.get(&ids[5]).unwrap().unwrap().expose(), format!("tok_pack_{tag}_005_rotated"));
    assert_eq!(
        keyring.get_many(&ids[..6]).unwrap()[5].as_ref().unwrap().expose(),
        format!("tok_pack_{tag}_005_rotated")
    );
    assert_eq!(packs_holding(&[values[5].expose()]).1, 0, "the rotated value is gone from its pack");

    // A removed key is gone from the keyring, its pack included; its neighbours are untouched.
    assert!(keyring.remove(&ids[6]).unwrap());
    assert!(keyring.get(&ids[6]).unwrap().is_none());
    assert_eq!(packs_holding(&[values[6].expose()]).1, 0);
    assert!(!keyring.remove(&ids[6]).unwrap(), "nothing left to remove");
    assert_eq!(keyring.get(&ids[8]).unwrap().unwrap().expose(), values[8].expose());

    // A removed id packed again (a team entry deleted, then shared anew under the same name): the new
    // pack holds it, though the old one still names it.
    let again: Vec<String> =
        std::iter::once(ids[6].clone()).chain((0..63).map(|i| format!("key_pack2_{tag}_{i:02}"))).collect();
    let renewed = secret(&format!("tok_pack_{tag}_006_again"));
    let entries: Vec<NewEntry<'_>> = again.iter().map(|id| NewEntry { id, label: "Pack", secret: &renewed }).collect();
    keyring.put_many(&entries).unwrap();
    assert_eq!(keyring.get(&ids[6]).unwrap().unwrap().expose(), renewed.expose());
    assert_eq!(keyring.get_many(&ids[..7]).unwrap()[6].as_ref().unwrap().expose(), renewed.expose());

    // Removing every member deletes the packs themselves.
    for id in ids.iter().chain(&again[1..]) {
        keyring.remove(id).unwrap();
    }
    assert_eq!(packs_holding(&[]).0, before, "emptied packs are deleted");
    assert!(keyring.get_many(&ids).unwrap().iter().all(Option::is_none));
    assert!(keyring.get(&ids[6]).unwrap().is_none());
}
