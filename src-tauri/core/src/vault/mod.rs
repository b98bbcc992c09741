//! The vault: the lifecycle rules, and the journal that keeps the keyring and SQLite in agreement.
//!
//! Every change that touches both stores runs in three steps — row written pending, keyring changed,
//! row finalised — and [`Vault::recover`] finishes or rolls back whatever a killed process left
//! behind. Rules (admin-guide semantics): revoke is final; delete only after revoke; at most one active
//! secret key per (provider, account, owner); a revoked key's secret is never handed out again.

mod batch;
mod continuity;
mod error;
mod explain;
mod journal;
pub mod seed;
mod team;
pub mod validate;

pub use batch::PartialAdd;
pub use error::VaultError;
pub use journal::RecoveryReport;

use crate::clock::Clock;
use crate::fingerprint::Fingerprinter;
use crate::secret::SecretValue;
use crate::secret_store::{SecretRead, SecretStore};
use crate::store::{AuditLog, Database, Inserted, KeyIndex, KeyRow, KeyRows};
use keyden_protocol::{
    AuditAction, AuditEntry, KeyDetail, KeyEdit, KeyKind, KeyList, KeyQuery, KeyRecord, KeyStatus, RemoteState,
};
use std::path::Path;
use std::sync::Arc;
use tokio::sync::OnceCell;

/// Metadata for a new key; the value travels beside it as a [`SecretValue`].
#[derive(Clone, Debug, Default)]
pub struct NewKeyMeta {
    pub title: String,
    pub provider: String,
    pub account: String,
    pub environment: String,
    pub owner: String,
    pub kind: Option<KeyKind>,
    pub expires_at: Option<i64>,
    pub notes: String,
    /// Set for a key just created at its provider (see `providers::lifecycle`).
    pub remote_id: Option<String>,
    /// The provider's own redacted form, so the mirror and the provider show the same text.
    pub redacted: Option<String>,
    /// The id to use when it is free (a key synced from the team keeps the id it was shared under).
    pub id: Option<String>,
    /// Set for a key synced from a team account.
    pub team: Option<keyden_protocol::TeamLink>,
}

/// Why a secret leaves the vault; each is audited under its own name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Use {
    Reveal,
    Copy,
    Inject,
    /// Written to a team vault.
    Share,
}

impl From<Use> for AuditAction {
    fn from(u: Use) -> Self {
        match u {
            Use::Reveal => AuditAction::Reveal,
            Use::Copy => AuditAction::Copy,
            Use::Inject => AuditAction::Inject,
            Use::Share => AuditAction::Share,
        }
    }
}

pub struct Vault {
    db: Database,
    secrets: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    origin: &'static str,
    fingerprinter: OnceCell<Arc<Fingerprinter>>,
    /// Secrets read for the signer search, kept for this vault's life (zeroized when dropped).
    hmac_cache: tokio::sync::Mutex<Option<Arc<SecretsLoaded>>>,
    /// When each key was last audited as used for verification (see `verification_secret`).
    last_verify_audit: tokio::sync::Mutex<std::collections::HashMap<String, i64>>,
    /// The searched columns in memory, for the app's search as the user types (see `list`).
    index: KeyIndex,
}

/// Keys with their secret values, as the signer search holds them.
pub(crate) type SecretsLoaded = Vec<(KeyRecord, SecretValue)>;

