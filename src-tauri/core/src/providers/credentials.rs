//! Where an account's own credentials live in the keyring (never in SQLite): a Medusa admin password
//! and the admin JWT it buys are entries of their own; a secret key or API key used as the account's
//! credential is an ordinary vault key, named by the account's `credential_key_id`.

use super::ProviderError;
use keyden_protocol::Account;

pub(crate) fn password_entry(account_id: &str) -> String {
    format!("account:{account_id}:password")
}

pub(crate) fn jwt_entry(account_id: &str) -> String {
    format!("account:{account_id}:jwt")
}

/// The account's credential is not in the keyring (removed outside Keyden).
pub(crate) fn no_credential(a: &Account) -> ProviderError {
    ProviderError::Vault(crate::vault::VaultError::SecretMissing(format!("{} credential", a.name)))
}
