//! Copy from the app: the value goes from the keyring to the clipboard inside this process (it never
//! crosses IPC), and is cleared after the configured seconds if it is still there.

use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use zeroize::Zeroizing;

/// The clipboard plugin's own error, kept whole for the `clipboard_unavailable` reply.
pub type ClipboardError = tauri_plugin_clipboard_manager::Error;

pub fn copy_and_schedule_clear<R: Runtime>(
    app: &AppHandle<R>,
    value: &str,
    seconds: u32,
) -> Result<(), ClipboardError> {
    app.clipboard().write_text(value.to_string())?;
    let app = app.clone();
    let copied = Zeroizing::new(value.to_string());
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(seconds))).await;
        // Someone may have copied something else since: leave that alone.
        if app.clipboard().read_text().is_ok_and(|now| now == *copied) {
            let _ = app.clipboard().clear();
        }
    });
    Ok(())
}
