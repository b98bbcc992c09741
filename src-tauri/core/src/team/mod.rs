//! The team vault: keys shared through an OpenBao (HashiCorp Vault) account and mirrored on every
//! member's machine — metadata in SQLite, values in that member's keyring, so everything works
//! offline. The server is the truth for shared keys; each member's copy follows it at every sync.
//!
//! - [`share`]: a local key written to the team (create only: check-and-set 0), then linked;
//! - [`sync`]: new entries and new versions pulled in, removed ones marked gone, a teammate's revoke
//!   applied (revoke is final here too), with bounded concurrency and only changed values read;
//! - [`changes`]: a shared key's title, revoke, delete and rotation carried to the team (a rotation is
//!   written with the version this member last saw, so a stale one is a conflict, never an
//!   overwrite), and its history.

mod changes;
mod share;
mod sync;

pub use sync::SYNC_CONCURRENCY;

use crate::providers::openbao::Session;
use crate::providers::{registry, ProviderError, Providers};

impl Providers<'_> {
    /// The team account `name`, signed in lazily; an error when its provider is not a team vault.
    pub async fn team_session(&self, name: &str) -> Result<Session<'_>, ProviderError> {
        let row = self.account(name).await?;
        if !registry::get(row.account.provider).info().capabilities.team {
            return Err(ProviderError::not_capable(&row.account, "it is not a team vault"));
        }
        Ok(Session::new(self, row))
    }
}
