//! User settings, in the JSON file that the app's tauri-plugin-store writes (`settings.json` in the
//! data directory). The CLI reads the same file so `keyden copy` honours the app's clipboard setting.
//! Settings never hold a secret value.

use keyden_protocol::Settings;
use std::path::Path;

/// Reads the settings, falling back to defaults for a missing file or any unreadable field: a broken
/// settings file must never stop anyone from reaching their keys.
pub fn load(data_dir: &Path) -> Settings {
    let path = data_dir.join(crate::paths::SETTINGS_FILE);
    let Ok(text) = std::fs::read_to_string(&path) else {
        return Settings::default();
    };
    match serde_json::from_str::<Settings>(&text) {
        Ok(s) => sanitize(s),
        Err(e) => {
            tracing::warn!(path = %path.display(), error = %e, "settings file unreadable; using defaults");
            Settings::default()
        }
    }
}

/// Clamps values to what the UI offers, whoever wrote the file.
pub fn sanitize(mut s: Settings) -> Settings {
    s.clipboard_clear_seconds = s.clipboard_clear_seconds.clamp(5, 600);
    s.expiring_soon_days = s.expiring_soon_days.clamp(1, 365);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

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
        assert_eq!(s.theme, keyden_protocol::Theme::Dark);
    }
}
