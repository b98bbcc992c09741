//! Packs: many values in one Secret Service item, for bulk writes.
//!
//! gnome-keyring rewrites its whole collection file on every item it creates, so a write costs in
//! proportion to the items already there: measured here 16 ms per write at 500 items, 143 ms at 3,000
//! (`examples/keyring_writes.rs`). One item per value makes the first sync of a team's 10,000 keys a
//! quadratic ~40 minutes. A bulk write of many values (a team sync, a large import) therefore stores
//! them as packs of up to [`PACK_ENTRIES`] values: one item each, its secret a JSON object
//! `{id: value}`, one `packed:<id>` attribute per member so that a single search finds a member's pack.
//!
//! Each id lives in one place: its own item (the `keyring` crate's entry) or one pack.
//! - a new value for a packed id is written into its pack, replacing the old one;
//! - removing an id takes its value out of its pack (an emptied pack is deleted),
//!
//! so a rotated or deleted value never lingers in the keyring. Every write to gnome-keyring costs a
//! rewrite of its whole file, so each operation makes one: a pack is created in one call, and a value
//! replaced in it or taken out of it is one `set_secret`.
//!
//! Packs are written only for ids new to the keyring (the vault's bulk add of new rows).

use super::bulk::fail;
use super::{KeyringError, NewEntry, SecretValue};
use dbus_secret_service::{Collection, EncryptionType, Item, SecretService};
use std::collections::HashMap;
use zeroize::Zeroizing;

/// A bulk write of at least this many values is packed; smaller ones stay one item per value, where
/// the OS's tools (`secret-tool lookup`, Seahorse) show each under its key's title.
pub const PACK_FROM: usize = 64;
/// Values per pack, and a bound on a pack's size (values are at most 64 KiB each). Every write costs a
/// rewrite of the whole file whatever the pack size, so fewer, larger packs make a first sync cheaper:
/// 10,000 values took gnome-keyring 2.5 CPU seconds in packs of 256, 0.8 in packs of 1,024.
pub const PACK_ENTRIES: usize = 1024;
pub const PACK_BYTES: usize = 1024 * 1024;
/// The attribute that marks an item as a pack (its value: the pack's name).
pub const PACK_ATTR: &str = "keyden_pack";

pub fn member_attr(id: &str) -> String {
    format!("packed:{id}")
}

/// Splits entries into packs by count and size.
pub fn split<'e, 'a>(entries: &'e [NewEntry<'a>]) -> Vec<&'e [NewEntry<'a>]> {
    let mut packs = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        let size = e.id.len() + e.secret.expose().len();
        if i > start && (i - start == PACK_ENTRIES || bytes + size > PACK_BYTES) {
            packs.push(&entries[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += size;
    }
    if start < entries.len() {
        packs.push(&entries[start..]);
    }
    packs
}

/// The members of a pack's secret. The raw bytes and the JSON text are wiped after parsing; each
/// value moves into a [`SecretValue`] without a copy.
fn decode(raw: Vec<u8>) -> Result<HashMap<String, SecretValue>, KeyringError> {
    let raw = Zeroizing::new(raw);
    let map: HashMap<String, String> =
        serde_json::from_slice(&raw).map_err(|_| KeyringError::BadEncoding("a pack of team values".into()))?;
    Ok(map.into_iter().map(|(id, v)| (id, SecretValue::from_stored(v))).collect())
}

fn encode<'a>(members: impl Iterator<Item = (&'a str, &'a str)>) -> Zeroizing<Vec<u8>> {
    let map: HashMap<&str, &str> = members.collect();
    Zeroizing::new(serde_json::to_vec(&map).expect("a map of strings serializes"))
}

fn attributes<'a>(service: &'a str, name: &'a str, members: &'a [String]) -> HashMap<&'a str, &'a str> {
    let mut attrs = HashMap::from([("service", service), (PACK_ATTR, name)]);
    attrs.extend(members.iter().map(|m| (m.as_str(), "1")));
    attrs
}

