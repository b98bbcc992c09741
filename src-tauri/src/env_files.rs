//! The Environment files screen's commands: classify a `.env`, import it, scan a folder. Each calls
//! the same core function as the CLI; replies carry redacted forms and key names, never a value.
//! Paths come from the dialog or are typed; only absolute ones are accepted.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keyden_core::env::import::{self, ImportOptions};
use keyden_protocol::{EnvFileView, EnvImportReport, ScanReport};
use std::path::PathBuf;
use tauri::State;

fn absolute(path: &str) -> AppResult<PathBuf> {
    let p = PathBuf::from(path.trim());
    if !p.is_absolute() {
        return Err(AppError::new(
            "invalid_input",
            format!("{path:?} is not an absolute path"),
            Some("choose the file with Browse…, or type its full path"),
        ));
    }
    Ok(p)
}

#[tauri::command]
pub async fn env_file_preview(state: State<'_, AppState>, path: String) -> AppResult<EnvFileView> {
    let path = absolute(&path)?;
    Ok(import::plan(state.vault().await?, &path, &ImportOptions::default()).await?.view)
}

#[tauri::command]
pub async fn env_file_import(state: State<'_, AppState>, path: String) -> AppResult<EnvImportReport> {
    let path = absolute(&path)?;
    Ok(import::apply(state.vault().await?, &path, &ImportOptions::default()).await?)
}

/// The walk reads files for a while: off the async threads.
#[tauri::command]
pub async fn scan_folder(state: State<'_, AppState>, path: String) -> AppResult<ScanReport> {
    let path = absolute(&path)?;
    let index = keyden_core::scan::index(state.vault().await?).await?;
    let report = tokio::task::spawn_blocking(move || keyden_core::scan::scan_paths(&index, &[path]))
        .await
        .map_err(|e| AppError::new("scan_failed", format!("the scan stopped: {e}"), None))?;
    Ok(report?)
}
