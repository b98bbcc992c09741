//! The vault, opened on first use rather than before the window shows: start-up does no I/O.

use crate::error::AppResult;
use crate::remote::SyncProgress;
use keyden_core::clock::SystemClock;
use keyden_core::providers::http::Http;
use keyden_core::providers::Providers;
use keyden_core::secret_store::OsKeyring;
use keyden_core::vault::Vault;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;
use tokio::sync::OnceCell;

#[derive(Default)]
pub struct AppState {
    vault: OnceCell<Vault>,
    explicit_dir: Option<PathBuf>,
    data_dir: std::sync::OnceLock<PathBuf>,
    /// Built on the first provider call: nothing network-related happens before the window shows.
    http: std::sync::OnceLock<Http>,
    sync_progress: std::sync::Mutex<HashMap<String, SyncProgress>>,
}

impl AppState {
    /// `explicit` is the app's `--data-dir`; without it `KEYDEN_DATA_DIR`, else the OS app-data dir.
    pub fn new(explicit: Option<PathBuf>) -> Self {
        AppState { explicit_dir: explicit, ..Default::default() }
    }

    /// Resolved (and created) on first use, the same way the CLI resolves it.
    pub fn data_dir(&self) -> AppResult<&PathBuf> {
        if let Some(d) = self.data_dir.get() {
            return Ok(d);
        }
        let dir = keyden_core::paths::data_dir(self.explicit_dir.as_deref())?;
        Ok(self.data_dir.get_or_init(|| dir))
    }

    pub async fn providers(&self) -> AppResult<Providers<'_>> {
        let vault = self.vault().await?;
        Ok(Providers::new(vault, self.http.get_or_init(Http::from_env)))
    }

    pub fn set_sync_progress(&self, account: &str, progress: Option<SyncProgress>) {
        let mut map = self.sync_progress.lock().unwrap_or_else(|e| e.into_inner());
        match progress {
            Some(p) => map.insert(account.to_string(), p),
            None => map.remove(account),
        };
    }

    pub fn sync_progress(&self, account: &str) -> Option<SyncProgress> {
        self.sync_progress.lock().unwrap_or_else(|e| e.into_inner()).get(account).copied()
    }

    pub async fn vault(&self) -> AppResult<&Vault> {
        let dir = self.data_dir()?.clone();
        self.vault
            .get_or_try_init(|| async move {
                let (vault, report) =
                    Vault::open(&dir, Arc::new(OsKeyring::default()), Arc::new(SystemClock), "app").await?;
                if !report.completed.is_empty() || !report.rolled_back.is_empty() {
                    tracing::info!(
                        completed = report.completed.len(),
                        rolled_back = report.rolled_back.len(),
                        "repaired interrupted changes"
                    );
                }
                Ok(vault)
            })
            .await
    }
}
