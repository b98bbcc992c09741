//! A shared key's life carried to the team: its title, its revoke (every member's copy stops serving
//! it at their next sync), its delete (the entry and all its versions), its rotation (a new version
//! written with check-and-set = the version this member last synced), and its history.

use crate::providers::openbao::layout;
use crate::providers::openbao::session::with_token;
use crate::providers::openbao::Session;
use crate::providers::{ProviderError, Providers};
use crate::secret::SecretValue;
use keyden_protocol::{KeyRecord, TeamHistory, TeamLink, TeamVersion};

impl Providers<'_> {
    async fn linked(&self, key: &KeyRecord) -> Result<(Session<'_>, TeamLink, String), ProviderError> {
        let link = key.team.clone().ok_or_else(|| ProviderError::NotShared(key.title.clone()))?;
        let session = self.team_session(&link.account).await?;
        let path = session.path(&link.key);
        Ok((session, link, path))
    }

    /// Rewrites the entry's custom metadata as `key` now is (a new title, a revoke).
    pub(crate) async fn team_update(&self, key: &KeyRecord) -> Result<(), ProviderError> {
        let (session, link, path) = self.linked(key).await?;
        let custom = layout::custom(key, &link.shared_by);
        with_token!(&session, |token| session.api.write_custom(&token, &path, &custom).await)
    }

    /// Removes the entry and all its versions; one already gone is fine.
    pub(crate) async fn team_delete(&self, key: &KeyRecord) -> Result<(), ProviderError> {
        let (session, _, path) = self.linked(key).await?;
        with_token!(&session, |token| session.api.delete_all(&token, &path).await)
    }

    /// A new value for a shared key, written as the next version of the one this member last synced.
    /// If a teammate wrote one since, nothing is overwritten: `conflict`, naming the server's version.
    pub async fn rotate_shared(&self, name: &str, value: SecretValue) -> Result<KeyRecord, ProviderError> {
        let key = self.vault.usable(name).await?;
        let (session, link, path) = self.linked(&key).await?;
        let written = with_token!(&session, |token| session.api.write(&token, &path, &value, link.version).await);
        let version = match written {
            Ok(v) => v,
            Err(ProviderError::Conflict { service, .. }) => {
                let meta = with_token!(&session, |token| session.api.metadata(&token, &path).await)?;
                let server = meta.map(|m| m.current_version);
                return Err(ProviderError::Conflict {
                    service,
                    what: format!(
                        "this machine last synced version {} of '{}'; a teammate wrote a newer one",
                        link.version, key.title
                    ),
                    server_version: server,
                });
            }
            Err(e) => return Err(e),
        };
        let detail = format!("version {version} written to '{}'", link.account);
        self.vault.rotate_value(&key, value, version, &detail).await?;
        Ok(self.vault.resolve(&key.id).await?)
    }

    /// The versions the server has of a shared key, newest first.
    pub async fn team_history(&self, name: &str) -> Result<TeamHistory, ProviderError> {
        let key = self.vault.resolve(name).await?;
        let (session, link, path) = self.linked(&key).await?;
        let meta = with_token!(&session, |token| session.api.metadata(&token, &path).await)?.ok_or_else(|| {
            ProviderError::RemoteMissing {
                service: session.api.service().to_string(),
                what: format!("'{}' is no longer shared there", key.title),
            }
        })?;
        let time = |s: &str| crate::providers::provider::parse_time(s);
        let mut versions: Vec<TeamVersion> = meta
            .versions
            .iter()
            .filter_map(|(n, v)| {
                let version = n.parse().ok()?;
                Some(TeamVersion {
                    version,
                    created_at: time(&v.created_time),
                    deleted_at: time(&v.deletion_time),
                    destroyed: v.destroyed,
                    current: version == link.version,
                })
            })
            .collect();
        versions.sort_by_key(|v| std::cmp::Reverse(v.version));
        Ok(TeamHistory { key_id: key.id, account: link.account, server_version: meta.current_version, versions })
    }
}
