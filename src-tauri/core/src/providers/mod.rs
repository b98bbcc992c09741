//! Providers' admin APIs (Medusa v2, Shop Minis) and what Keyden builds on them: accounts, the mirror
//! sync, remote key lifecycle, health checks, rotation. Each provider sits behind [`provider::Provider`]
//! and is listed in [`registry`]; every request goes through [`http::Http`].

pub mod accounts;
mod credentials;
mod error;
pub mod health;
pub mod http;
pub mod lifecycle;
pub mod medusa;
pub mod minis;
pub mod openbao;
mod probe;
pub mod provider;
pub mod registry;
pub mod sync;

pub use error::ProviderError;

use crate::vault::Vault;
use http::Http;

/// The vault plus the HTTP client: what every provider operation needs.
pub struct Providers<'a> {
    pub vault: &'a Vault,
    pub http: &'a Http,
}

impl<'a> Providers<'a> {
    pub fn new(vault: &'a Vault, http: &'a Http) -> Self {
        Providers { vault, http }
    }
}
