//! Every type that crosses the IPC bridge between the Tauri app and the Yew UI.
//!
//! Both sides compile against this crate, so a renamed field breaks the build on both sides instead of
//! failing at run time. Nothing here ever carries a secret value except [`Revealed`], the reply to an
//! explicit reveal, and [`NewKey::secret`], which only travels from the UI into the backend.

use serde::{Deserialize, Serialize};

pub mod commands;
mod env;
mod providers;
mod team;
pub mod text;
pub use env::*;
pub use providers::*;
pub use team::*;

/// How far an instant is from now, as both skins print it: "in 42 s", "3 min ago", "just now".
pub fn relative_time(t: i64, now: i64) -> String {
    let d = t.saturating_sub(now);
    let a = d.unsigned_abs();
    let amount = match a {
        0..5 => return "just now".into(),
        5..60 => format!("{a} s"),
        60..3600 => format!("{} min", a / 60),
        3600..86_400 => format!("{} h", a / 3600),
        _ => format!("{} d", a / 86_400),
    };
    if d >= 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// What kind of credential a key is; only `Secret` keys fall under the one-active-key rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyKind {
    Secret,
    Publishable,
    Token,
    ClientSecret,
}

impl KeyKind {
    pub const ALL: [KeyKind; 4] = [KeyKind::Secret, KeyKind::Publishable, KeyKind::Token, KeyKind::ClientSecret];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyKind::Secret => "secret",
            KeyKind::Publishable => "publishable",
            KeyKind::Token => "token",
            KeyKind::ClientSecret => "client-secret",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            KeyKind::Secret => "Secret key",
            KeyKind::Publishable => "Publishable key",
            KeyKind::Token => "Token",
            KeyKind::ClientSecret => "Client secret",
        }
    }
}

/// Revoke is final: there is no way back from `Revoked`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum KeyStatus {
    Active,
    Revoked,
}

impl KeyStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyStatus::Active => "active",
            KeyStatus::Revoked => "revoked",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "active" => Some(KeyStatus::Active),
            "revoked" => Some(KeyStatus::Revoked),
            _ => None,
        }
    }
}

/// A key's metadata as the vault mirrors it. Times are Unix seconds (UTC).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyRecord {
    pub id: String,
    pub title: String,
    pub provider: String,
    pub account: String,
    pub environment: String,
    pub owner: String,
    pub kind: KeyKind,
    /// First 6 characters + `…` + last 4: enough to recognise, never enough to use.
    pub redacted: String,
    pub status: KeyStatus,
    pub created_at: i64,
    pub revoked_at: Option<i64>,
    pub expires_at: Option<i64>,
    pub last_verified_at: Option<i64>,
    pub remote_id: Option<String>,
    pub notes: String,
    /// Present or gone at the provider, for a key linked to a provider account; `None` when local only.
    #[serde(default)]
    pub remote_state: Option<RemoteState>,
    /// When a sync last saw this key at its provider.
    #[serde(default)]
    pub synced_at: Option<i64>,
    /// False for a key mirrored from a provider that never showed Keyden its secret.
    #[serde(default = "yes")]
    pub has_secret: bool,
    #[serde(default)]
    pub last_checked_at: Option<i64>,
    #[serde(default)]
    pub last_check: Option<CheckOutcome>,
    /// A generic key's health probe: the URL, and one header line with `{key}` where the value goes.
    #[serde(default)]
    pub probe_url: Option<String>,
    #[serde(default)]
    pub probe_header: Option<String>,
    /// Set when the key is shared through a team account (OpenBao).
    #[serde(default)]
    pub team: Option<TeamLink>,
}

fn yes() -> bool {
    true
}

impl KeyRecord {
    /// Expired by its own clock (the key's `expires_at`), whatever its status.
    pub fn is_expired(&self, now: i64) -> bool {
        self.expires_at.is_some_and(|e| e <= now)
    }

