//! User settings: what they are, how they are clamped, and how they map onto a flat key/value store.
//! The app keeps them through tauri-plugin-store and the CLI reads the same `settings.json`; both go
//! through [`read`]/[`write`] here, so there is no list of keys to keep in step in either skin (the
//! app once kept one that forgot `reminders`). Settings never hold a secret value.

use keyden_protocol::Settings;
use serde_json::{Map, Value};
use std::path::Path;

/// A flat key/value store of JSON values: tauri-plugin-store's `Store` in the app, [`SettingsFile`]
/// elsewhere.
pub trait SettingsBackend {
    fn get(&self, key: &str) -> Option<Value>;
    fn set(&mut self, key: &str, value: Value);
    fn persist(&mut self) -> Result<(), SettingsError>;
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot save the settings: {0}")]
    Unwritable(String),
}

impl crate::Coded for SettingsError {
    fn code(&self) -> &'static str {
        "settings_unwritable"
    }
    fn hint(&self) -> Option<String> {
        Some("check that the data directory is writable".into())
    }
}

/// Reads the settings, falling back to the default for any missing or unreadable field: a broken
/// settings file must never stop anyone from reaching their keys.
pub fn read(backend: &dyn SettingsBackend) -> Settings {
    let defaults = match serde_json::to_value(Settings::default()) {
        Ok(Value::Object(map)) => map,
        _ => Map::new(),
    };
    let mut merged = Map::new();
    for (key, default) in defaults {
        // Field by field, so one bad value costs only that field.
        let value = backend.get(&key).filter(|v| field_parses(&key, v)).unwrap_or(default);
        merged.insert(key, value);
    }
    sanitize(serde_json::from_value(Value::Object(merged)).unwrap_or_default())
}

fn field_parses(key: &str, value: &Value) -> bool {
    let Ok(Value::Object(mut object)) = serde_json::to_value(Settings::default()) else {
        return false;
    };
    object.insert(key.to_string(), value.clone());
    serde_json::from_value::<Settings>(Value::Object(object)).is_ok()
}

/// Clamps, writes every field and persists; returns what was saved.
pub fn write(backend: &mut dyn SettingsBackend, settings: Settings) -> Result<Settings, SettingsError> {
    let settings = sanitize(settings);
    if let Ok(Value::Object(map)) = serde_json::to_value(&settings) {
        for (key, value) in map {
            backend.set(&key, value);
        }
    }
    backend.persist()?;
    Ok(settings)
}

/// Clamps values to what the UI offers, whoever wrote the file.
pub fn sanitize(mut s: Settings) -> Settings {
    s.clipboard_clear_seconds = s.clipboard_clear_seconds.clamp(5, 600);
    s.expiring_soon_days = s.expiring_soon_days.clamp(1, 365);
    s
}

/// `settings.json` in the data directory, in tauri-plugin-store's format (one flat JSON object).
pub struct SettingsFile {
    path: std::path::PathBuf,
    entries: Map<String, Value>,
}

impl SettingsFile {
    /// A missing or broken file reads as empty (every field its default).
    pub fn open(data_dir: &Path) -> Self {
        let path = data_dir.join(crate::paths::SETTINGS_FILE);
        let entries = match crate::files::read_text(&path, 1024 * 1024) {
            Ok(text) => match serde_json::from_str::<Map<String, Value>>(&text) {
                Ok(map) => map,
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "settings file unreadable; using defaults");
                    Map::new()
                }
            },
            Err(_) => Map::new(),
        };
        SettingsFile { path, entries }
    }
}

impl SettingsBackend for SettingsFile {
    fn get(&self, key: &str) -> Option<Value> {
        self.entries.get(key).cloned()
    }
    fn set(&mut self, key: &str, value: Value) {
        self.entries.insert(key.to_string(), value);
    }
    fn persist(&mut self) -> Result<(), SettingsError> {
        let text = serde_json::to_vec_pretty(&self.entries).map_err(|e| SettingsError::Unwritable(e.to_string()))?;
        crate::files::write_private(&self.path, &text, true).map_err(|e| SettingsError::Unwritable(e.to_string()))
    }
}

/// The settings in `data_dir`, for a skin without a store of its own.
pub fn load(data_dir: &Path) -> Settings {
    read(&SettingsFile::open(data_dir))
}

pub fn save(data_dir: &Path, settings: Settings) -> Result<Settings, SettingsError> {
    write(&mut SettingsFile::open(data_dir), settings)
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyden_protocol::Theme;

    #[test]
    fn missing_or_broken_file_gives_defaults() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()), Settings::default());
        std::fs::write(dir.path().join("settings.json"), "{not json").unwrap();
        assert_eq!(load(dir.path()), Settings::default());
    }

    #[test]
    fn store_file_is_read_and_clamped() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.json"), r#"{"clipboardClearSeconds": 1, "theme": "dark"}"#).unwrap();
        let s = load(dir.path());
        assert_eq!(s.clipboard_clear_seconds, 5);
        assert_eq!(s.theme, Theme::Dark);
    }

    #[test]
    fn one_bad_field_costs_only_that_field() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.json"), r#"{"theme": "neon", "reminders": false}"#).unwrap();
        let s = load(dir.path());
        assert_eq!(s.theme, Theme::System);
        assert!(!s.reminders);
    }

    #[test]
    fn every_field_round_trips_and_other_entries_survive() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("settings.json"), r#"{"somethingElse": 7}"#).unwrap();
        let wanted =
            Settings { clipboard_clear_seconds: 45, theme: Theme::Light, expiring_soon_days: 3, reminders: false };
        assert_eq!(save(dir.path(), wanted.clone()).unwrap(), wanted);
        assert_eq!(load(dir.path()), wanted);
        let raw: Value =
            serde_json::from_str(&std::fs::read_to_string(dir.path().join("settings.json")).unwrap()).unwrap();
        assert_eq!(raw["somethingElse"], 7);
    }
}
