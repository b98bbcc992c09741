//! Keyed fingerprints: recognise a pasted key without reading any secret back from the keyring.
//!
//! HMAC-SHA256 under a per-install key. The key itself lives in the keyring (never in SQLite), so a
//! copied database alone cannot be used to test guesses against the fingerprints.

use crate::secret::SecretValue;
use crate::secret_store::{KeyringError, SecretStore};
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

/// The keyring user under which an install's fingerprint key is kept: one per data directory.
pub fn key_entry_id(install_id: &str) -> String {
    format!("keyden.fingerprint-key.{install_id}")
}

pub struct Fingerprinter {
    key: Zeroizing<Vec<u8>>,
}

impl Fingerprinter {
    /// Loads the install's key, creating it on first use. Callers serialise this per data directory
    /// (the app and the CLI may both start for the first time at once).
    pub fn load_or_create(store: &dyn SecretStore, install_id: &str) -> Result<Self, KeyringError> {
        let entry = key_entry_id(install_id);
        if let Some(existing) = store.get(&entry)? {
            if let Ok(bytes) = hex::decode(existing.expose()) {
                return Ok(Fingerprinter { key: Zeroizing::new(bytes) });
            }
        }
        let mut bytes = Zeroizing::new(vec![0u8; 32]);
        getrandom::getrandom(&mut bytes).expect("the OS random source failed");
        let encoded = SecretValue::from_input(hex::encode(&*bytes).into_bytes()).expect("hex is valid text");
        store.put(&entry, "fingerprint key (do not delete)", &encoded)?;
        Ok(Fingerprinter { key: bytes })
    }

    pub fn of(&self, secret: &SecretValue) -> String {
        self.of_bytes(secret.expose().as_bytes())
    }

    /// The fingerprint of a candidate that may be a secret (`scan` tests tokens this way).
    pub fn of_bytes(&self, candidate: &[u8]) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.key).expect("HMAC takes any key length");
        mac.update(candidate);
        hex::encode(mac.finalize().into_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret_store::MemoryStore;

    #[test]
    fn same_secret_same_fingerprint_and_key_is_reused() {
        let store = MemoryStore::default();
        let a = Fingerprinter::load_or_create(&store, "i1").unwrap();
        let b = Fingerprinter::load_or_create(&store, "i1").unwrap();
        let s = SecretValue::from_input(b"sk_test_123456".to_vec()).unwrap();
        assert_eq!(a.of(&s), b.of(&s));
        assert_eq!(store.len(), 1);
    }

    #[test]
    fn installs_with_different_keys_disagree() {
        let s = SecretValue::from_input(b"sk_test_123456".to_vec()).unwrap();
        let store = MemoryStore::default();
        let a = Fingerprinter::load_or_create(&store, "i1").unwrap();
        let b = Fingerprinter::load_or_create(&store, "i2").unwrap();
        assert_ne!(a.of(&s), b.of(&s));
    }
}