    /// Active and expiring within `days` days (or already past its expiry).
    pub fn expires_within(&self, now: i64, days: u32) -> bool {
        self.status == KeyStatus::Active
            && self.expires_at.is_some_and(|e| e <= now.saturating_add(i64::from(days) * 86_400))
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SortField {
    Title,
    #[default]
    Created,
    Expires,
    Verified,
}

impl SortField {
    pub fn as_str(self) -> &'static str {
        match self {
            SortField::Title => "title",
            SortField::Created => "created",
            SortField::Expires => "expires",
            SortField::Verified => "verified",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [SortField::Title, SortField::Created, SortField::Expires, SortField::Verified]
            .into_iter()
            .find(|f| f.as_str() == s)
    }
}

/// Search, filter and sort for the key list; every field optional, all evaluated offline.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KeyQuery {
    /// Matches title, provider, id or redacted prefix, case-insensitively, as plain text (no wildcards).
    pub search: Option<String>,
    pub status: Option<KeyStatus>,
    pub provider: Option<String>,
    pub environment: Option<String>,
    pub expiring_within_days: Option<u32>,
    pub sort: SortField,
    pub desc: bool,
    /// At most this many keys in the reply (the first ones in sort order); `KeyList::matched` still
    /// counts them all. The app asks for a screenful at a time; the CLI for everything.
    #[serde(default)]
    pub limit: Option<u32>,
}

/// A new key as the user describes it. `secret` travels UI → backend only, never back.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct NewKey {
    pub title: String,
    pub provider: String,
    pub account: String,
    pub environment: String,
    pub owner: String,
    pub kind: KeyKind,
    pub expires_at: Option<i64>,
    pub notes: String,
    pub secret: String,
}

impl std::fmt::Debug for NewKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewKey")
            .field("title", &self.title)
            .field("provider", &self.provider)
            .field("kind", &self.kind)
            .field("secret", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Edit changes the title and notes, nothing else (admin-guide semantics).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KeyEdit {
    pub title: Option<String>,
    pub notes: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuditAction {
    Create,
    Edit,
    Reveal,
    Copy,
    Inject,
    Revoke,
    Delete,
    Recover,
    /// The secret was used to verify or mint a token (never shown).
    Verify,
    /// The key's provider was asked whether it still accepts the key.
    Check,
    /// Written to a team vault for the team.
    Share,
    /// A new value: rotated here, or a teammate's new version brought by a sync.
    Rotate,
}

impl AuditAction {
    pub fn as_str(self) -> &'static str {
        match self {
            AuditAction::Create => "create",
            AuditAction::Edit => "edit",
            AuditAction::Reveal => "reveal",
            AuditAction::Copy => "copy",
            AuditAction::Inject => "inject",
            AuditAction::Revoke => "revoke",
            AuditAction::Delete => "delete",
            AuditAction::Recover => "recover",
            AuditAction::Verify => "verify",
            AuditAction::Check => "check",
            AuditAction::Share => "share",
            AuditAction::Rotate => "rotate",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        use AuditAction::*;
        [Create, Edit, Reveal, Copy, Inject, Revoke, Delete, Recover, Verify, Check, Share, Rotate]
            .into_iter()
            .find(|a| a.as_str() == s)
    }
}

/// One line of the local audit log. Never holds a value; the title is a snapshot so the trail of a
/// deleted key still reads well.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub key_id: String,
    pub key_title: String,
    pub action: AuditAction,
    /// Which skin acted: `app` or `cli`.
    pub origin: String,
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyDetail {
    pub key: KeyRecord,
    pub audit: Vec<AuditEntry>,
    /// Health checks, newest first.
    #[serde(default)]
    pub checks: Vec<HealthCheck>,
}

/// Values the filter menus offer, taken from the keys that exist.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Facets {
    pub providers: Vec<String>,
    pub environments: Vec<String>,
    pub total: u32,
}

/// The key list with the clock it was judged against, so the UI's "expiring soon" marker agrees with
/// the backend's filter.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyList {
    pub keys: Vec<KeyRecord>,
    /// How many keys match the query, `keys` being the first `limit` of them.
    #[serde(default)]
    pub matched: u32,
    pub now: i64,
    pub facets: Facets,
}

