//! The app's state: the core's front door, opened on first use — `first_screen`'s, off the main thread,
//! while the window is being made; a failure there waits for the page's first command to be said — and
//! the progress of running syncs for the UI to poll.

use crate::error::AppResult;
use keyden_core::{Config, Keyden};
use keyden_protocol::SyncProgress;
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, OnceLock};

/// Cloned handles share one core: `first_screen` opens it from `main`, before Tauri starts.
#[derive(Clone)]
pub struct AppState {
    /// The app's `--data-dir`; without it `KEYDEN_DATA_DIR`, else the OS app-data dir.
    explicit_dir: Option<PathBuf>,
    keyden: Arc<OnceLock<Keyden>>,
    sync_progress: Arc<Mutex<HashMap<String, SyncProgress>>>,
}

impl AppState {
    pub fn new(explicit: Option<PathBuf>) -> Self {
        AppState { explicit_dir: explicit, keyden: Arc::default(), sync_progress: Arc::default() }
    }

    /// The core, if something opened it.
    pub fn opened(&self) -> Option<&Keyden> {
        self.keyden.get()
    }

    /// The core, on the data directory resolved (and created) on first use, as the CLI resolves it.
    pub fn keyden(&self) -> AppResult<&Keyden> {
        if let Some(k) = self.keyden.get() {
            return Ok(k);
        }
        let keyden = Keyden::open(Config { data_dir: self.explicit_dir.clone(), origin: "app" })?;
        Ok(self.keyden.get_or_init(|| keyden))
    }

    pub fn data_dir(&self) -> AppResult<&std::path::Path> {
        Ok(self.keyden()?.data_dir())
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
}
