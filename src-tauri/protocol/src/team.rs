//! The team vault (OpenBao / HashiCorp Vault KV v2): where an account keeps the team's keys, how a
//! key is linked to its shared copy, and its versions. Never a value: those travel only in a reveal.

use serde::{Deserialize, Serialize};

/// Where in the secret engine an OpenBao account keeps the team's keys: one KV v2 secret per key at
/// `<mount>/data/<prefix>/<key id>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamPlace {
    pub mount: String,
    pub prefix: String,
}

impl Default for TeamPlace {
    fn default() -> Self {
        TeamPlace { mount: "secret".into(), prefix: "keyden".into() }
    }
}

/// A key shared through a team account: which one, under which name, and the version this member
/// last synced (a rotation is written with that version as its check-and-set).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamLink {
    /// The team account's name.
    pub account: String,
    /// The key's name under the account's prefix (the id of the key that was shared).
    pub key: String,
    pub version: u64,
    /// Who shared it, as the server knows them (e.g. `userpass-alice`).
    pub shared_by: String,
}

/// One version of a shared key, as the server lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamVersion {
    pub version: u64,
    pub created_at: Option<i64>,
    /// Soft-deleted at (its value can be undeleted at the server).
    pub deleted_at: Option<i64>,
    /// Its value is gone for good.
    pub destroyed: bool,
    /// The version this member's keyring holds.
    pub current: bool,
}

/// A shared key's history: what the server has, newest first.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamHistory {
    pub key_id: String,
    pub account: String,
    pub server_version: u64,
    pub versions: Vec<TeamVersion>,
}
