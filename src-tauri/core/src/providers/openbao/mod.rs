//! OpenBao (and HashiCorp Vault, whose HTTP API it shares): the team vault. Unlike the other
//! providers it holds the keys' values, so an account here is not mirrored as a key list but synced
//! into this member's keyring — see [`crate::team`]. This file is its registry entry: its facts and
//! the connection test run when an account is added.

pub mod api;
pub mod layout;
pub mod session;

use super::provider::{Provider, Verified};
use super::{ProviderError, Providers};
use crate::secret::SecretValue;
use async_trait::async_trait;
use keyden_protocol::{Account, AccountAuth, AuthMethod, Capabilities, ProviderInfo, ProviderKind};
pub use session::Session;

pub struct OpenBao;

#[async_trait]
impl Provider for OpenBao {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: ProviderKind::OpenBao,
            title: "OpenBao / Vault (team vault, KV v2)".into(),
            default_url: None,
            auth_methods: vec![
                AuthMethod {
                    auth: AccountAuth::Userpass,
                    label: "Username and password".into(),
                    login_label: Some("Username".into()),
                    secret_label: "Password".into(),
                },
                AuthMethod {
                    auth: AccountAuth::Approle,
                    label: "AppRole".into(),
                    login_label: Some("Role id".into()),
                    secret_label: "Secret id".into(),
                },
                AuthMethod {
                    auth: AccountAuth::Token,
                    label: "Token".into(),
                    login_label: None,
                    secret_label: "Token".into(),
                },
            ],
            creates: vec![],
            capabilities: Capabilities { sync: true, team: true, manage: true, ..Capabilities::default() },
        }
    }

    /// Signs in, then lists the team's prefix: a wrong URL, a wrong password and a mount that is not
    /// there (or not readable) are all caught now.
    async fn verify_credentials(
        &self,
        p: &Providers<'_>,
        account: &Account,
        secret: &SecretValue,
    ) -> Result<Verified, ProviderError> {
        let place = account.team.clone().unwrap_or_default();
        let api = api::Bao::new(p.http, &account.name, &account.base_url, &place.mount);
        let issued = match account.auth {
            AccountAuth::Userpass => api.login_userpass(&account.login, secret).await,
            AccountAuth::Approle => api.login_approle(&account.login, secret).await,
            _ => api.lookup_self(secret).await,
        }
        .map_err(|e| match e {
            ProviderError::PermissionDenied { service, message } => {
                ProviderError::Unauthorized { service, status: 403, message }
            }
            other => other,
        })?;
        api.list(&issued.token, &place.prefix).await?;
        let now = p.vault.now();
        Ok(Verified {
            session: (account.auth != AccountAuth::Token).then_some(issued.token),
            actor: issued.display_name,
            session_expires: (issued.ttl > 0).then_some((now + issued.ttl, issued.ttl)),
        })
    }
}
