//! Copy from the app: the value goes from the keyring to the clipboard inside this process (it never
//! crosses IPC), marked for clipboard managers to keep out of their history, and is cleared after the
//! configured seconds if it is still there.
//!
//! `arboard` directly, as the CLI uses it, rather than Tauri's clipboard plugin: the window is granted
//! no clipboard command, so the plugin's only part here was its `arboard`, which it builds with image
//! support (the `image` crate and a colour-management library: ~13 CPU-seconds of every cold build).

use std::sync::{Mutex, PoisonError};
use tauri::{AppHandle, Manager, Runtime};
use zeroize::Zeroizing;

/// The app's one clipboard connection. Opened at the first copy or revoke rather than at start-up (on
/// X11 it is a connection and a thread), then kept for the app's life: on X11 the process that set
/// the clipboard serves the pastes, so the value stays pasteable only while this lives.
#[derive(Default)]
pub struct Clipboard(Mutex<Option<arboard::Clipboard>>);

impl Clipboard {
    fn with<T>(
        &self,
        f: impl FnOnce(&mut arboard::Clipboard) -> Result<T, arboard::Error>,
    ) -> Result<T, arboard::Error> {
        let mut held = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        let clipboard = match held.as_mut() {
            Some(clipboard) => clipboard,
            None => held.insert(arboard::Clipboard::new()?),
        };
        f(clipboard)
    }

    /// The text on the clipboard now, whoever put it there.
    fn text(&self) -> Option<Zeroizing<String>> {
        self.with(|c| c.get_text()).ok().map(Zeroizing::new)
    }

    fn clear(&self) {
        let _ = self.with(|c| c.clear());
    }

    fn set_secret(&self, value: &str) -> Result<(), arboard::Error> {
        self.with(|c| keep_out_of_history(c.set()).text(value.to_string()))
    }
}

/// The hint clipboard managers honour to keep a value out of their history (KDE's and GNOME's
/// managers on Linux, macOS's `org.nspasteboard.ConcealedType`), and on Windows out of the clipboard
/// history and cloud sync as well.
fn keep_out_of_history(set: arboard::Set<'_>) -> arboard::Set<'_> {
    #[cfg(windows)]
    return arboard::SetExtWindows::exclude_from_monitoring(set);
    #[cfg(target_os = "macos")]
    return arboard::SetExtApple::exclude_from_history(set);
    #[cfg(not(any(windows, target_os = "macos")))]
    return arboard::SetExtLinux::exclude_from_history(set);
}

/// The clipboard's error, kept whole for the `clipboard_unavailable` reply.
pub type ClipboardError = arboard::Error;

/// Whether the clipboard holds `key`'s value now (copied from here, the CLI, or pasted there), asked
/// before a revoke or a delete so the copy is cleared at once rather than when its timer runs out.
pub async fn holds<R: Runtime>(app: &AppHandle<R>, keyden: &keyden_core::Keyden, key: &str) -> bool {
    let Some(text) = app.state::<Clipboard>().text() else { return false };
    keyden.is_value_of(key, &text).await.unwrap_or(false)
}

pub fn release<R: Runtime>(app: &AppHandle<R>, held: bool) {
    if held {
        app.state::<Clipboard>().clear();
    }
}

/// At exit: gives the clipboard up. A value copied from Keyden goes with it: being marked secret, arboard
/// does not hand it to a clipboard manager to keep.
pub fn close<R: Runtime>(app: &AppHandle<R>) {
    app.state::<Clipboard>().0.lock().unwrap_or_else(PoisonError::into_inner).take();
}

pub fn copy_and_schedule_clear<R: Runtime>(
    app: &AppHandle<R>,
    value: &str,
    seconds: u32,
) -> Result<(), ClipboardError> {
    app.state::<Clipboard>().set_secret(value)?;
    let app = app.clone();
    let copied = Zeroizing::new(value.to_string());
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(std::time::Duration::from_secs(u64::from(seconds))).await;
        // Someone may have copied something else since: leave that alone.
        let clipboard = app.state::<Clipboard>();
        if clipboard.text().is_some_and(|now| *now == *copied) {
            clipboard.clear();
        }
    });
    Ok(())
}
