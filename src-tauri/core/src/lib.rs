//! Keyden's core: everything the app and the CLI do, with neither Tauri nor clap in sight.
//!
//! - [`keyden`]: the front door ([`Keyden`]): wiring and the use cases both skins call.
//! - [`secret`]: the value newtype that redacts itself and zeroizes on drop.
//! - [`secret_store`]: the OS keyring, the only place a secret value is ever stored.
//! - [`store`]: SQLite metadata (keys, audit log, journal) — never a secret value.
//! - [`vault`]: the lifecycle rules, keeping keyring and SQLite in agreement.
//! - [`env`]: `.env` references, `run`/`inject` resolution, output masking, `env import`.
//! - [`scan`]: copies of vault secrets in a tree, found by fingerprint.
//! - [`files`]: bounded reads and atomic replacement of the user's files.
//! - [`providers`]: provider accounts, the mirror sync, remote lifecycle, health checks, rotation.
//! - [`clock`], [`paths`], [`settings`]: the ambient things, injectable for tests.

pub mod clock;
pub mod env;
pub mod error;
pub mod files;
pub mod fingerprint;
pub mod inspect;
pub mod keyden;
pub mod paths;
pub mod providers;
pub mod scan;
pub mod secret;
pub mod secret_store;
pub mod settings;
pub mod store;
pub mod team;
pub mod vault;

pub use error::Coded;
pub use keyden::{Config, Keyden};
pub use keyden_protocol as protocol;
