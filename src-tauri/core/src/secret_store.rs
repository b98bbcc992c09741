//! The OS keyring: the only place a secret value is ever stored.
//!
//! Each secret is its own entry: service `keyden`, user = the key's id, label = the key's title, so the
//! OS's own tools (Keychain Access, Credential Manager, Seahorse, `secret-tool`) show it. The exception,
//! on Linux only: a bulk write of many values (a team's first sync) goes into packs of many values per
//! item, because gnome-keyring's cost per write grows with its item count (see `packs`).
//! [`SecretStore`] is the seam; [`OsKeyring`] is the real thing; [`MemoryStore`] serves unit tests and
//! benches that must not depend on a running Secret Service.

use crate::secret::SecretValue;
use std::collections::HashMap;
use std::sync::Mutex;

pub const SERVICE: &str = "keyden";

#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    /// No Secret Service / Keychain / Credential Manager to talk to.
    #[error("the OS keyring is not available: {0}")]
    Unavailable(String),
    /// Its process ended before it answered (gnome-keyring's daemon aborting): the one failure worth
    /// the same call once more, on the daemon D-Bus starts in its place.
    #[error("the OS keyring's service went away before it answered: {0}")]
    Vanished(String),
    /// It is there but refused access (locked collection, dismissed prompt).
    #[error("the OS keyring is locked or refused access: {0}")]
    Locked(String),
    #[error("the keyring entry for {0} holds a value that is not text")]
    BadEncoding(String),
    #[error("the keyring refused the entry: {0}")]
    Refused(String),
}

impl crate::Coded for KeyringError {
    fn code(&self) -> &'static str {
        match self {
            KeyringError::Unavailable(_) | KeyringError::Vanished(_) => "keyring_unavailable",
            KeyringError::Locked(_) => "keyring_locked",
            KeyringError::BadEncoding(_) => "keyring_bad_encoding",
            KeyringError::Refused(_) => "keyring_refused",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            KeyringError::Unavailable(_) | KeyringError::Vanished(_) => {
                unavailable_hint(std::env::consts::OS).to_string()
            }
            KeyringError::Locked(_) => locked_hint(std::env::consts::OS).to_string(),
            KeyringError::BadEncoding(_) => "the entry was changed outside Keyden; store the key again".to_string(),
            KeyringError::Refused(_) => {
                "the keyring rejected this entry's attributes; report this as a bug".to_string()
            }
        })
    }
}

/// What to do when the OS keyring cannot be reached, in the words of the user's own platform: no
/// Windows or macOS user is ever told to install gnome-keyring.
fn unavailable_hint(os: &str) -> &'static str {
    match os {
        "windows" => {
            "Keyden keeps secrets in Windows' Credential Manager: check that the Credential Manager service \
             (VaultSvc) is running, and that Keyden runs in your own logon session (not as another user or a \
             service)"
        }
        "macos" => {
            "Keyden keeps secrets in your login keychain: check it exists and is reachable in Keychain Access \
             (a process started over SSH or by launchd outside your session cannot reach it)"
        }
        _ => {
            "Keyden keeps secrets in a Secret Service: install one (`sudo apt install gnome-keyring`, or enable \
             KeePassXC's Secret Service integration) and log in to your desktop session again; on a headless \
             machine: `dbus-run-session -- sh -c 'echo -n PASSWORD | gnome-keyring-daemon --unlock \
             --components=secrets; …'`"
        }
    }
}

fn locked_hint(os: &str) -> &'static str {
    match os {
        "windows" => "Windows refused access to the Credential Manager: sign in to your own account and try again",
        "macos" => "unlock your login keychain (Keychain Access, or `security unlock-keychain`) and try again",
        _ => "unlock your keyring (log in to the desktop session, or unlock it in Seahorse) and try again",
    }
}

/// One entry read: its value, none, or the keyring's refusal.
pub type SecretRead = Result<Option<SecretValue>, KeyringError>;

pub trait SecretStore: Send + Sync {
    /// Creates or replaces the entry for `id`.
    fn put(&self, id: &str, label: &str, secret: &SecretValue) -> Result<(), KeyringError>;
    /// `Ok(None)` when there is no entry.
    fn get(&self, id: &str) -> Result<Option<SecretValue>, KeyringError>;
    /// `Ok(false)` when there was nothing to remove.
    fn remove(&self, id: &str) -> Result<bool, KeyringError>;

