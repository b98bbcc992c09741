//! Every provider Keyden knows, one line each. The rest of Keyden asks here — for a provider's facts,
//! its capabilities, its admin API — instead of testing kinds.

use super::medusa::Medusa;
use super::minis::ShopMinis;
use super::openbao::OpenBao;
use super::provider::{KeyAdmin, Provider};
use super::{ProviderError, Providers};
use keyden_protocol::{KeyRecord, ProviderInfo, ProviderKind};

/// The providers, in the order the UI offers them.
static PROVIDERS: &[(ProviderKind, &dyn Provider)] =
    &[(ProviderKind::Medusa, &Medusa), (ProviderKind::ShopMinis, &ShopMinis), (ProviderKind::OpenBao, &OpenBao)];

/// The provider of `kind`. Every `ProviderKind` is registered (a test checks it).
pub fn get(kind: ProviderKind) -> &'static dyn Provider {
    PROVIDERS.iter().find(|(k, _)| *k == kind).map(|(_, p)| *p).unwrap_or(&Medusa)
}

/// The provider a key's `provider` column names, when it is one Keyden has an account type for.
pub fn of_key(key: &KeyRecord) -> Option<&'static dyn Provider> {
    ProviderKind::parse(&key.provider).map(get)
}

pub fn infos() -> Vec<ProviderInfo> {
    PROVIDERS.iter().map(|(_, p)| p.info()).collect()
}

impl Providers<'_> {
    /// The admin API for keys of the account `name`, signed in; an error when its provider has none.
    pub async fn key_admin(&self, name: &str) -> Result<Box<dyn KeyAdmin + '_>, ProviderError> {
        let row = self.account(name).await?;
        let account = row.account.clone();
        get(account.provider)
            .key_admin(self, row)
            .await?
            .ok_or_else(|| ProviderError::not_capable(&account, "Keyden cannot manage its keys there"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_is_registered_once_with_its_own_facts() {
        for kind in [ProviderKind::Medusa, ProviderKind::ShopMinis, ProviderKind::OpenBao] {
            assert_eq!(PROVIDERS.iter().filter(|(k, _)| *k == kind).count(), 1, "{kind:?}");
            assert_eq!(get(kind).info().kind, kind);
            assert!(!get(kind).info().auth_methods.is_empty(), "{kind:?} has no way to sign in");
        }
    }
}
