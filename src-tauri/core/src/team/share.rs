//! Sharing a key with the team: its value written as a new entry (check-and-set 0: never over
//! someone else's), then Keyden's fields as the entry's custom metadata, then the local key linked.

use crate::providers::openbao::layout;
use crate::providers::openbao::session::with_token;
use crate::providers::{ProviderError, Providers};
use crate::store::TeamRows;
use crate::vault::Use;
use keyden_protocol::{KeyRecord, TeamLink};

impl Providers<'_> {
    pub async fn share(&self, key: &str, account: &str) -> Result<KeyRecord, ProviderError> {
        let session = self.team_session(account).await?;
        let mut key = self.vault.usable(key).await?;
        if let Some(link) = &key.team {
            return Err(ProviderError::AlreadyShared { key: key.title, account: link.account.clone() });
        }
        let name = key.id.clone();
        let path = session.path(&name);
        let a = session.account().clone();
        let (_, value) = self.vault.use_secret(&key.id, Use::Share, &format!("shared through '{}'", a.name)).await?;
        let written = with_token!(&session, |token| session.api.write(&token, &path, &value, 0).await);
        let version = match written {
            Ok(v) => v,
            Err(ProviderError::Conflict { service, what, .. }) => {
                let meta = with_token!(&session, |token| session.api.metadata(&token, &path).await)?;
                return Err(ProviderError::Conflict {
                    service,
                    what: format!("an entry named {name} is already there ({what})"),
                    server_version: meta.map(|m| m.current_version),
                });
            }
            Err(e) => return Err(e),
        };
        let shared_by = if session.row.actor.is_empty() { a.login.clone() } else { session.row.actor.clone() };
        let custom = layout::custom(&key, &shared_by);
        if let Err(e) = with_token!(&session, |token| session.api.write_custom(&token, &path, &custom).await) {
            // Half a share helps no one (an entry without a title, and a retry refused as a conflict):
            // take the value back.
            let undone = with_token!(&session, |token| session.api.delete_all(&token, &path).await);
            tracing::warn!(key = %name, undone = undone.is_ok(), "sharing stopped half way");
            return Err(e);
        }
        let link = TeamLink { account: a.name.clone(), key: name, version, shared_by };
        TeamRows(self.vault.database()).link(&key.id, &link, self.vault.now()).await?;
        key.team = Some(link);
        Ok(key)
    }
}
