//! Settings live in tauri-plugin-store's JSON file in the data directory, where the CLI reads them too.
//! Which keys exist and how they are clamped is the core's business (`keyden_core::settings`); this
//! module only adapts the plugin's store to it. Never a secret value in there.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keyden_core::settings::{SettingsBackend, SettingsError};
use keyden_protocol::Settings;
use std::sync::Arc;
use tauri::{AppHandle, Runtime};
use tauri_plugin_store::{Store, StoreExt};

struct PluginStore<R: Runtime>(Arc<Store<R>>);

impl<R: Runtime> SettingsBackend for PluginStore<R> {
    fn get(&self, key: &str) -> Option<serde_json::Value> {
        self.0.get(key)
    }
    fn set(&mut self, key: &str, value: serde_json::Value) {
        self.0.set(key, value);
    }
    fn persist(&mut self) -> Result<(), SettingsError> {
        self.0.save().map_err(|e| SettingsError::Unwritable(e.to_string()))
    }
}

fn store<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> AppResult<PluginStore<R>> {
    let path = state.data_dir()?.join(keyden_core::paths::SETTINGS_FILE);
    app.store(path).map(PluginStore).map_err(|e| {
        AppError::new("settings_unavailable", e.to_string(), Some("check that the data directory is writable"))
    })
}

pub fn load<R: Runtime>(app: &AppHandle<R>, state: &AppState) -> AppResult<Settings> {
    Ok(keyden_core::settings::read(&store(app, state)?))
}

pub fn save<R: Runtime>(app: &AppHandle<R>, state: &AppState, settings: Settings) -> AppResult<Settings> {
    Ok(keyden_core::settings::write(&mut store(app, state)?, settings)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyden_protocol::Theme;
    use tauri::Manager;

    /// The real store plugin on Tauri's mock runtime, on a fresh data directory.
    fn app_on(dir: &std::path::Path) -> tauri::App<tauri::test::MockRuntime> {
        tauri::test::mock_builder()
            .plugin(tauri_plugin_store::Builder::default().build())
            .manage(AppState::new(Some(dir.to_path_buf())))
            .build(tauri::test::mock_context(tauri::test::noop_assets()))
            .unwrap()
    }

    #[test]
    fn every_setting_round_trips_through_the_plugin_store_and_the_cli_reads_it() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_on(dir.path());
        let state = app.state::<AppState>();
        assert_eq!(load(app.handle(), &state).unwrap(), Settings::default());

        let wanted =
            Settings { clipboard_clear_seconds: 45, theme: Theme::Dark, expiring_soon_days: 3, reminders: false };
        assert_eq!(save(app.handle(), &state, wanted.clone()).unwrap(), wanted);
        assert_eq!(load(app.handle(), &state).unwrap(), wanted);
        // The file on disk, as the CLI and the reminders read it.
        assert_eq!(keyden_core::settings::load(dir.path()), wanted);
    }

    #[test]
    fn out_of_range_values_are_clamped_before_they_are_stored() {
        let dir = tempfile::tempdir().unwrap();
        let app = app_on(dir.path());
        let state = app.state::<AppState>();
        let saved = save(app.handle(), &state, Settings { clipboard_clear_seconds: 0, ..Settings::default() }).unwrap();
        assert_eq!(saved.clipboard_clear_seconds, 5);
        assert_eq!(keyden_core::settings::load(dir.path()).clipboard_clear_seconds, 5);
    }
}
