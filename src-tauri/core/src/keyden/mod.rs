//! The front door: [`Keyden`] wires the vault, the HTTP client and the providers once, and holds the
//! use cases both skins call — the key lifecycle (`keys`), inspection from a key source, minting and
//! the inspection history (`inspection`), settings. The app's commands and the CLI translate arguments
//! and print; the rules are here or below.
//!
//! Nothing is opened before it is needed: the vault (SQLite, the keyring journal's recovery) on the
//! first call that needs it, the HTTP client on the first request. A pure token decode touches neither.

mod inspection;
mod keys;

pub use inspection::{InspectError, InspectInput, Inspected, KeyOrigin, MAX_LEEWAY_SECONDS, MINT_LIFETIME_SECONDS};

use crate::clock::{Clock, SystemClock};
use crate::providers::http::Http;
use crate::providers::Providers;
use crate::secret_store::{OsKeyring, SecretStore};
use crate::vault::{RecoveryReport, Vault, VaultError};
use keyden_protocol::Settings;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use tokio::sync::OnceCell;

/// What a skin knows when it starts.
pub struct Config {
    /// `--data-dir`; without it `KEYDEN_DATA_DIR`, else the OS app-data directory.
    pub data_dir: Option<PathBuf>,
    /// Who acts, for the audit log: "app" or "cli".
    pub origin: &'static str,
}

pub struct Keyden {
    /// `Err` when no data directory could be had: what needs no vault (a token decode) still works.
    data_dir: Result<PathBuf, String>,
    /// The directory was only resolved, not created or checked: done when the vault is first needed.
    dir_unchecked: bool,
    origin: &'static str,
    keyring: Arc<dyn SecretStore>,
    clock: Arc<dyn Clock>,
    vault: OnceCell<Vault>,
    recovery: Mutex<Option<RecoveryReport>>,
    /// Built on the first provider call: nothing network-related happens before it is needed.
    http: OnceLock<Http>,
    /// A key's value being read ahead of the vault's opening (see `read_ahead`): the name, the read.
    read_ahead: Mutex<Option<ReadAhead>>,
}

type ReadAhead = (String, tokio::task::JoinHandle<crate::secret_store::SecretRead>);

impl Keyden {
    /// The OS keyring and the system clock, on the configured data directory (created if missing).
    pub fn open(config: Config) -> Result<Self, crate::paths::PathsError> {
        let dir = crate::paths::data_dir(config.data_dir.as_deref())?;
        Ok(Self::build(Ok(dir), Arc::new(OsKeyring::default()), Arc::new(SystemClock), config.origin))
    }

    /// Like [`open`](Self::open), but nothing is created or opened until a call needs the vault, and a
    /// data directory that cannot be had is only an error for those calls (`inspect` on a headless box).
    pub fn open_for_inspection(config: Config) -> Self {
        let dir = crate::paths::resolve(config.data_dir.as_deref()).map_err(|e| e.to_string());
        Self {
            dir_unchecked: true,
            ..Self::build(dir, Arc::new(OsKeyring::default()), Arc::new(SystemClock), config.origin)
        }
    }

    /// Any keyring and clock: tests, and `--at`-style fixed instants.
    pub fn with_parts(
        data_dir: PathBuf,
        keyring: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
        origin: &'static str,
    ) -> Self {
        Self::build(Ok(data_dir), keyring, clock, origin)
    }

    fn build(
        data_dir: Result<PathBuf, String>,
        keyring: Arc<dyn SecretStore>,
        clock: Arc<dyn Clock>,
        origin: &'static str,
    ) -> Self {
        Keyden {
            data_dir,
            dir_unchecked: false,
            origin,
            keyring,
            clock,
            vault: OnceCell::new(),
            recovery: Mutex::new(None),
            http: OnceLock::new(),
            read_ahead: Mutex::new(None),
        }
    }

    /// The data directory (empty for a Keyden opened without one).
    pub fn data_dir(&self) -> &Path {
        self.data_dir.as_deref().unwrap_or(Path::new(""))
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// The vault, opened (and its interrupted changes repaired) on the first call.
    pub async fn vault(&self) -> Result<&Vault, VaultError> {
        self.vault
            .get_or_try_init(|| async {
                let dir = self.data_dir.as_ref().map_err(|e| VaultError::NoDataDir(e.clone()))?;
                if self.dir_unchecked {
                    crate::paths::ensure(dir).map_err(|e| VaultError::NoDataDir(e.to_string()))?;
                }
                let (vault, report) = Vault::open(dir, self.keyring.clone(), self.clock.clone(), self.origin).await?;
                if !report.completed.is_empty() || !report.rolled_back.is_empty() {
                    tracing::info!(
                        completed = report.completed.len(),
                        rolled_back = report.rolled_back.len(),
                        "repaired interrupted changes"
                    );
                }
                *self.recovery.lock().unwrap_or_else(|e| e.into_inner()) = Some(report);
                Ok(vault)
            })
            .await
    }

    /// Whether there is a vault to look things up in: open already, or a database file on disk. A
    /// lookup against a vault that was never made finds nothing, so it need not make one.
    pub fn has_vault(&self) -> bool {
        self.vault.initialized() || self.data_dir.as_ref().is_ok_and(|d| d.join(crate::paths::DATABASE_FILE).is_file())
    }

    /// What the opening recovery pass did, once (for a skin that tells the user).
    pub fn take_recovery(&self) -> Option<RecoveryReport> {
        self.recovery.lock().unwrap_or_else(|e| e.into_inner()).take()
    }

    pub fn http(&self) -> &Http {
        self.http.get_or_init(Http::from_env)
    }

    /// Every key operation that may involve a provider: edit, revoke and delete go to the provider
    /// first for a linked key, so a skin never calls the vault's local-only versions.
    pub async fn providers(&self) -> Result<Providers<'_>, VaultError> {
        Ok(Providers::new(self.vault().await?, self.http()))
    }

    /// The settings in the data directory's `settings.json` (the app reads the same file through its
    /// store plugin, with the same rules: [`crate::settings::read`]).
    pub fn settings(&self) -> Settings {
        match &self.data_dir {
            Ok(dir) => crate::settings::load(dir),
            Err(_) => Settings::default(),
        }
    }

    pub fn save_settings(&self, settings: Settings) -> Result<Settings, crate::settings::SettingsError> {
        let dir = self.data_dir.as_ref().map_err(|e| crate::settings::SettingsError::Unwritable(e.clone()))?;
        crate::settings::save(dir, settings)
    }

    /// Closes the database (before `exec` hands the process over to another program).
    pub async fn close(&self) {
        if let Some(vault) = self.vault.get() {
            vault.close().await;
        }
    }

    /// Closes the database, its WAL folded in however small: as the app ends.
    pub async fn close_folding_all(&self) {
        if let Some(vault) = self.vault.get() {
            vault.close_folding_all().await;
        }
    }
}
