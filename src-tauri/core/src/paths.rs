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
    #[error("the data directory {path} is a symbolic link (to {target}); Keyden does not follow it silently")]
    Symlink { path: PathBuf, target: PathBuf },
    #[error("{path} is not a directory")]
    NotADirectory { path: PathBuf },
    #[error("the data directory {path} is writable by other users (mode {mode:o}); they could replace the vault")]
    Shared { path: PathBuf, mode: u32 },
    #[error("the data directory {path} belongs to another user (uid {owner})")]
    Foreign { path: PathBuf, owner: u32 },
}

impl crate::Coded for PathsError {
    fn code(&self) -> &'static str {
        match self {
            PathsError::NoHome => "data_dir_unknown",
            PathsError::Create { .. } => "data_dir_unwritable",
            PathsError::Symlink { .. } => "data_dir_symlink",
            PathsError::NotADirectory { .. } => "data_dir_not_a_directory",
            PathsError::Shared { .. } | PathsError::Foreign { .. } => "data_dir_unsafe",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(match self {
            PathsError::Symlink { target, .. } => format!("pass the directory it points to, {}", target.display()),
            PathsError::Shared { path, .. } => format!(
                "make it yours alone (chmod 700 {}), or pass --data-dir with a new directory: Keyden creates it \
                 private",
                path.display()
            ),
            PathsError::Foreign { .. } => "pass --data-dir with a directory of your own (or a new one)".into(),
            _ => format!("pass --data-dir DIR or set {DATA_DIR_ENV} to a writable directory"),
        })
    }
}

/// Resolves the data directory: creates it owner-only when it is missing; one that exists is used as it
/// is (Keyden changes the mode of nothing it did not create) when it is safe to keep secrets' metadata
/// in — a real directory (not a symlink), owned by this user, writable by no one else.
pub fn data_dir(explicit: Option<&Path>) -> Result<PathBuf, PathsError> {
    let dir = resolve(explicit)?;
    ensure(&dir)?;
    Ok(dir)
}

/// Which directory [`data_dir`] would use, without touching the file system: a token decode needs to
/// know where a vault would be, and must not create one.
pub fn resolve(explicit: Option<&Path>) -> Result<PathBuf, PathsError> {
    Ok(match explicit {
        Some(p) => p.to_path_buf(),
        None => match std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
            Some(v) => PathBuf::from(v),
            None => directories::ProjectDirs::from("dev", "keyden", "Keyden")
                .ok_or(PathsError::NoHome)?
                .data_dir()
                .to_path_buf(),
        },
    })
}

/// The second half of [`data_dir`]: creates `dir` owner-only if it is missing, else checks it is safe.
pub fn ensure(dir: &Path) -> Result<(), PathsError> {
    let create = |source| PathsError::Create { path: dir.to_path_buf(), source };
    match std::fs::symlink_metadata(dir) {
        Ok(meta) => check_existing(dir, &meta)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(create)?;
            }
            #[cfg_attr(not(unix), allow(unused_mut))]
            let mut builder = std::fs::DirBuilder::new();
            #[cfg(unix)]
            std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
            match builder.create(dir) {
                Ok(()) => {}
                // Another Keyden process created it a moment ago: judge it as any existing directory.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                    check_existing(dir, &std::fs::symlink_metadata(dir).map_err(create)?)?
                }
                Err(e) => return Err(create(e)),
            }
        }
        Err(e) => return Err(create(e)),
    }
    Ok(())
}

fn check_existing(dir: &Path, meta: &std::fs::Metadata) -> Result<(), PathsError> {
    if meta.file_type().is_symlink() {
        let target = std::fs::read_link(dir).unwrap_or_default();
        return Err(PathsError::Symlink { path: dir.to_path_buf(), target });
    }
    if !meta.is_dir() {
        return Err(PathsError::NotADirectory { path: dir.to_path_buf() });
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let me = rustix::process::geteuid().as_raw();
        if meta.uid() != me {
            return Err(PathsError::Foreign { path: dir.to_path_buf(), owner: meta.uid() });
        }
        if meta.mode() & 0o022 != 0 {
            return Err(PathsError::Shared { path: dir.to_path_buf(), mode: meta.mode() & 0o7777 });
        }
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777
    }

    #[test]
    fn a_new_directory_is_private_and_an_existing_one_keeps_its_mode() {
        let root = tempfile::tempdir().unwrap();
        let new = root.path().join("a/b/keyden");
        assert_eq!(data_dir(Some(&new)).unwrap(), new);
        assert_eq!(mode(&new), 0o700);
        let mine = root.path().join("mine");
        std::fs::create_dir(&mine).unwrap();
        std::fs::set_permissions(&mine, std::fs::Permissions::from_mode(0o750)).unwrap();
        data_dir(Some(&mine)).unwrap();
        assert_eq!(mode(&mine), 0o750, "not Keyden's to change");
    }

    #[test]
    fn shared_directories_and_symlinks_are_refused_and_left_as_they_are() {
        let root = tempfile::tempdir().unwrap();
        let shared = root.path().join("shared");
        std::fs::create_dir(&shared).unwrap();
        std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let err = data_dir(Some(&shared)).unwrap_err();
        assert!(matches!(err, PathsError::Shared { mode: 0o1777, .. }), "{err:?}");
        assert_eq!(mode(&shared), 0o1777, "the sticky bit is kept");
        let private = root.path().join("private");
        std::fs::create_dir(&private).unwrap();
        std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o755)).unwrap();
        let link = root.path().join("link");
        std::os::unix::fs::symlink(&private, &link).unwrap();
        let err = data_dir(Some(&link)).unwrap_err();
        assert!(matches!(&err, PathsError::Symlink { target, .. } if target == &private), "{err:?}");
        assert!(crate::Coded::hint(&err).unwrap().contains(private.to_str().unwrap()));
        assert_eq!(mode(&private), 0o755);
        let file = root.path().join("file");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(data_dir(Some(&file)), Err(PathsError::NotADirectory { .. })));
    }
}
