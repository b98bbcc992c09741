//! Where Keyden keeps its data: an explicit directory (`--data-dir`), else `KEYDEN_DATA_DIR`, else the
//! OS app-data directory (`~/.local/share/keyden` on Linux, `~/Library/Application Support/dev.keyden.Keyden`
//! on macOS, `%APPDATA%\keyden\Keyden\data` on Windows).

use std::path::{Path, PathBuf};

pub const DATA_DIR_ENV: &str = "KEYDEN_DATA_DIR";
pub const DATABASE_FILE: &str = "keyden.sqlite3";
pub const SETTINGS_FILE: &str = "settings.json";

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error("no home directory found to put Keyden's data in")]
    NoHome,
    #[error("cannot create the data directory {path}: {source}")]
    Create { path: PathBuf, source: std::io::Error },
}

impl crate::Coded for PathsError {
    fn code(&self) -> &'static str {
        match self {
            PathsError::NoHome => "data_dir_unknown",
            PathsError::Create { .. } => "data_dir_unwritable",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(format!("pass --data-dir DIR or set {DATA_DIR_ENV} to a writable directory"))
    }
}

/// Resolves the data directory and creates it (owner-only on Unix).
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, PathsError> {
    let dir = match explicit {
        Some(p) => p.to_path_buf(),
        None => match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            Some(v) => PathBuf::from(v),
            None => directories::ProjectDirs::from("dev", "keyden", "Keyden")
                .ok_or(PathsError::NoHome)?
                .data_dir()
                .to_path_buf(),
        },
    };
    std::fs::create_dir_all(&dir).map_err(|source| PathsError::Create { path: dir.clone(), source })?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700));
    }
    Ok(dir)
}
