//! The Environment files screen's commands: classify a `.env`, import it, scan a folder. Each calls
//! the same core function as the CLI; replies carry redacted forms and key names, never a value.
//! Paths come from the dialog or are typed; only absolute ones are accepted.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keyden_core::env::import::{self, ImportOptions};
use keyden_protocol::commands::{Command, EnvFileImport, EnvFilePreview, ScanFolder};
use std::path::PathBuf;
use tauri::State;

type Reply<C> = AppResult<<C as Command>::Reply>;

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
pub async fn env_file_preview(state: State<'_, AppState>, args: EnvFilePreview) -> Reply<EnvFilePreview> {
    let path = absolute(&args.path)?;
    Ok(import::plan(state.keyden()?.vault().await?, &path, &ImportOptions::default()).await?.view)
}

#[tauri::command]
pub async fn env_file_import(state: State<'_, AppState>, args: EnvFileImport) -> Reply<EnvFileImport> {
    let path = absolute(&args.path)?;
    Ok(import::apply(state.keyden()?.vault().await?, &path, &ImportOptions::default()).await?)
}

/// The walk reads files for a while: off the async threads.
#[tauri::command]
pub async fn scan_folder(state: State<'_, AppState>, args: ScanFolder) -> Reply<ScanFolder> {
    let path = absolute(&args.path)?;
    let index = keyden_core::scan::index(state.keyden()?.vault().await?).await?;
    let report = tokio::task::spawn_blocking(move || keyden_core::scan::scan_paths(&index, &[path]))
        .await
        .map_err(|e| AppError::new("scan_failed", format!("the scan stopped: {e}"), None))?;
    Ok(report?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_absolute_paths_are_accepted() {
        let err = absolute("project/.env").unwrap_err();
        assert_eq!(err.0.code, "invalid_input");
        assert!(err.0.message.contains("not an absolute path"), "{}", err.0.message);
        assert!(absolute("").is_err());
        let root = if cfg!(windows) { "C:\\work\\.env" } else { "/work/.env" };
        assert_eq!(absolute(&format!("  {root} ")).unwrap(), PathBuf::from(root));
    }
}
