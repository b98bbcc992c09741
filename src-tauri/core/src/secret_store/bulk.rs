//! One Secret Service session for many reads or writes (Linux only): the `keyring` crate opens a
//! new encrypted session for every call.

use super::{KeyringError, NewEntry, SecretValue};
use dbus_secret_service::{EncryptionType, SecretService};
use std::collections::HashMap;

/// The D-Bus names for "the service's process went away": before it answered (`NoReply`,
/// `Disconnected`), or between two of our calls (`NoSession`). In the last case the session was opened
/// with the daemon that died, and D-Bus handed the next call to the new one, which has never heard of
/// it: gnome-keyring says "The session wrapping the secret does not exist" (seen once in CI). A call
/// made again opens a session with the new daemon.
pub fn vanished(e: &dbus_secret_service::Error) -> bool {
    matches!(e, dbus_secret_service::Error::Dbus(d)
    if matches!(d.name(), Some(
        "org.freedesktop.DBus.Error.NoReply"
            | "org.freedesktop.DBus.Error.Disconnected"
            | "org.freedesktop.Secret.Error.NoSession"
    )))
}

/// Where a bulk write stopped, and why (`Vanished`: the service went away, worth going on).
pub struct Failed {
    pub at: usize,
    pub error: KeyringError,
}

impl Failed {
    fn new(at: usize, e: dbus_secret_service::Error) -> Self {
        Failed { at, error: fail(e) }
    }
}

pub(super) fn fail(e: dbus_secret_service::Error) -> KeyringError {
    match e {
        dbus_secret_service::Error::Locked | dbus_secret_service::Error::Prompt => KeyringError::Locked(e.to_string()),
        _ if vanished(&e) => KeyringError::Vanished(e.to_string()),
        other => KeyringError::Unavailable(other.to_string()),
    }
}

pub fn get_many(service: &str, ids: &[String]) -> Result<Vec<Option<SecretValue>>, KeyringError> {
    let ss = SecretService::connect(EncryptionType::Dh).map_err(fail)?;
    let found = ss.search_items(HashMap::from([("service", service)])).map_err(fail)?;
    // Reading every item's attributes costs a call per item in the keyring, a search per id a
    // call per id asked: `keyden run` with 50 references in a keyring of thousands searches;
    // the signer search, which wants them all, lists.
    if ids.len() * 4 < found.unlocked.len() + found.locked.len() {
        return ids.iter().map(|id| get_one(&ss, service, id)).collect();
    }
    if !found.locked.is_empty() {
        ss.unlock_all(&found.locked.iter().collect::<Vec<_>>()).map_err(|e| KeyringError::Locked(e.to_string()))?;
    }
    let wanted: std::collections::HashSet<&str> = ids.iter().map(String::as_str).collect();
    let mut by_id = HashMap::new();
    for item in found.unlocked.iter().chain(found.locked.iter()) {
        let attrs = item.get_attributes().map_err(fail)?;
        if attrs.contains_key(super::packs::PACK_ATTR) {
            super::packs::read_into(item, &wanted, &mut by_id)?;
            continue;
        }
        let Some(user) = attrs.get("username").filter(|u| wanted.contains(u.as_str())) else { continue };
        let bytes = item.get_secret().map_err(fail)?;
        let text = String::from_utf8(bytes).map_err(|_| KeyringError::BadEncoding(user.clone()))?;
        by_id.insert(user.clone(), SecretValue::from_stored(text));
    }
    Ok(ids.iter().map(|id| by_id.remove(id)).collect())
}

fn get_one(ss: &SecretService, service: &str, id: &str) -> Result<Option<SecretValue>, KeyringError> {
    let found = ss.search_items(HashMap::from([("service", service), ("username", id)])).map_err(fail)?;
    if !found.locked.is_empty() {
        ss.unlock_all(&found.locked.iter().collect::<Vec<_>>()).map_err(|e| KeyringError::Locked(e.to_string()))?;
    }
    let Some(item) = found.unlocked.first().or(found.locked.first()) else {
        return super::packs::get_in(ss, service, id);
    };
    let bytes = item.get_secret().map_err(fail)?;
    let text = String::from_utf8(bytes).map_err(|_| KeyringError::BadEncoding(id.to_string()))?;
    Ok(Some(SecretValue::from_stored(text)))
}

/// Writes each entry exactly as the `keyring` crate would (same attributes, default collection),
/// so `Entry::get_password` and `secret-tool lookup` find it; the label is Keyden's own.
pub fn put_many(service: &str, entries: &[NewEntry<'_>]) -> Result<(), Failed> {
    let ss = SecretService::connect(EncryptionType::Dh).map_err(|e| Failed::new(0, e))?;
    let collection = ss.get_default_collection().map_err(|e| Failed::new(0, e))?;
    if collection.is_locked().map_err(|e| Failed::new(0, e))? {
        collection.unlock().map_err(|e| Failed { at: 0, error: KeyringError::Locked(e.to_string()) })?;
    }
    if entries.len() >= super::packs::PACK_FROM {
        return super::packs::write(&collection, service, entries).map_err(|(at, e)| Failed::new(at, e));
    }
    for (i, e) in entries.iter().enumerate() {
        let attributes = HashMap::from([
            ("service", service),
            ("username", e.id),
            ("target", "default"),
            ("application", "rust-keyring"),
        ]);
        let label = format!("Keyden: {}", e.label);
        collection
            .create_item(&label, attributes, e.secret.expose().as_bytes(), true, "text/plain")
            .map_err(|err| Failed::new(i, err))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::vanished;

    fn dbus(name: &str, message: &str) -> dbus_secret_service::Error {
        dbus_secret_service::Error::Dbus(dbus::Error::new_custom(name, message))
    }

    #[test]
    fn a_daemon_gone_before_it_answered_or_between_two_calls_is_worth_a_second_call() {
        assert!(vanished(&dbus("org.freedesktop.DBus.Error.NoReply", "no reply")));
        assert!(vanished(&dbus("org.freedesktop.DBus.Error.Disconnected", "gone")));
        // gnome-keyring's own words, as CI's shipped-CLI suite got them from a daemon started anew.
        let no_session = "The session wrapping the secret does not exist";
        assert!(vanished(&dbus("org.freedesktop.Secret.Error.NoSession", no_session)));
        // A refusal is an answer: asking again would be refused again.
        assert!(!vanished(&dbus("org.freedesktop.DBus.Error.AccessDenied", "no")));
        assert!(!vanished(&dbus_secret_service::Error::Locked));
    }
}