    /// Several entries at once, in the order asked; stores that can do better than one call per id
    /// override it.
    fn get_many(&self, ids: &[String]) -> Result<Vec<Option<SecretValue>>, KeyringError> {
        ids.iter().map(|id| self.get(id)).collect()
    }

    /// Several entries written in order; on failure, how many were written before it. Stores that
    /// can write in one session override it.
    fn put_many(&self, entries: &[NewEntry<'_>]) -> Result<(), (usize, KeyringError)> {
        for (i, e) in entries.iter().enumerate() {
            self.put(e.id, e.label, e.secret).map_err(|err| (i, err))?;
        }
        Ok(())
    }
}

/// One entry for [`SecretStore::put_many`].
pub struct NewEntry<'a> {
    pub id: &'a str,
    pub label: &'a str,
    pub secret: &'a SecretValue,
}

/// The platform keyring through the `keyring` crate (Secret Service on Linux, Keychain on macOS,
/// Credential Manager on Windows — selected by its features).
#[derive(Debug, Clone)]
pub struct OsKeyring {
    service: String,
}

impl Default for OsKeyring {
    fn default() -> Self {
        OsKeyring { service: SERVICE.to_string() }
    }
}

impl OsKeyring {
    fn entry(&self, id: &str) -> Result<::keyring::Entry, KeyringError> {
        ::keyring::Entry::new(&self.service, id).map_err(|e| map_error(id, e))
    }
}

/// Never formats the error's payload for `BadEncoding`: it holds the stored bytes.
fn map_error(id: &str, e: ::keyring::Error) -> KeyringError {
    use ::keyring::Error as E;
    match e {
        E::NoStorageAccess(inner) => KeyringError::Locked(inner.to_string()),
        E::PlatformFailure(inner) if vanished(inner.as_ref()) => KeyringError::Vanished(inner.to_string()),
        E::PlatformFailure(inner) => KeyringError::Unavailable(inner.to_string()),
        E::BadEncoding(_) => KeyringError::BadEncoding(id.to_string()),
        E::TooLong(attr, limit) => KeyringError::Refused(format!("{attr} is longer than {limit}")),
        E::Invalid(attr, why) => KeyringError::Refused(format!("{attr}: {why}")),
        E::Ambiguous(found) => KeyringError::Refused(format!("{} entries match {id}", found.len())),
        E::NoEntry => KeyringError::Refused(format!("no entry for {id}")),
        other => KeyringError::Unavailable(other.to_string()),
    }
}

impl OsKeyring {
    /// On Linux a packed id's value is replaced in its pack (one write). Any other goes through the
    /// `keyring` crate, which also updates an item another tool stored under the same service and user
    /// (`secret-tool store`), where creating our own would leave that one beside it.
    fn put_once(&self, id: &str, label: &str, secret: &SecretValue) -> Result<(), KeyringError> {
        #[cfg(target_os = "linux")]
        if packs::replace(&self.service, id, secret)? {
            return Ok(());
        }
        let entry = self.entry(id)?;
        entry.set_password(secret.expose()).map_err(|e| map_error(id, e))?;
        // The label is what Seahorse and Keychain Access list, the comment what Windows' Credential
        // Manager shows; best effort, the value is already safe.
        let label = format!("Keyden: {label}");
        let attribute = if cfg!(windows) { "comment" } else { "label" };
        if let Err(e) = entry.update_attributes(&HashMap::from([(attribute, label.as_str())])) {
            tracing::debug!(key = id, error = %map_error(id, e), "keyring label not updated");
        }
        Ok(())
    }

    fn get_once(&self, id: &str) -> Result<Option<SecretValue>, KeyringError> {
        match self.entry(id)?.get_password() {
            Ok(v) => Ok(Some(SecretValue::from_stored(v))),
            #[cfg(target_os = "linux")]
            Err(::keyring::Error::NoEntry) => packs::get(&self.service, id),
            #[cfg(not(target_os = "linux"))]
            Err(::keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_error(id, e)),
        }
    }

    fn remove_once(&self, id: &str) -> Result<bool, KeyringError> {
        let own = match self.entry(id)?.delete_credential() {
            Ok(()) => true,
            Err(::keyring::Error::NoEntry) => false,
            Err(e) => return Err(map_error(id, e)),
        };
        #[cfg(target_os = "linux")]
        let own = packs::forget(&self.service, id)? || own;
        Ok(own)
    }
}

/// Each operation is tried again as a whole if the service went away during any of its calls (its
/// pack lookup, its entry's read or write): each is idempotent.
impl SecretStore for OsKeyring {
    fn put(&self, id: &str, label: &str, secret: &SecretValue) -> Result<(), KeyringError> {
        once_more(|| self.put_once(id, label, secret))
    }