/// What the window's first frame shows: the settings and the first screenful of the key list, in the
/// default order. The app prepares it while the window is being created and hands it to the page in
/// an initialization script (as the global [`FIRST_SCREEN_GLOBAL`]), so the list is drawn with the
/// page's first render instead of after a round trip through the IPC bridge. Metadata only, like every
/// list reply: no secret value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FirstScreen {
    pub settings: Settings,
    pub list: KeyList,
}

/// The global the initialization script sets; the page reads it once and deletes it.
pub const FIRST_SCREEN_GLOBAL: &str = "__KEYDEN_FIRST_SCREEN__";

impl FirstScreen {
    /// Keys in the first frame: a screenful. A row is 56 px high, so 24 fill a window about 1,500 px
    /// tall (the default window shows 10). The rest follows right after that frame is painted: every
    /// row more in the first frame is more of Yew's render, style and layout before anything shows.
    pub const ROWS: u32 = 24;

    /// The query of the first frame's list: the default one, a screenful long.
    pub fn query() -> KeyQuery {
        KeyQuery { limit: Some(Self::ROWS), ..KeyQuery::default() }
    }
}

/// One step of the page's start-up, for the start-up bench's trace: which, and when (Unix epoch ms,
/// the web process's clock, which is the machine's).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartupMark {
    pub step: String,
    pub epoch_ms: f64,
}

/// The only reply that carries a secret value: the answer to an explicit reveal.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct Revealed {
    pub id: String,
    pub value: String,
}

impl std::fmt::Debug for Revealed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Revealed").field("id", &self.id).field("value", &"<redacted>").finish()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CopyReceipt {
    pub clears_in_seconds: u32,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Theme {
    #[default]
    System,
    Light,
    Dark,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    pub clipboard_clear_seconds: u32,
    pub theme: Theme,
    pub expiring_soon_days: u32,
    /// Desktop notifications for keys about to expire or whose last check failed.
    pub reminders: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings { clipboard_clear_seconds: 30, theme: Theme::System, expiring_soon_days: 14, reminders: true }
    }
}

/// Every failure crossing the bridge (and printed by the CLI with `--json`).
/// `code` is stable and machine-readable; `message` is for people; `hint` says what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorReply {
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
}

impl std::fmt::Display for ErrorReply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_times_read_naturally() {
        assert_eq!(relative_time(100, 58), "in 42 s");
        assert_eq!(relative_time(0, 180), "3 min ago");
        assert_eq!(relative_time(3 * 86_400, 0), "in 3 d");
        assert_eq!(relative_time(10, 8), "just now");
    }
}

/// The verdict of an inspection, exactly as `keyden inspect --json` names it. When several apply, the
/// first in declaration order wins (see `inspect::verdict` in the core).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Malformed,
    UnsupportedAlgorithm,
    /// The header's `crit` names an extension Keyden does not understand: RFC 7515 §4.1.11 says reject.
    UnknownCritical,
    KeyMismatch,
    InvalidSignature,
    NotYetValid,
    Expired,
    WrongAudience,
    WrongIssuer,
    Valid,
    /// Decoded and every claim check passed, but no key was given to check the signature.
    Unverified,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Malformed => "malformed",
            Verdict::UnsupportedAlgorithm => "unsupported_algorithm",
            Verdict::UnknownCritical => "unknown_critical",
            Verdict::KeyMismatch => "key_mismatch",
            Verdict::InvalidSignature => "invalid_signature",
            Verdict::NotYetValid => "not_yet_valid",
            Verdict::Expired => "expired",
            Verdict::WrongAudience => "wrong_audience",
            Verdict::WrongIssuer => "wrong_issuer",
            Verdict::Valid => "valid",
            Verdict::Unverified => "unverified",
        }
    }

    /// valid and unverified are fine (exit 0); everything else is a finding (exit 1).
    pub fn is_ok(self) -> bool {
        matches!(self, Verdict::Valid | Verdict::Unverified)
    }
}

