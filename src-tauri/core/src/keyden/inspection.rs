//! Inspection as both skins offer it: the verification key from wherever the user points (a vault key,
//! a pasted or filed secret, a PEM, a JWK/JWKS, a JWKS URL), the limits on leeway and lifetimes, the
//! vault's explanations, minting, and the history. One place, so the app and the CLI cannot differ.

use super::Keyden;
use crate::inspect::history::{self, HistoryError};
use crate::inspect::jwks::{self, JwksError};
use crate::inspect::keys::{self, KeyError};
use crate::inspect::mint::{self, MintError};
use crate::inspect::{self, Options, VerifyKey};
use crate::vault::{Vault, VaultError};
use keyden_protocol::{HistoryEntry, InspectRequest, Inspection, KeySource, MintRequest, Minted};
use zeroize::Zeroizing;

/// Clock skew forgiven at most: an hour covers any real clock; more would hide an expired token.
pub const MAX_LEEWAY_SECONDS: i64 = 3600;
/// A minted token lives between a second and a day.
pub const MINT_LIFETIME_SECONDS: std::ops::RangeInclusive<i64> = 1..=86_400;

/// Where the key to verify with comes from. `label` names it in the diagnosis ("the secret in key.txt").
pub enum KeyOrigin {
    /// A vault key's secret by id or name (revoked keys too: that is what they are kept for).
    Vault(String),
    Secret {
        bytes: Zeroizing<Vec<u8>>,
        label: String,
    },
    Pem {
        text: String,
        label: String,
    },
    /// A JWK or a JWKS document.
    Jwk {
        text: String,
        label: String,
    },
    /// Fetched once and cached; `refresh` asks the server even when the cached copy is fresh.
    JwksUrl {
        url: String,
        refresh: bool,
    },
}

impl From<KeySource> for KeyOrigin {
    fn from(source: KeySource) -> Self {
        match source {
            KeySource::Vault(id) => KeyOrigin::Vault(id),
            KeySource::Secret(s) => {
                KeyOrigin::Secret { bytes: Zeroizing::new(s.into_bytes()), label: "the pasted secret".into() }
            }
            KeySource::Public(text) if text.trim().starts_with('{') => {
                KeyOrigin::Jwk { text, label: "the pasted JWK".into() }
            }
            KeySource::Public(text) => KeyOrigin::Pem { text, label: "the pasted public key".into() },
            KeySource::JwksUrl(url) => KeyOrigin::JwksUrl { url, refresh: false },
        }
    }
}

/// A token and how to judge it.
pub struct InspectInput {
    pub token: String,
    pub key: Option<KeyOrigin>,
    /// "Now" for the judgement; the clock's now when absent.
    pub at: Option<i64>,
    pub leeway: i64,
    pub audience: Option<String>,
    pub issuer: Option<String>,
    pub shopify_api_key: Option<String>,
}

impl From<InspectRequest> for InspectInput {
    fn from(r: InspectRequest) -> Self {
        // An empty pasted secret in the Inspector means "no key yet", not an empty key.
        let key = r.key.filter(|k| !matches!(k, KeySource::Secret(s) if s.is_empty())).map(KeyOrigin::from);
        InspectInput {
            token: r.token,
            key,
            at: None,
            leeway: r.leeway,
            audience: r.audience,
            issuer: r.issuer,
            shopify_api_key: r.shopify_api_key,
        }
    }
}