    fn get(&self, id: &str) -> Result<Option<SecretValue>, KeyringError> {
        once_more(|| self.get_once(id))
    }

    /// After a retry, `Ok(false)` may also mean the first attempt removed it before the service went
    /// away; either way the entry is gone.
    fn remove(&self, id: &str) -> Result<bool, KeyringError> {
        once_more(|| self.remove_once(id))
    }

    /// On Linux: one Secret Service session and one search for all of Keyden's items, instead of a
    /// new encrypted session per key — the difference between seconds and milliseconds for 1,000 keys.
    #[cfg(target_os = "linux")]
    fn get_many(&self, ids: &[String]) -> Result<Vec<Option<SecretValue>>, KeyringError> {
        bulk::get_many(&self.service, ids).or_else(|e| {
            tracing::debug!(error = %e, "bulk keyring read failed; reading one by one");
            ids.iter().map(|id| self.get(id)).collect()
        })
    }

    /// On Linux: one Secret Service session for all the entries (an `env import` of 50 secrets). If
    /// the service goes away half way, the rest is written one by one (each call retried once).
    #[cfg(target_os = "linux")]
    fn put_many(&self, entries: &[NewEntry<'_>]) -> Result<(), (usize, KeyringError)> {
        match bulk::put_many(&self.service, entries) {
            Err(bulk::Failed { at, error: KeyringError::Vanished(_) }) => {
                tracing::warn!(at, "the Secret Service went away during a bulk write; writing the rest one by one");
                for (i, e) in entries.iter().enumerate().skip(at) {
                    self.put(e.id, e.label, e.secret).map_err(|err| (i, err))?;
                }
                Ok(())
            }
            Err(bulk::Failed { at, error }) => Err((at, error)),
            Ok(()) => Ok(()),
        }
    }
}

/// Runs a keyring operation again, once, when the service went away while answering it.
/// gnome-keyring's daemon can abort on an upstream race between clients; D-Bus then starts a new one
/// on the next call, and the user's operation should not fail for the daemon's crash.
fn once_more<T>(call: impl Fn() -> Result<T, KeyringError>) -> Result<T, KeyringError> {
    match call() {
        Err(KeyringError::Vanished(e)) => {
            tracing::warn!(error = %e, "the Secret Service went away during a call; trying once more");
            call()
        }
        other => other,
    }
}

/// The service's process ended before it replied (D-Bus `NoReply` from the bus, or the connection
/// itself dropped). Never true on macOS or Windows, whose keyrings are not separate processes.
fn vanished(e: &(dyn std::error::Error + Send + Sync + 'static)) -> bool {
    #[cfg(target_os = "linux")]
    return e.downcast_ref::<dbus_secret_service::Error>().is_some_and(bulk::vanished);
    #[cfg(not(target_os = "linux"))]
    {
        let _ = e;
        false
    }
}

#[cfg(target_os = "linux")]
mod packs;

#[cfg(target_os = "linux")]
mod bulk;

/// An in-process store with a switch to make it fail, for unit tests and benches.
pub struct MemoryStore {
    entries: Mutex<HashMap<String, String>>,
    failing: std::sync::atomic::AtomicBool,
    /// Writes left before every call fails (a keyring that gives out half way); `usize::MAX` = never.
    puts_left: std::sync::atomic::AtomicUsize,
}

impl Default for MemoryStore {
    fn default() -> Self {
        MemoryStore {
            entries: Mutex::default(),
            failing: Default::default(),
            puts_left: std::sync::atomic::AtomicUsize::new(usize::MAX),
        }
    }
}

impl MemoryStore {
    /// From now on every call fails as a locked keyring would.
    pub fn set_failing(&self, failing: bool) {
        self.failing.store(failing, std::sync::atomic::Ordering::SeqCst);
    }

    /// After `n` more successful writes, the store fails as if it had been locked.
    pub fn fail_after_puts(&self, n: usize) {
        self.puts_left.store(n, std::sync::atomic::Ordering::SeqCst);
    }

    pub fn len(&self) -> usize {
        self.entries.lock().expect("memory store poisoned").len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn check(&self) -> Result<(), KeyringError> {
        if self.failing.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(KeyringError::Locked("test keyring switched off".into()));
        }
        Ok(())
    }
}

impl SecretStore for MemoryStore {
    fn put(&self, id: &str, _label: &str, secret: &SecretValue) -> Result<(), KeyringError> {
        self.check()?;
        use std::sync::atomic::Ordering::SeqCst;
        let take = |n: usize| match n {
            usize::MAX => Some(n),
            0 => None,
            n => Some(n - 1),
        };
        if self.puts_left.fetch_update(SeqCst, SeqCst, take).is_err() {
            self.set_failing(true);
            self.check()?;
        }
        self.entries.lock().expect("memory store poisoned").insert(id.to_string(), secret.expose().to_string());
        Ok(())
    }

    fn get(&self, id: &str) -> Result<Option<SecretValue>, KeyringError> {
        self.check()?;
        Ok(self.entries.lock().expect("memory store poisoned").get(id).cloned().map(SecretValue::from_stored))
    }

    fn remove(&self, id: &str) -> Result<bool, KeyringError> {
        self.check()?;
        Ok(self.entries.lock().expect("memory store poisoned").remove(id).is_some())
    }
}

#[cfg(test)]
mod hint_tests {
    use super::{locked_hint, unavailable_hint};

    #[test]
    fn each_platform_gets_its_own_keyring_hint() {
        for os in ["windows", "macos"] {
            for hint in [unavailable_hint(os), locked_hint(os)] {
                assert!(!hint.contains("gnome-keyring") && !hint.contains("Seahorse") && !hint.contains("apt"), "{os}");
            }
        }
        assert!(unavailable_hint("windows").contains("Credential Manager"));
        assert!(locked_hint("windows").contains("Credential Manager"));
        assert!(unavailable_hint("macos").contains("keychain") && locked_hint("macos").contains("keychain"));
        assert!(unavailable_hint("linux").contains("gnome-keyring"));
        assert!(!locked_hint("linux").contains("Keychain"), "a Linux user has no Keychain Access");
    }
}

#[cfg(test)]
mod retry_tests {
    use super::{once_more, KeyringError};
    use std::cell::Cell;

    /// Calls `once_more` on answers given in turn; returns its result and how many calls it made.
    fn run(answers: Vec<Result<u8, KeyringError>>) -> (Result<u8, KeyringError>, usize) {
        let answers = std::cell::RefCell::new(answers.into_iter());
        let calls = Cell::new(0);
        let out = once_more(|| {
            calls.set(calls.get() + 1);
            answers.borrow_mut().next().expect("called more often than expected")
        });
        (out, calls.get())
    }

    #[test]
    fn an_operation_the_service_vanished_under_runs_once_more_and_only_once() {
        let gone = || Err(KeyringError::Vanished("NoReply".into()));
        assert!(matches!(run(vec![gone(), Ok(7)]), (Ok(7), 2)));
        // A second crash in a row is reported, not chased.
        assert!(matches!(run(vec![gone(), gone()]), (Err(KeyringError::Vanished(_)), 2)));
        // An answer, even a refusal, is final.
        assert!(matches!(run(vec![Err(KeyringError::Locked("locked".into()))]), (Err(KeyringError::Locked(_)), 1)));
        assert!(matches!(run(vec![Err(KeyringError::Unavailable("no bus".into()))]), (Err(_), 1)));
    }

    #[test]
    fn a_vanished_service_reads_to_the_user_as_an_unavailable_keyring() {
        use crate::Coded;
        let e = KeyringError::Vanished("NoReply".into());
        assert_eq!(e.code(), "keyring_unavailable");
        assert_eq!(e.hint(), KeyringError::Unavailable(String::new()).hint());
    }

    /// Every dbus failure that means "gone" becomes `Vanished`, whichever path met it: the `keyring`
    /// crate's entry calls, and our own pack and bulk calls.
    #[cfg(target_os = "linux")]
    #[test]
    fn every_path_maps_a_gone_service_to_vanished() {
        let no_reply = || {
            dbus_secret_service::Error::Dbus(dbus::Error::new_custom("org.freedesktop.DBus.Error.NoReply", "no reply"))
        };
        assert!(matches!(super::bulk::fail(no_reply()), KeyringError::Vanished(_)));
        let through_keyring = ::keyring::Error::PlatformFailure(Box::new(no_reply()));
        assert!(matches!(super::map_error("k", through_keyring), KeyringError::Vanished(_)));
        let denied =
            dbus_secret_service::Error::Dbus(dbus::Error::new_custom("org.freedesktop.DBus.Error.AccessDenied", "no"));
        assert!(matches!(super::bulk::fail(denied), KeyringError::Unavailable(_)));
    }
}