/// Writes `entries` as packs in the given collection; on failure, how many entries were written.
pub fn write(
    collection: &Collection<'_>,
    service: &str,
    entries: &[NewEntry<'_>],
) -> Result<(), (usize, dbus_secret_service::Error)> {
    let mut done = 0;
    for pack in split(entries) {
        // Named after its first member: ids are unique, so pack names are.
        let name = format!("{}+{}", pack[0].id, pack.len());
        let members: Vec<String> = pack.iter().map(|e| member_attr(e.id)).collect();
        let secret = encode(pack.iter().map(|e| (e.id, e.secret.expose())));
        let label = format!("Keyden: {} team values (one pack)", pack.len());
        collection
            .create_item(&label, attributes(service, &name, &members), &secret, false, "application/json")
            .map_err(|e| (done, e))?;
        done += pack.len();
    }
    Ok(())
}

/// The packs that name `id` as a member. Usually one; an id taken out of a pack keeps its attribute
/// there (rewriting the attributes would cost another write of the whole keyring), so an id packed
/// again later may be named by an older pack too — the secret says which one holds it.
fn naming<'s>(ss: &'s SecretService, service: &str, id: &str) -> Result<Vec<Item<'s>>, KeyringError> {
    let member = member_attr(id);
    let found = ss.search_items(HashMap::from([("service", service), (member.as_str(), "1")])).map_err(fail)?;
    if !found.locked.is_empty() {
        ss.unlock_all(&found.locked.iter().collect::<Vec<_>>()).map_err(|e| KeyringError::Locked(e.to_string()))?;
    }
    Ok(found.unlocked.into_iter().chain(found.locked).collect())
}

/// The value of `id` if a pack holds it.
pub fn get(service: &str, id: &str) -> Result<Option<SecretValue>, KeyringError> {
    let ss = SecretService::connect(EncryptionType::Dh).map_err(fail)?;
    get_in(&ss, service, id)
}

