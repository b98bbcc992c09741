//! The window's first frame: the settings and the first screenful of keys, prepared from the top of
//! `main` while GTK, WebKit and Tauri start, and handed to the page in an initialization script
//! (`FirstScreen` in the protocol). A second launch that hands over to the first instance may open the
//! vault briefly before it exits, as any `keyden` command would: recovery leaves a live process's
//! pending changes alone.
//!
//! Why: the start-up trace showed the page asking for its list ~30 ms after its wasm started and the
//! answer landing ~60 ms later, although the backend answers in a few ms — the web process was busy
//! laying out the empty shell. With the data already in the page, the list is part of the first render,
//! and the saved theme is applied before the first frame instead of after it.
//!
//! Bounded: the window waits at most [`WAIT`] for it (a cold disk, a locked database). Past that, or on
//! any error, the page starts without it and asks over IPC as before, where an error reaches the user.

use crate::state::AppState;
use keyden_protocol::{FirstScreen, FIRST_SCREEN_GLOBAL};
use std::time::Duration;

/// How long the window's creation may wait for the first screen (warm, it takes a few ms). Past it the
/// window shows without, and the list follows over IPC once the vault is open: a window that shows late
/// with its list costs the user less than an early empty one, but not without limit.
/// `KEYDEN_FIRST_SCREEN_WAIT_MS` overrides it (the tests wait as long as it takes).
const WAIT: Duration = Duration::from_millis(250);

fn wait() -> Duration {
    std::env::var("KEYDEN_FIRST_SCREEN_WAIT_MS").ok().and_then(|v| v.parse().ok()).map_or(WAIT, Duration::from_millis)
}

/// The first screen on its way: started by [`start`] at the top of `main`, so that the vault opens
/// while GTK, WebKit's libraries and Tauri's plugins start, and taken by [`script`] when the window is made.
pub struct Pending(std::sync::mpsc::Receiver<Option<FirstScreen>>);

/// Starts preparing the first screen on the async runtime. It keeps going past the window's deadline,
/// so the vault is open (its pool warm) by the time the page asks.
pub fn start(state: AppState) -> Pending {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    tauri::async_runtime::spawn(async move {
        let _ = tx.send(prepare(&state).await);
    });
    Pending(rx)
}

/// The initialization script that gives the page its first screen, if it is ready in time.
pub fn script(pending: Pending) -> Option<String> {
    let wait = wait();
    match pending.0.recv_timeout(wait) {
        Ok(Some(first)) => Some(script_for(&first)),
        Ok(None) => None,
        Err(_) => {
            tracing::debug!("first screen not ready in {wait:?}; the page will ask for it");
            None
        }
    }
}

async fn prepare(state: &AppState) -> Option<FirstScreen> {
    let keyden = state.keyden().map_err(|e| tracing::warn!("vault not opened at start: {}", e.0.message)).ok()?;
    let list = keyden.list_keys(&FirstScreen::query()).await.map_err(|e| tracing::warn!("first list: {e}")).ok()?;
    // The file the settings plugin keeps, read directly: the plugin is not running yet.
    let settings = keyden_core::settings::load(keyden.data_dir());
    Some(FirstScreen { settings, list })
}

/// `window.__KEYDEN_FIRST_SCREEN__ = {…};`. JSON is a JavaScript expression (since ES2019 also with
/// U+2028/U+2029 in strings), so no title, however crafted, can end the statement early.
fn script_for(first: &FirstScreen) -> String {
    let json = serde_json::to_string(first).unwrap_or_else(|_| "null".into());
    format!("window.{FIRST_SCREEN_GLOBAL} = {json};")
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyden_protocol::{Facets, KeyList, Settings};

    #[test]
    fn the_script_assigns_the_first_screen_as_json_whatever_the_titles_hold() {
        let mut key: keyden_protocol::KeyRecord = serde_json::from_value(serde_json::json!({
            "id": "key_1", "title": "t", "provider": "p", "account": "", "environment": "", "owner": "",
            "kind": "secret", "status": "active", "redacted": "sk_…1234", "created_at": 1, "notes": ""
        }))
        .unwrap();
        key.title = "\"; alert(1); \u{2028} </script><script>x()</script> \\".into();
        let first = FirstScreen {
            settings: Settings::default(),
            list: KeyList { keys: vec![key], matched: 1, now: 5, facets: Facets::default() },
        };
        let script = script_for(&first);
        let json = script
            .strip_prefix("window.__KEYDEN_FIRST_SCREEN__ = ")
            .and_then(|s| s.strip_suffix(';'))
            .expect("one assignment");
        // The whole right-hand side is one JSON value that reads back as what was sent.
        let back: FirstScreen = serde_json::from_str(json).unwrap();
        assert_eq!(back, first);
    }
}
