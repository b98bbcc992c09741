//! Desktop behaviour around the window: one instance per vault (a second launch focuses the first
//! window), the window's size and position remembered, a graceful exit on SIGTERM (session logout,
//! `kill`) so that state is saved.

use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

/// Whether this launch uses the default data directory. Single-instance applies only then: two
/// explicitly different vaults (`--data-dir`, `KEYDEN_DATA_DIR`) may be open side by side.
pub fn default_vault(explicit: &Option<std::path::PathBuf>) -> bool {
    explicit.is_none() && std::env::var_os("KEYDEN_DATA_DIR").is_none()
}

/// The second launch's arguments arrive here, in the first instance: bring its window forward.
pub fn focus_main<R: Runtime>(app: &AppHandle<R>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
}

pub fn window_state<R: Runtime>() -> tauri::plugin::TauriPlugin<R> {
    // Not VISIBLE: the window always shows; size, position and maximized are what people expect back.
    tauri_plugin_window_state::Builder::default()
        .with_state_flags(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED)
        .build()
}

/// Saves the window state (the plugin also does on a normal close) and exits.
pub fn save_and_exit(app: &AppHandle, code: i32) {
    if let Err(e) = app.save_window_state(StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED) {
        tracing::warn!("window state not saved: {e}");
    }
    app.exit(code);
}

/// The vault's database closed as the app ends, however it ends (window closed, SIGTERM, the start-up
/// probe), its WAL first folded into the database file however small (`Keyden::close_folding_all`:
/// SQLite's own fold at the last close is skipped when the pool closes two connections at once). Left
/// behind, the next start read the whole WAL back (up to ~4 MB) before its first query, ~30 ms of the
/// start-up bench. Bounded, so that an operation still holding a connection cannot hold the exit.
pub fn close_vault(app: &AppHandle) {
    if let Some(keyden) = app.state::<crate::state::AppState>().opened() {
        tauri::async_runtime::block_on(async {
            let _ = tokio::time::timeout(std::time::Duration::from_secs(2), keyden.close_folding_all()).await;
        });
    }
}

/// A SIGTERM (session logout, `kill`) saves the window state and exits with 0. On Windows the session's
/// end closes the window, which the window-state plugin already handles.
#[cfg(unix)]
pub fn exit_gracefully_on_sigterm(app: &AppHandle) {
    let handle = app.clone();
    tauri::async_runtime::spawn(async move {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            if term.recv().await.is_some() {
                // On the main thread: the window-state plugin saves while holding its cache's
                // lock and asks the window (a round trip to the main thread), while the main
                // thread's resize and move handlers take that same lock. Saved from here, a
                // SIGTERM that lands during a resize deadlocked and the app never exited.
                let main = handle.clone();
                if handle.run_on_main_thread(move || save_and_exit(&main, 0)).is_err() {
                    handle.exit(0);
                }
            }
        }
    });
}

/// Windows draws the window with Microsoft Edge WebView2. Where its runtime is missing (an old
/// Windows 10, a stripped image, Wine), Tauri would panic half-way through start-up; instead the user
/// is told what is missing and where to get it, and Keyden exits with code 1.
#[cfg(windows)]
pub fn require_webview() {
    let Err(e) = tauri::webview_version() else { return };
    let text = format!(
        "Keyden needs the Microsoft Edge WebView2 Runtime to show its window, and this computer does not have \
         it ({e}).\n\nInstall it from https://developer.microsoft.com/microsoft-edge/webview2/ (the Evergreen \
         Bootstrapper), then start Keyden again. The `keyden` command-line tool works without it."
    );
    eprintln!("keyden-app: {text}");
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("Keyden cannot start")
        .set_description(&text)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
    std::process::exit(1);
}