pub fn get_in(ss: &SecretService, service: &str, id: &str) -> Result<Option<SecretValue>, KeyringError> {
    for item in naming(ss, service, id)? {
        if let Some(value) = decode(item.get_secret().map_err(fail)?)?.remove(id) {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// Held while a pack is read, changed and written back: two processes changing different members of
/// one pack at once would otherwise each write back the other's old value. One lock per user session
/// (the keyring's scope): in `XDG_RUNTIME_DIR`, else in the temp dir under the user's id.
fn pack_lock() -> Result<std::fs::File, KeyringError> {
    use std::os::unix::fs::OpenOptionsExt;
    let path = match std::env::var_os("XDG_RUNTIME_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => std::path::PathBuf::from(dir).join("keyden-keyring-packs.lock"),
        None => std::env::temp_dir().join(format!("keyden-keyring-packs-{}.lock", rustix::process::geteuid().as_raw())),
    };
    std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .mode(0o600)
        .open(&path)
        .and_then(|f| f.lock().map(|()| f))
        .map_err(|e| KeyringError::Unavailable(format!("cannot lock {}: {e}", path.display())))
}

/// Writes `id`'s new value into the pack that holds it (one write, no second item); `Ok(false)` when
/// no pack holds it.
pub fn replace(service: &str, id: &str, secret: &SecretValue) -> Result<bool, KeyringError> {
    replace_with(service, id, secret, &|| {})
}

/// [`replace`], with `after_read` called between reading the pack and writing it back (a test opens
/// the race there).
fn replace_with(service: &str, id: &str, secret: &SecretValue, after_read: &dyn Fn()) -> Result<bool, KeyringError> {
    let ss = SecretService::connect(EncryptionType::Dh).map_err(fail)?;
    let named = naming(&ss, service, id)?;
    // Most puts are of ids no pack names: no lock for them. Packs only ever take new ids, so none can
    // start naming this one meanwhile; a pack that does is read again under the lock.
    let _lock = if named.is_empty() { return Ok(false) } else { pack_lock()? };
    for item in named {
        let mut members = decode(item.get_secret().map_err(fail)?)?;
        after_read();
        let Some(old) = members.get_mut(id) else { continue };
        *old = SecretValue::from_stored(secret.expose().to_string());
        let secret = encode(members.iter().map(|(k, v)| (k.as_str(), v.expose())));
        item.set_secret(&secret, "application/json").map_err(fail)?;
        return Ok(true);
    }
    Ok(false)
}

/// Takes `id` out of the packs holding it (one write each; an emptied pack is deleted); `Ok(true)`
/// when one held it. A pack that names it but no longer holds it is left alone.
pub fn forget(service: &str, id: &str) -> Result<bool, KeyringError> {
    let ss = SecretService::connect(EncryptionType::Dh).map_err(fail)?;
    let named = naming(&ss, service, id)?;
    let _lock = if named.is_empty() { return Ok(false) } else { pack_lock()? };
    let mut held = false;
    for item in named {
        let mut members = decode(item.get_secret().map_err(fail)?)?;
        if members.remove(id).is_none() {
            continue;
        }
        held = true;
        if members.is_empty() {
            item.delete().map_err(fail)?;
        } else {
            let secret = encode(members.iter().map(|(k, v)| (k.as_str(), v.expose())));
            item.set_secret(&secret, "application/json").map_err(fail)?;
        }
    }
    Ok(held)
}

/// Adds a pack's members that are wanted and not already found (own items win) to `by_id`.
pub fn read_into(
    item: &Item<'_>,
    wanted: &std::collections::HashSet<&str>,
    by_id: &mut HashMap<String, SecretValue>,
) -> Result<(), KeyringError> {
    for (id, value) in decode(item.get_secret().map_err(fail)?)? {
        if wanted.contains(id.as_str()) {
            by_id.entry(id).or_insert(value);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sizes(values: &[SecretValue]) -> Vec<usize> {
        let ids: Vec<String> = (0..values.len()).map(|i| format!("id{i:05}")).collect();
        let entries: Vec<NewEntry<'_>> =
            ids.iter().zip(values).map(|(id, secret)| NewEntry { id, label: "x", secret }).collect();
        split(&entries).iter().map(|p| p.len()).collect()
    }

    #[test]
    fn packs_close_at_their_count_or_their_size_and_never_come_out_empty() {
        let small: Vec<_> = (0..2100).map(|i| SecretValue::from_stored(format!("v{i}"))).collect();
        assert_eq!(sizes(&small), [1024, 1024, 52]);
        // 40 KiB values: 25 fit under 1 MiB.
        let big: Vec<_> = (0..60).map(|_| SecretValue::from_stored("x".repeat(40 * 1024))).collect();
        assert_eq!(sizes(&big), [25, 25, 10]);
        // One value larger than a pack's budget still gets a pack of its own.
        let huge = vec![SecretValue::from_stored("y".repeat(1100 * 1024)), SecretValue::from_stored("z".into())];
        assert_eq!(sizes(&huge), [1, 1]);
        assert!(sizes(&[]).is_empty());
    }

    /// Deterministic where threads alone are not: A has read the pack and waits (up to 2 s) for B to
    /// change another member of it. With the lock B cannot until A has written back, so neither change
    /// is lost; without it B's change lands in between and A's write-back undoes it.
    #[test]
    fn a_change_to_a_pack_waits_for_one_in_progress_and_neither_is_lost() {
        keyden_tests::require_private_keyring();
        let service = super::super::SERVICE;
        let tag = std::process::id();
        let ids: Vec<String> = (0..PACK_FROM).map(|i| format!("key_lock_{tag}_{i:02}")).collect();
        let old = SecretValue::from_stored("tok_lock_old".into());
        let entries: Vec<NewEntry<'_>> = ids.iter().map(|id| NewEntry { id, label: "Lock", secret: &old }).collect();
        let ss = SecretService::connect(EncryptionType::Dh).unwrap();
        write(&ss.get_default_collection().unwrap(), service, &entries).unwrap();

        let (b_done_tx, b_done_rx) = std::sync::mpsc::channel::<()>();
        let (a_read_tx, a_read_rx) = std::sync::mpsc::channel::<()>();
        std::thread::scope(|scope| {
            let first = &ids[0];
            let a = scope.spawn(move || {
                let wait_for_b = || {
                    a_read_tx.send(()).unwrap();
                    let _ = b_done_rx.recv_timeout(std::time::Duration::from_secs(2));
                };
                replace_with(service, first, &SecretValue::from_stored("tok_lock_a".into()), &wait_for_b).unwrap()
            });
            a_read_rx.recv().unwrap();
            assert!(replace(service, &ids[1], &SecretValue::from_stored("tok_lock_b".into())).unwrap());
            let _ = b_done_tx.send(());
            assert!(a.join().unwrap());
        });
        assert_eq!(get(service, &ids[0]).unwrap().unwrap().expose(), "tok_lock_a");
        assert_eq!(get(service, &ids[1]).unwrap().unwrap().expose(), "tok_lock_b", "B's change was lost");
        for id in &ids {
            forget(service, id).unwrap();
        }
    }

    #[test]
    fn a_pack_secret_round_trips_and_a_damaged_one_is_a_clear_error() {
        let secret = encode([("a", "one"), ("b", "tw\"o")].into_iter());
        let back = decode(secret.to_vec()).unwrap();
        assert_eq!(back["b"].expose(), "tw\"o");
        assert!(matches!(decode(b"{not json".to_vec()), Err(KeyringError::BadEncoding(_))));
    }
}
