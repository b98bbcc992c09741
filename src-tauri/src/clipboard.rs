//! Copy from the app: the value goes from the keyring to the clipboard inside this process (it never
//! crosses IPC), and is cleared after the configured seconds if it is still there.

use tauri::{AppHandle, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;
use zeroize::Zeroizing;

/// The clipboard plugin's own error, kept whole for the `clipboard_unavailable` reply.
pub type ClipboardError = tauri_plugin_clipboard_manager::Error;

/// Whether the clipboard holds `key`'s value now (copied from here, the CLI, or pasted there), asked
/// before a revoke or a delete so the copy is cleared at once rather than when its timer runs out.
pub async fn holds<R: Runtime>(app: &AppHandle<R>, keyden: &keyden_core::Keyden, key: &str) -> bool {
    let Ok(text) = app.clipboard().read_text() else { return false };
    let text = Zeroizing::new(text);
    keyden.is_value_of(key, &text).await.unwrap_or(false)
}

pub fn release<R: Runtime>(app: &AppHandle<R>, held: bool) {
    if held {
        let _ = app.clipboard().clear();
    }
}

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