impl Vault {
    /// Opens (creating and migrating) the database in `data_dir` and runs the recovery pass.
    pub async fn open(
        data_dir: &Path,
        secrets: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
        origin: &'static str,
    ) -> Result<(Self, RecoveryReport), VaultError> {
        let db = Database::open(&data_dir.join(crate::paths::DATABASE_FILE)).await?;
        let vault = Vault {
            db,
            secrets,
            clock,
            origin,
            fingerprinter: OnceCell::new(),
            hmac_cache: Default::default(),
            last_verify_audit: Default::default(),
            index: KeyIndex::default(),
        };
        if let Err(e) = vault.check_continuity(data_dir).await {
            // Closed cleanly, so no WAL of the empty database is left to spoil a restored backup.
            vault.close().await;
            return Err(e);
        }
        let report = vault.recover().await?;
        Ok((vault, report))
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    pub async fn close(&self) {
        self.index.close().await;
        self.db.close().await;
    }

    /// [`close`](Self::close), folding even a small WAL into the database (see `Database`).
    pub async fn close_folding_all(&self) {
        self.index.close().await;
        self.db.close_folding_all().await;
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    fn rows(&self) -> KeyRows<'_> {
        KeyRows(&self.db)
    }

    async fn audit(&self, key: &KeyRecord, action: AuditAction, detail: &str) -> Result<(), VaultError> {
        AuditLog(&self.db).record(self.now(), &key.id, &key.title, action, self.origin, detail).await?;
        Ok(())
    }

    /// Runs a blocking keyring call off the async executor.
    async fn keyring<T, F>(&self, f: F) -> Result<T, VaultError>
    where
        T: Send + 'static,
        F: FnOnce(&dyn SecretStore) -> Result<T, crate::secret_store::KeyringError> + Send + 'static,
    {
        let store = Arc::clone(&self.secrets);
        tokio::task::spawn_blocking(move || f(store.as_ref()))
            .await
            .expect("keyring task panicked")
            .map_err(VaultError::from)
    }

    /// Keyring entries that are not keys (a provider account's password, its cached admin JWT).
    pub(crate) async fn credential_put(&self, id: &str, label: &str, value: SecretValue) -> Result<(), VaultError> {
        let (id, label) = (id.to_string(), label.to_string());
        self.keyring(move |s| s.put(&id, &label, &value)).await
    }

    pub(crate) async fn credential_get(&self, id: &str) -> Result<Option<SecretValue>, VaultError> {
        let id = id.to_string();
        self.keyring(move |s| s.get(&id)).await
    }

    pub(crate) async fn credential_remove(&self, id: &str) -> Result<bool, VaultError> {
        let id = id.to_string();
        self.keyring(move |s| s.remove(&id)).await
    }

    /// Fails when the keyring cannot be reached (before any remote call: a key created remotely must
    /// have somewhere to keep its secret; and at the app's first run, to say how to fix it).
    pub async fn ensure_keyring(&self) -> Result<(), VaultError> {
        self.fingerprinter().await.map(|_| ())
    }

    pub(crate) async fn audit_key(&self, key: &KeyRecord, action: AuditAction, detail: &str) -> Result<(), VaultError> {
        self.audit(key, action, detail).await
    }

    /// Sets or clears a key's generic health probe (URL + one header line with `{key}`).
    pub async fn set_probe(
        &self,
        name: &str,
        url: Option<&str>,
        header: Option<&str>,
    ) -> Result<KeyRecord, VaultError> {
        let mut key = self.resolve(name).await?;
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        let header = header.map(str::trim).filter(|h| !h.is_empty());
        if let Some(u) = url {
            validate::probe_url(u)?;
        }
        if let Some(h) = header {
            validate::probe_header(h)?;
        }
        self.rows().set_probe(&key.id, url, header).await?;
        key.probe_url = url.map(str::to_string);
        key.probe_header = header.map(str::to_string);
        self.audit(&key, AuditAction::Edit, "health probe changed").await?;
        Ok(key)
    }

    async fn fingerprinter(&self) -> Result<Arc<Fingerprinter>, VaultError> {
        self.fingerprinter
            .get_or_try_init(|| async {
                let install = self.db.install_id().await?;
                let lock = self.db.lock_beside("fingerprint.lock")?;
                let loaded = self.keyring(move |s| Fingerprinter::load_or_create(s, &install).map(Arc::new)).await;
                drop(lock);
                loaded
            })
            .await
            .cloned()
    }

    /// Adds a key: validated, checked against the one-active rule, then journalled into both stores.
    /// The keyring is reached (for the fingerprint key) before any row is written, so an unavailable
    /// keyring leaves the database untouched.
    pub async fn add(&self, meta: NewKeyMeta, secret: SecretValue) -> Result<KeyRecord, VaultError> {
        let record = self.new_record(meta, &secret)?;
        let fingerprint = self.fingerprinter().await?.of(&secret);
        // A key created at a provider was already judged by the provider layer's policy (which respects
        // the server's own answer); the local rule is for local keys.
        if record.kind == KeyKind::Secret && record.remote_id.is_none() && record.team.is_none() {
            self.refuse_second_active_secret(&record).await?;
        }
        let row = KeyRow { record, fingerprint, pending: None, pending_pid: None, pending_at: None };
        if let Inserted::ActiveSecretExists = self.rows().insert_pending(&row, std::process::id(), self.now()).await? {
            // Lost a race with another process between the check and the insert.
            self.refuse_second_active_secret(&row.record).await?;
            return Err(VaultError::Conflict(row.record.title));
        }
        journal::pause_point("create:row-written");
        let (id, label) = (row.record.id.clone(), row.record.title.clone());
        if let Err(e) = self.keyring(move |s| s.put(&id, &label, &secret)).await {
            self.rows().remove(&row.record.id).await?;
            return Err(e);
        }
        journal::pause_point("create:keyring-written");
        self.rows().finalise(&row.record.id).await?;
        self.forget_cached_secrets().await;
        self.audit(&row.record, AuditAction::Create, "").await?;
        Ok(row.record)
    }

    /// A new key's record from its metadata, validated; nothing is written.
    fn new_record(&self, meta: NewKeyMeta, secret: &SecretValue) -> Result<KeyRecord, VaultError> {
        let title = validate::title(&meta.title)?;
        Ok(KeyRecord {
            id: meta.id.clone().unwrap_or_else(new_key_id),
            title,
            provider: validate::provider(&meta.provider)?,
            account: validate::label("account", &meta.account)?,
            environment: validate::label("environment", &meta.environment)?,
            owner: validate::label("owner", &meta.owner)?,
            kind: meta.kind.unwrap_or(KeyKind::Secret),
            redacted: meta.redacted.clone().unwrap_or_else(|| secret.redacted()),
            status: KeyStatus::Active,
            created_at: self.now(),
            revoked_at: None,
            expires_at: meta.expires_at,
            last_verified_at: None,
            remote_id: meta.remote_id.clone(),
            notes: validate::notes(&meta.notes)?,
            remote_state: meta.remote_id.as_ref().map(|_| RemoteState::Present),
            synced_at: meta.remote_id.as_ref().map(|_| self.now()),
            has_secret: true,
            last_checked_at: None,
            last_check: None,
            probe_url: None,
            probe_header: None,
            team: meta.team.clone(),
        })
    }

    async fn refuse_second_active_secret(&self, new: &KeyRecord) -> Result<(), VaultError> {
        if let Some(active) = self.rows().active_secret_for(&new.provider, &new.account, &new.owner).await? {
            return Err(VaultError::OneActiveKey { active_id: active.record.id, active_title: active.record.title });
        }
        Ok(())
    }

    pub async fn list(&self, query: &KeyQuery) -> Result<KeyList, VaultError> {
        let now = self.now();
        // A search is asked again at every keystroke: it is served from memory once the index is
        // loaded and as new as the file. Any other list (the first screen among them) from SQL, so that
        // opening the app loads no index.
        if query.search.as_deref().is_some_and(|s| !s.trim().is_empty()) {
            if let Some((keys, matched, facets)) = self.index.page(&self.db, query, now).await? {
                return Ok(KeyList { keys, matched, now, facets });
            }
        }
        let (keys, matched) = self.rows().page(query, now).await?;
        let facets = self.rows().facets().await?;
        Ok(KeyList { keys, matched, now, facets })
    }

    /// The keys a query matches, in order, without the total and the filter menus [`list`](Self::list)
    /// adds for the app: what the CLI's `keys list` prints.
    pub async fn keys(&self, query: &KeyQuery) -> Result<Vec<KeyRecord>, VaultError> {
        Ok(self.rows().list(query, self.now()).await?)
    }

    /// Finds one settled key by id, unique id prefix (6+ characters) or exact title.
    pub async fn resolve(&self, name: &str) -> Result<KeyRecord, VaultError> {
        let name = name.trim();
        let mut found = self.rows().find_by_name(name).await?;
        // An exact id always wins over titles or prefixes that happen to match too.
        if let Some(pos) = found.iter().position(|r| r.record.id == name) {
            return Ok(found.swap_remove(pos).record);
        }
        match found.len() {
            0 => Err(VaultError::NotFound(name.to_string())),
            1 => Ok(found.remove(0).record),
            _ => Err(VaultError::Ambiguous {
                name: name.to_string(),
                matches: found.into_iter().map(|r| format!("{} ({})", r.record.id, r.record.title)).collect(),
            }),
        }
    }

    pub async fn detail(&self, name: &str) -> Result<KeyDetail, VaultError> {
        let key = self.resolve(name).await?;
        let audit = AuditLog(&self.db).list(Some(&key.id), 200).await?;
        let checks = crate::store::CheckRows(&self.db).list(&key.id, 100).await?;
        Ok(KeyDetail { key, audit, checks })
    }

    pub async fn audit_log(&self, name: Option<&str>, limit: u32) -> Result<Vec<AuditEntry>, VaultError> {
        let id = match name {
            Some(n) => Some(self.resolve(n).await?.id),
            None => None,
        };
        Ok(AuditLog(&self.db).list(id.as_deref(), limit).await?)
    }

    /// Changes the title and/or notes, nothing else.
    /// Local only: skins go through `Providers::edit_key`, which changes a linked key at its provider
    /// first. The same holds for `revoke` and `delete` below.
    pub(crate) async fn edit(&self, name: &str, edit: KeyEdit) -> Result<KeyRecord, VaultError> {
        let mut key = self.resolve(name).await?;
        let old_title = key.title.clone();
        if let Some(t) = edit.title.as_deref() {
            key.title = validate::title(t)?;
        }
        if let Some(n) = edit.notes.as_deref() {
            key.notes = validate::notes(n)?;
        }
        self.rows().update_text(&key.id, &key.title, &key.notes).await?;
        let detail =
            if old_title != key.title { format!("renamed from '{old_title}'") } else { "notes changed".into() };
        self.audit(&key, AuditAction::Edit, &detail).await?;
        Ok(key)
    }

    /// Revoke is final. The secret stays in the keyring, for token diagnosis only.
    pub(crate) async fn revoke(&self, name: &str) -> Result<KeyRecord, VaultError> {
        let mut key = self.resolve(name).await?;
        if key.status == KeyStatus::Revoked {
            return Err(VaultError::AlreadyRevoked(key.title));
        }
        if !self.rows().revoke(&key.id, self.now()).await? {
            return Err(VaultError::AlreadyRevoked(key.title));
        }
        self.forget_cached_secrets().await;
        key.status = KeyStatus::Revoked;
        key.revoked_at = Some(self.now());
        self.audit(&key, AuditAction::Revoke, "").await?;
        Ok(key)
    }

    /// Deletes a revoked key: its row and its keyring entry, journalled.
    pub(crate) async fn delete(&self, name: &str) -> Result<KeyRecord, VaultError> {
        let key = self.resolve(name).await?;
        if key.status != KeyStatus::Revoked {
            return Err(VaultError::NotRevoked(key.title));
        }
        if !self.rows().mark_pending_delete(&key.id, std::process::id(), self.now()).await? {
            return Err(VaultError::Conflict(key.title));
        }
        journal::pause_point("delete:row-marked");
        let id = key.id.clone();
        if let Err(e) = self.keyring(move |s| s.remove(&id)).await {
            // The keyring said no: undo the mark so the key is exactly as it was.
            self.rows().finalise(&key.id).await?;
            return Err(e);
        }
        journal::pause_point("delete:keyring-removed");
        self.rows().remove(&key.id).await?;
        self.forget_cached_secrets().await;
        self.audit(&key, AuditAction::Delete, "").await?;
        Ok(key)
    }

    /// A key that may hand out its value: found, active, and held by Keyden.
    pub async fn usable(&self, name: &str) -> Result<KeyRecord, VaultError> {
        let key = self.resolve(name).await?;
        if key.status == KeyStatus::Revoked {
            return Err(VaultError::Revoked(key.title));
        }
        if !key.has_secret {
            return Err(VaultError::NeverHeld(key.title));
        }
        Ok(key)
    }

    /// The values of several [`usable`](Self::usable) keys, read in one keyring session (a
    /// `keyden run` with many references), each use audited once with its own detail.
    pub async fn use_secrets(
        &self,
        uses: &[(KeyRecord, String)],
        purpose: Use,
    ) -> Result<Vec<SecretValue>, VaultError> {
        let ids: Vec<String> = uses.iter().map(|(k, _)| k.id.clone()).collect();
        let values = self.keyring(move |s| s.get_many(&ids)).await?;
        let mut out = Vec::with_capacity(values.len());
        for ((key, _), value) in uses.iter().zip(values) {
            out.push(value.ok_or_else(|| VaultError::SecretMissing(key.title.clone()))?);
        }
        for (key, detail) in uses {
            self.audit(key, purpose.into(), detail).await?;
        }
        Ok(out)
    }

    /// Hands out an active key's value for an explicit use, audited. Revoked keys are refused.
    pub async fn use_secret(
        &self,
        name: &str,
        purpose: Use,
        detail: &str,
    ) -> Result<(KeyRecord, SecretValue), VaultError> {
        self.use_secret_read_early(name, purpose, detail, None).await
    }

    /// [`use_secret`](Self::use_secret), with the keyring already read for the key id `early.0` (see
    /// `Keyden::read_ahead`). That read stands for this one only if `name` turns out to be that usable
    /// key, under the same rules and audit; otherwise it is dropped (a value wiped) and the keyring is
    /// read as usual.
    pub(crate) async fn use_secret_read_early(
        &self,
        name: &str,
        purpose: Use,
        detail: &str,
        early: Option<(String, SecretRead)>,
    ) -> Result<(KeyRecord, SecretValue), VaultError> {
        let key = self.usable(name).await?;
        let read = match early {
            // Its failure too (a locked or silent keyring): reading again would only wait twice.
            Some((id, read)) if id == key.id => read.map_err(VaultError::from)?,
            _ => {
                let id = key.id.clone();
                self.keyring(move |s| s.get(&id)).await?
            }
        };
        let secret = read.ok_or_else(|| VaultError::SecretMissing(key.title.clone()))?;
        self.audit(&key, purpose.into(), detail).await?;
        Ok((key, secret))
    }

    /// Keys whose stored value equals `candidate`, found by keyed fingerprint without reading secrets.
    pub async fn find_by_value(&self, candidate: &SecretValue) -> Result<Vec<KeyRecord>, VaultError> {
        let fp = self.fingerprinter().await?.of(candidate);
        Ok(self.rows().by_fingerprint(&fp).await?.into_iter().map(|r| r.record).collect())
    }

    /// Every held key with its fingerprint, and the install's fingerprinter: what `scan` needs to
    /// recognise a copied secret without reading one value from the keyring.
    pub async fn fingerprint_index(&self) -> Result<(Arc<Fingerprinter>, Vec<(KeyRecord, String)>), VaultError> {
        let fingerprinter = self.fingerprinter().await?;
        let rows = self.rows().fingerprinted().await?;
        Ok((fingerprinter, rows.into_iter().map(|r| (r.record, r.fingerprint)).collect()))
    }

    /// Whether a key already has this exact title (any status), to pick a free one.
    pub async fn title_taken(&self, title: &str) -> Result<bool, VaultError> {
        Ok(self.rows().find_by_name(title).await?.iter().any(|r| r.record.title == title))
    }

    /// The active secret key that holds the one-active slot for (provider, account, owner), if any.
    pub async fn active_secret_for(
        &self,
        provider: &str,
        account: &str,
        owner: &str,
    ) -> Result<Option<KeyRecord>, VaultError> {
        Ok(self.rows().active_secret_for(provider, account, owner).await?.map(|r| r.record))
    }
}

/// Whether `name` has the form of a key id (not whether such a key exists).
pub(crate) fn is_key_id(name: &str) -> bool {
    name.strip_prefix("key_").is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `key_` + 16 hex characters (64 random bits): short enough to type, unique enough for one vault.
pub(crate) fn new_key_id() -> String {
    let mut bytes = [0u8; 8];
    getrandom::getrandom(&mut bytes).expect("the OS random source failed");
    format!("key_{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests;