pub struct Inspected {
    pub inspection: Inspection,
    /// Said beside the verdict: e.g. the JWKS server failed and the cached copy was used.
    pub note: Option<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum InspectError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    Jwks(#[from] JwksError),
    #[error(transparent)]
    Mint(#[from] MintError),
    #[error(transparent)]
    History(#[from] HistoryError),
}

impl crate::Coded for InspectError {
    fn code(&self) -> &'static str {
        match self {
            InspectError::Key(e) => e.code(),
            InspectError::Vault(e) => e.code(),
            InspectError::Jwks(e) => e.code(),
            InspectError::Mint(e) => e.code(),
            InspectError::History(e) => e.code(),
        }
    }

    fn hint(&self) -> Option<String> {
        match self {
            InspectError::Key(e) => e.hint(),
            InspectError::Vault(e) => e.hint(),
            InspectError::Jwks(e) => e.hint(),
            InspectError::Mint(e) => e.hint(),
            InspectError::History(e) => e.hint(),
        }
    }
}

/// Trims what people paste around a value and drops it when nothing is left.
fn given(s: Option<String>) -> Option<String> {
    s.map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

impl Keyden {
    async fn verify_key(&self, origin: KeyOrigin, now: i64) -> Result<(VerifyKey, Option<String>), InspectError> {
        let key = match origin {
            KeyOrigin::Vault(name) => {
                let (record, secret) = self.vault().await?.verification_secret(&name).await?;
                keys::secret(secret.expose().as_bytes(), format!("the vault key '{}'", record.title))?
            }
            KeyOrigin::Secret { bytes, label } => keys::secret(&bytes, label)?,
            KeyOrigin::Pem { text, label } => keys::pem(&text, label)?,
            KeyOrigin::Jwk { text, label } => keys::jwk_or_set(&text, label)?,
            KeyOrigin::JwksUrl { url, refresh } => {
                let vault = self.vault().await?;
                let fetched = jwks::fetch(vault.database(), self.http(), &url, now, refresh).await?;
                let key = keys::jwk_or_set(&fetched.body, format!("the JWKS at {url}"))?;
                return Ok((key, fetched.note));
            }
        };
        Ok((key, None))
    }

    /// Decodes, verifies and diagnoses a token; where the vault can be opened, it names the signer and
    /// the audience's key. Without a vault (a headless box, no keyring) the rest still works.
    pub async fn inspect(&self, input: InspectInput) -> Result<Inspected, InspectError> {
        let at = input.at.unwrap_or_else(|| self.now());
        let (key, note) = match input.key {
            Some(origin) => {
                let (key, note) = self.verify_key(origin, at).await?;
                (Some(key), note)
            }
            None => (None, None),
        };
        let options = Options {
            at,
            leeway: input.leeway.clamp(0, MAX_LEEWAY_SECONDS),
            key,
            audience: given(input.audience),
            issuer: given(input.issuer),
            shopify_api_key: given(input.shopify_api_key),
        };
        let mut analysis = inspect::analyze(&input.token, &options);
        // Opening the vault (SQLite, migrations, the journal's recovery) costs more than the decode:
        // only when there is something to ask it, and a vault to ask.
        if Vault::has_questions(&analysis) && self.has_vault() {
            if let Ok(vault) = self.vault().await {
                vault.explain(&mut analysis).await;
            }
        }
        Ok(Inspected { inspection: analysis.inspection, note })
    }

    /// A test token signed with a vault secret. Returned to be shown and copied; never stored.
    pub async fn mint(&self, request: MintRequest) -> Result<Minted, InspectError> {
        let (key_id, claims) = match request {
            MintRequest::Shopify { key_id, api_key, shop, user, lifetime } => {
                let lifetime = lifetime.clamp(*MINT_LIFETIME_SECONDS.start(), *MINT_LIFETIME_SECONDS.end());
                (key_id, mint::shopify_session_claims(&api_key, &shop, &user, self.now(), lifetime)?)
            }
            MintRequest::Hs256 { key_id, claims } => (key_id, claims),
        };
        let (_, secret) = self.vault().await?.signing_secret(&key_id).await?;
        Ok(Minted { token: mint::hs256(secret.expose().as_bytes(), &claims)? })
    }

    /// Inspects again and keeps header and claims, never the signature, on the user's request.
    pub async fn save_inspection(&self, request: InspectRequest) -> Result<HistoryEntry, InspectError> {
        let token = request.token.clone();
        let inspected = self.inspect(request.into()).await?;
        let vault = self.vault().await?;
        Ok(history::save(vault.database(), &token, &inspected.inspection, self.now()).await?)
    }

    pub async fn inspection_history(&self, limit: u32) -> Result<Vec<HistoryEntry>, InspectError> {
        Ok(history::list(self.vault().await?.database(), limit).await?)
    }

    pub async fn clear_inspection_history(&self) -> Result<(), InspectError> {
        Ok(history::clear(self.vault().await?.database()).await?)
    }
}
