//! Medusa v2: accounts signed in with an admin email and password (an admin JWT, renewed) or a secret
//! key; the api-keys routes for sync, create, rename, revoke and delete; a key's health read as Basic
//! (secret keys Keyden holds) or through the account (keys it never saw).

mod api;
mod session;

pub use api::{Credential, MedusaApi, RemoteKey};
pub use session::Session;

use super::provider::{judged, parse_time, CheckAnswer, KeyAdmin, Provider, Verified};
use super::{ProviderError, Providers};
use crate::secret::SecretValue;
use crate::store::{AccountRow, MirrorKey};
use async_trait::async_trait;
use keyden_protocol::{
    Account, AccountAuth, AuthMethod, Capabilities, CheckOutcome, KeyKind, KeyRecord, ProviderInfo, ProviderKind,
};

pub struct Medusa;

impl Medusa {
    fn api<'a>(p: &Providers<'a>, account: &Account) -> MedusaApi<'a> {
        MedusaApi::new(p.http, &account.base_url, &account.name)
    }
}

#[async_trait]
impl Provider for Medusa {
    fn info(&self) -> ProviderInfo {
        ProviderInfo {
            kind: ProviderKind::Medusa,
            title: "Medusa v2 (Admin API)".into(),
            default_url: None,
            auth_methods: vec![
                AuthMethod {
                    auth: AccountAuth::Emailpass,
                    label: "Admin email and password".into(),
                    login_label: Some("Admin email".into()),
                    secret_label: "Password".into(),
                },
                AuthMethod {
                    auth: AccountAuth::SecretKey,
                    label: "Secret API key".into(),
                    login_label: None,
                    secret_label: "Secret key (sk_…)".into(),
                },
            ],
            creates: vec![KeyKind::Secret, KeyKind::Publishable],
            capabilities: Capabilities {
                sync: true,
                create: true,
                manage: true,
                check: true,
                verify_user_tokens: false,
                team: false,
            },
        }
    }

    async fn verify_credentials(
        &self,
        p: &Providers<'_>,
        account: &Account,
        secret: &SecretValue,
    ) -> Result<Verified, ProviderError> {
        let api = Self::api(p, account);
        if account.auth == AccountAuth::Emailpass {
            let token = api.login(&account.login, secret).await?;
            let actor = session::jwt_claims(&token).1;
            return Ok(Verified { session: Some(token), actor, session_expires: None });
        }
        let answer = api.probe(&Credential::Basic(SecretValue::from_stored(secret.expose().into()))).await?;
        if !answer.is_success() {
            return Err(api.fail(&answer));
        }
        Ok(Verified::default())
    }

    async fn key_admin<'a>(
        &self,
        p: &'a Providers<'a>,
        row: AccountRow,
    ) -> Result<Option<Box<dyn KeyAdmin + 'a>>, ProviderError> {
        let api = Self::api(p, &row.account);
        Ok(Some(Box::new(MedusaKeys(Session { p, api, row }))))
    }

    async fn check(&self, p: &Providers<'_>, key: &KeyRecord) -> Option<Result<CheckAnswer, ProviderError>> {
        if key.kind == KeyKind::Secret && key.has_secret {
            // Keyden holds the secret: ask with it, as an application would.
            return Some(self.check_with_secret(p, key).await);
        }
        let remote_id = key.remote_id.clone()?;
        // A key Keyden never saw the secret of (or a publishable one): read it through the account.
        Some(
            async {
                let admin = p.key_admin(&key.account).await?;
                Ok(match admin.get(&remote_id).await? {
                    None => (CheckOutcome::Rejected, Some(404), "the provider no longer has this key".into()),
                    Some(k) if k.revoked_at.is_some() => {
                        (CheckOutcome::Rejected, Some(200), "revoked at the provider".into())
                    }
                    Some(_) => (CheckOutcome::Accepted, Some(200), "listed as active by the provider".into()),
                })
            }
            .await,
        )
    }
}

impl Medusa {
    async fn check_with_secret(&self, p: &Providers<'_>, key: &KeyRecord) -> Result<CheckAnswer, ProviderError> {
        let row = p.account(&key.account).await.map_err(|_| {
            ProviderError::NotLinked(format!("{} (no Medusa account named '{}')", key.title, key.account))
        })?;
        let secret = p.secret_for_check(key).await?;
        let answer = Self::api(p, &row.account).probe(&Credential::Basic(secret)).await?;
        Ok(judged(answer.status))
    }
}

/// The api-keys routes through a signed-in session, in the mirror's shape.
struct MedusaKeys<'a>(Session<'a>);

#[async_trait]
impl KeyAdmin for MedusaKeys<'_> {
    fn account(&self) -> &Account {
        self.0.account()
    }

    fn service(&self) -> &str {
        &self.0.api.service
    }

    async fn list_page(&self, offset: u64, limit: u64) -> Result<(Vec<MirrorKey>, u64), ProviderError> {
        let page = self.0.list(offset, limit).await?;
        let keys = page.api_keys.iter().map(|k| mirror_key(k, self.service())).collect::<Result<_, _>>()?;
        Ok((keys, page.count))
    }

    async fn get(&self, remote_id: &str) -> Result<Option<MirrorKey>, ProviderError> {
        self.0.get(remote_id).await?.map(|k| mirror_key(&k, self.service())).transpose()
    }

    async fn create(&self, title: &str, kind: KeyKind) -> Result<(MirrorKey, SecretValue), ProviderError> {
        let (remote, token) = self.0.create(title, kind.as_str()).await?;
        Ok((mirror_key(&remote, self.service())?, token))
    }

    async fn update_title(&self, remote_id: &str, title: &str) -> Result<(), ProviderError> {
        self.0.update_title(remote_id, title).await
    }

    async fn revoke(&self, remote_id: &str) -> Result<(), ProviderError> {
        self.0.revoke(remote_id).await
    }

    async fn delete(&self, remote_id: &str) -> Result<(), ProviderError> {
        self.0.delete(remote_id).await
    }

    async fn actor(&self) -> String {
        self.0.actor().await
    }
}

/// A key as Medusa lists it, in the mirror's shape: its type known, its times parsed.
fn mirror_key(k: &RemoteKey, service: &str) -> Result<MirrorKey, ProviderError> {
    let malformed =
        |what: &str| ProviderError::Malformed { service: service.into(), reason: format!("{}: {what}", k.id) };
    let kind = match k.kind.as_str() {
        "secret" => KeyKind::Secret,
        "publishable" => KeyKind::Publishable,
        other => return Err(malformed(&format!("unknown key type {other:?}"))),
    };
    Ok(MirrorKey {
        remote_id: k.id.clone(),
        title: k.title.chars().take(200).collect(),
        kind,
        owner: k.created_by.clone(),
        redacted: k.redacted.clone(),
        created_at: parse_time(&k.created_at).ok_or_else(|| malformed("created_at is not a date"))?,
        revoked_at: match &k.revoked_at {
            Some(t) => Some(parse_time(t).ok_or_else(|| malformed("revoked_at is not a date"))?),
            None => None,
        },
    })
}
