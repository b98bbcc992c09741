//! Settings live in tauri-plugin-store's JSON file in the data directory, where the CLI reads them too.
//! Never a secret value in there.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keyden_protocol::Settings;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::StoreExt;

const KEYS: [&str; 3] = ["clipboardClearSeconds", "theme", "expiringSoonDays"];

fn store<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> AppResult<std::sync::Arc<tauri_plugin_store::Store<R>>> {
    let path = state.data_dir()?.join(keyden_core::paths::SETTINGS_FILE);
    app.store(path)
        .map_err(|e| AppError::new("settings_unavailable", e.to_string(), Some("check the data directory is writable")))
}

pub fn load<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> AppResult<Settings> {
    let store = store(app, state)?;
    let object: serde_json::Map<String, serde_json::Value> =
        KEYS.iter().filter_map(|k| store.get(*k).map(|v| (k.to_string(), v))).collect();
    let parsed = serde_json::from_value(serde_json::Value::Object(object)).unwrap_or_default();
    Ok(keyden_core::settings::sanitize(parsed))
}

pub fn save<R: Runtime>(app: &AppHandle<R>, state: &AppState, settings: Settings) -> AppResult<Settings> {
    let settings = keyden_core::settings::sanitize(settings);
    let store = store(app, state)?;
    let value = serde_json::to_value(&settings).expect("settings serialize");
    for k in KEYS {
        if let Some(v) = value.get(k) {
            store.set(k, v.clone());
        }
    }
    store.save().map_err(|e| {
        AppError::new("settings_unwritable", e.to_string(), Some("check the data directory is writable"))
    })?;
    Ok(settings)
}