/// What was pasted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum TokenKind {
    /// A Shopify session token (App Bridge `idToken()`): HS256, 60 s, aud = client id.
    ShopifySessionToken { shop: String },
    /// A Medusa admin/auth JWT (actor_type, auth_identity_id).
    MedusaJwt { actor_type: String },
    /// A JWT of no particular provider.
    Jwt,
    /// Not a JWT, but a key recognised by its prefix.
    OpaqueKey { provider: String, kind: String, redacted: String },
    /// Neither.
    Unknown,
}

/// The token's own clock, judged at `at`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenTimes {
    pub at: i64,
    pub iat: Option<i64>,
    pub nbf: Option<i64>,
    pub exp: Option<i64>,
    /// exp − iat, when both are there.
    pub lifetime_seconds: Option<i64>,
    /// exp − at: negative once expired.
    pub expires_in_seconds: Option<i64>,
}

/// A vault key that the inspection points at: the signer of a token, the owner of its audience, or
/// the key a pasted opaque value already is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VaultMatch {
    pub id: String,
    pub title: String,
    pub status: KeyStatus,
    pub revoked_at: Option<i64>,
}

/// Everything `keyden inspect` and the Inspector screen show.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inspection {
    pub verdict: Verdict,
    pub alg: Option<String>,
    pub header: Option<serde_json::Value>,
    pub claims: Option<serde_json::Value>,
    /// Plain words: what is wrong and what to do.
    pub diagnosis: String,
    pub kind: TokenKind,
    pub times: TokenTimes,
    /// The vault secret that signed the token, when the given key did not.
    pub signer: Option<VaultMatch>,
    /// How many vault secrets were tried to find the signer.
    pub secrets_tried: Option<u32>,
    /// Vault keys that hold this value already (opaque keys), or whose account is the token's audience.
    pub vault_matches: Vec<VaultMatch>,
    /// Every check that failed, in precedence order; `verdict` is the first.
    pub findings: Vec<Verdict>,
    /// Members the header or the claims hold more than once ("header.alg"): the last one counts, as
    /// RFC 7515 allows, but the reader should know the token says two things.
    #[serde(default)]
    pub duplicate_members: Vec<String>,
}

/// What to verify a token with, from the Inspector.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type", content = "value")]
pub enum KeySource {
    /// A vault key's secret, by id (revoked keys too: that is what they are kept for).
    Vault(String),
    /// A pasted HMAC secret (UI → backend only).
    Secret(String),
    /// A pasted PEM public key, JWK or JWKS document.
    Public(String),
    /// A JWKS URL, fetched once and cached.
    JwksUrl(String),
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            KeySource::Vault(id) => write!(f, "Vault({id})"),
            KeySource::Secret(_) => f.write_str("Secret(<redacted>)"),
            KeySource::Public(_) => f.write_str("Public(..)"),
            KeySource::JwksUrl(u) => write!(f, "JwksUrl({u})"),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct InspectRequest {
    pub token: String,
    pub key: Option<KeySource>,
    pub leeway: i64,
    pub audience: Option<String>,
    pub issuer: Option<String>,
    pub shopify_api_key: Option<String>,
}

/// A test token to mint from a vault secret. Never stored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum MintRequest {
    Shopify { key_id: String, api_key: String, shop: String, user: String, lifetime: i64 },
    Hs256 { key_id: String, claims: serde_json::Value },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Minted {
    pub token: String,
}

/// An inspection the user chose to keep: header and claims only, the signature dropped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    pub saved_at: i64,
    /// `header.claims.` — the token without its signature.
    pub unsigned: String,
    pub verdict: Verdict,
    /// e.g. "HS256 Shopify session token · demo.myshopify.com".
    pub summary: String,
}
