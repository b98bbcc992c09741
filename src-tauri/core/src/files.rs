//! Reading and replacing the user's files: bounded reads of regular files only (a device, a FIFO or a
//! directory is refused before a byte is read, whatever its reported size), and atomic replacement
//! that keeps the file's permissions and follows a symlink to the file it names.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("cannot read {path}: {source}")]
    Read { path: PathBuf, source: std::io::Error },
    #[error("{path} is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path} is larger than {limit} bytes")]
    TooLarge { path: PathBuf, limit: u64 },
    #[error("{path} is a binary file")]
    Binary { path: PathBuf },
    #[error("{path} is not UTF-8 text (line {line})")]
    NotUtf8 { path: PathBuf, line: usize },
    #[error("{path} is read-only; Keyden leaves it as it is")]
    ReadOnly { path: PathBuf },
    #[error("{path} changed while Keyden was working on it; it was left as it is")]
    Changed { path: PathBuf },
    #[error("{path} already exists")]
    Exists { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write { path: PathBuf, source: std::io::Error },
}

impl crate::Coded for FileError {
    fn code(&self) -> &'static str {
        match self {
            FileError::Read { .. } => "file_unreadable",
            FileError::NotAFile { .. } => "not_a_regular_file",
            FileError::TooLarge { .. } => "file_too_large",
            FileError::Binary { .. } => "file_binary",
            FileError::NotUtf8 { .. } => "file_not_utf8",
            FileError::ReadOnly { .. } => "file_read_only",
            FileError::Changed { .. } => "file_changed",
            FileError::Exists { .. } => "file_exists",
            FileError::Write { .. } => "file_unwritable",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                FileError::Read { .. } => "check the path and its permissions",
                FileError::NotAFile { .. } => "name a regular file (not a directory, device or pipe)",
                FileError::TooLarge { .. } => "this is far larger than such a file should be; check the path",
                FileError::Binary { .. } | FileError::NotUtf8 { .. } => "name a text file",
                FileError::ReadOnly { .. } => "make it writable (chmod u+w) if it should change",
                FileError::Changed { .. } => "run the command again",
                FileError::Exists { .. } => "choose another path, or allow replacing it",
                FileError::Write { .. } => "check the directory's permissions and free space",
            }
            .to_string(),
        )
    }
}

/// The whole of a regular file, refused when larger than `limit` — checked while reading, not from
/// the size the file system reports.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let mut bytes = Vec::new();
    read_bounded_into(path, limit, &mut bytes)?;
    Ok(bytes)
}

/// [`read_bounded`] into `bytes` (emptied first), so a caller reading many files reuses one buffer: a
/// fresh `Vec` per file grew by doubling, and with musl's allocator each large step was an `mmap` and
/// `munmap` pair — twice the system time of the scan of a tree (`scripts/env-bench.sh`).
pub fn read_bounded_into(path: &Path, limit: u64, bytes: &mut Vec<u8>) -> Result<(), FileError> {
    bytes.clear();
    let read_err = |source| FileError::Read { path: path.to_path_buf(), source };
    // Judged before opening: opening a FIFO with no writer blocks forever, and a device may act on open.
    // Windows' devices (`NUL`, `\\.\pipe\x`) have no file information to judge: known by their names.
    if cfg!(windows) && names_a_windows_device(&path.to_string_lossy()) {
        return Err(FileError::NotAFile { path: path.to_path_buf() });
    }
    if !std::fs::metadata(path).map_err(read_err)?.is_file() {
        return Err(FileError::NotAFile { path: path.to_path_buf() });
    }
    let file = open_without_blocking(path).map_err(read_err)?;
    // Judged again on what was opened: the path may have been swapped for a FIFO or a device meanwhile.
    if !file.metadata().map_err(read_err)?.is_file() {
        return Err(FileError::NotAFile { path: path.to_path_buf() });
    }
    let mut file = file.take(limit + 1);
    file.read_to_end(bytes).map_err(read_err)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge { path: path.to_path_buf(), limit });
    }
    Ok(())
}

/// Whether a path names a Windows device rather than a file: anything in the `\\.\` device namespace
/// (pipes, `\\.\NUL`, `\\.\PhysicalDrive0`), or a reserved DOS name in any folder and with any
/// extension (`NUL`, `con.txt`, `C:\x\COM1`). Plain string logic, so it is tested on every platform.
pub fn names_a_windows_device(path: &str) -> bool {
    if path.starts_with(r"\\.\") || path.starts_with("//./") || path.starts_with(r"\\?\GLOBALROOT") {
        return true;
    }
    let name = path.rsplit(['\\', '/']).next().unwrap_or(path);
    let name = name.strip_prefix(|c: char| c.is_ascii_alphabetic()).and_then(|n| n.strip_prefix(':')).unwrap_or(name);
    // Windows ignores what follows the first dot, and trailing spaces, in these names.
    let stem = name.split('.').next().unwrap_or(name).trim_end().to_ascii_uppercase();
    match stem.as_str() {
        "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$" => true,
        _ => {
            let (prefix, digit) = stem.split_at(stem.len().min(3));
            matches!(prefix, "COM" | "LPT")
                && matches!(digit, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³")
        }
    }
}

/// Opens for reading without ever waiting for a writer (O_NONBLOCK has no effect on a regular file).
fn open_without_blocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path)
}

/// A text file: no NUL byte, valid UTF-8 (the error names the first bad line).
pub fn read_text(path: &Path, limit: u64) -> Result<zeroize::Zeroizing<String>, FileError> {
    let bytes = zeroize::Zeroizing::new(read_bounded(path, limit)?);
    if bytes.contains(&0) {
        return Err(FileError::Binary { path: path.to_path_buf() });
    }
    match std::str::from_utf8(&bytes) {
        Ok(text) => Ok(zeroize::Zeroizing::new(text.to_string())),
        Err(e) => {
            let line = bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count() + 1;
            Err(FileError::NotUtf8 { path: path.to_path_buf(), line })
        }
    }
}

/// Whether bytes look binary, as git and ripgrep judge it: a NUL in the first 8 KiB.
pub fn looks_binary(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(8192)].contains(&0)
}

/// The file a path names, following symlinks: a `.env` that links elsewhere is changed where it lives.
pub fn real_target(path: &Path) -> Result<PathBuf, FileError> {
    std::fs::canonicalize(path).map_err(|source| FileError::Read { path: path.to_path_buf(), source })
}

/// Refuses a file its owner may not write: replacing it by rename would get round the read-only bit.
pub fn ensure_writable(target: &Path) -> Result<(), FileError> {
    let meta = std::fs::metadata(target).map_err(|source| FileError::Read { path: target.to_path_buf(), source })?;
    if meta.permissions().readonly() {
        return Err(FileError::ReadOnly { path: target.to_path_buf() });
    }
    Ok(())
}

/// Replaces `target` (a real file, not a symlink) with `contents` atomically: a temporary file beside
/// it with the same permissions, synced, renamed over it. `expected` is what the file must still hold
/// (it was read, then other work happened); anything else is left alone.
pub fn replace_atomically(target: &Path, expected: &[u8], contents: &[u8]) -> Result<(), FileError> {
    let write_err = |source| FileError::Write { path: target.to_path_buf(), source };
    let current = zeroize::Zeroizing::new(read_bounded(target, expected.len() as u64 + 1)?);
    if current.as_slice() != expected {
        return Err(FileError::Changed { path: target.to_path_buf() });
    }
    let meta = std::fs::metadata(target).map_err(write_err)?;
    let dir = target.parent().unwrap_or(Path::new("."));
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = unique_sibling(dir, &name);
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.set_permissions(meta.permissions())?;
        file.write_all(contents)?;
        file.sync_all()?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            // Best effort: keep the owner when root rewrites someone's file.
            let _ = std::os::unix::fs::chown(&tmp, Some(meta.uid()), Some(meta.gid()));
        }
        std::fs::rename(&tmp, target)?;
        #[cfg(unix)]
        if let Ok(d) = std::fs::File::open(dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(write_err)
}

/// Writes a new file only readable by its owner; an existing one only when `replace` is set (then
/// atomically, by rename).
pub fn write_private(path: &Path, contents: &[u8], replace: bool) -> Result<(), FileError> {
    let write_err = |source| FileError::Write { path: path.to_path_buf(), source };
    let exists = std::fs::symlink_metadata(path).is_ok();
    if exists && !replace {
        return Err(FileError::Exists { path: path.to_path_buf() });
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tmp = if exists { unique_sibling(dir, &name) } else { path.to_path_buf() };
    let result = (|| {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        if exists {
            std::fs::rename(&tmp, path)?;
        }
        Ok(())
    })();
    if result.is_err() && exists {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map_err(|e: std::io::Error| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            FileError::Exists { path: path.to_path_buf() }
        } else {
            write_err(e)
        }
    })
}

fn unique_sibling(dir: &Path, name: &str) -> PathBuf {
    let mut bytes = [0u8; 6];
    getrandom::getrandom(&mut bytes).expect("the OS random source failed");
    dir.join(format!(".{name}.keyden-{}.tmp", hex::encode(bytes)))
}

#[cfg(test)]
mod tests {

    #[test]
    fn windows_devices_are_known_by_name_and_files_are_not() {
        for device in [
            r"\\.\NUL",
            r"\\.\pipe\keyden",
            "//./COM1",
            "NUL",
            "nul.txt",
            r"C:\work\con.env",
            "D:aux",
            "COM1",
            "lpt9.log",
            "NUL .env",
        ] {
            assert!(names_a_windows_device(device), "{device}");
        }
        for file in
            [".env", r"C:\work\.env", "nullable.env", "console.env", "COM10", "LPT", r"\\?\C:\work\.env", "com.env"]
        {
            assert!(!names_a_windows_device(file), "{file}");
        }
    }

    use super::*;

    #[test]
    fn reads_are_bounded_whatever_the_size_the_file_system_reports() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![b'a'; 101]).unwrap();
        assert!(matches!(read_bounded(&big, 100), Err(FileError::TooLarge { .. })));
        assert_eq!(read_bounded(&big, 101).unwrap().len(), 101);
        assert!(matches!(read_bounded(dir.path(), 100), Err(FileError::NotAFile { .. })));
        #[cfg(unix)]
        assert!(matches!(read_bounded(Path::new("/dev/zero"), 100), Err(FileError::NotAFile { .. })));
    }

    /// One buffer read into again and again (the scan of a tree) holds exactly the last file read:
    /// nothing of a longer file before it, nor of one refused as too large.
    #[test]
    fn a_reused_buffer_holds_only_the_last_file() {
        let dir = tempfile::tempdir().unwrap();
        let (long, big, short) = (dir.path().join("long"), dir.path().join("big"), dir.path().join("short"));
        std::fs::write(&long, b"SECRET=sk_live_0123456789abcdef").unwrap();
        std::fs::write(&big, vec![b'x'; 101]).unwrap();
        std::fs::write(&short, b"A=1").unwrap();
        let mut buf = Vec::new();
        read_bounded_into(&long, 100, &mut buf).unwrap();
        read_bounded_into(&short, 100, &mut buf).unwrap();
        assert_eq!(buf, b"A=1");
        assert!(matches!(read_bounded_into(&big, 100, &mut buf), Err(FileError::TooLarge { .. })));
        read_bounded_into(&short, 100, &mut buf).unwrap();
        assert_eq!(buf, b"A=1");
    }

    /// A FIFO with no writer: refused at once (opening it would wait for a writer forever).
    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_waiting_for_a_writer() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(status.success());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        assert!(matches!(read_bounded(&fifo, 100), Err(FileError::NotAFile { .. })));
        assert!(matches!(read_bounded(&link, 100), Err(FileError::NotAFile { .. })));
    }

    #[test]
    fn text_reads_refuse_binaries_and_name_the_bad_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        std::fs::write(&p, b"a\nb\0").unwrap();
        assert!(matches!(read_text(&p, 100), Err(FileError::Binary { .. })));
        std::fs::write(&p, b"a\nb\n\xff\n").unwrap();
        assert!(matches!(read_text(&p, 100), Err(FileError::NotUtf8 { line: 3, .. })));
    }

    #[cfg(unix)]
    #[test]
    fn replacing_keeps_the_mode_and_refuses_a_file_that_changed() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".env");
        std::fs::write(&p, "A=1\n").unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
        replace_atomically(&p, b"A=1\n", b"A=2\n").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "A=2\n");
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o640);
        assert!(matches!(replace_atomically(&p, b"A=1\n", b"A=3\n"), Err(FileError::Changed { .. })));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file left behind");
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_0600_and_never_overwritten_unasked() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("out");
        write_private(&p, b"one", false).unwrap();
        assert_eq!(std::fs::metadata(&p).unwrap().permissions().mode() & 0o777, 0o600);
        assert!(matches!(write_private(&p, b"two", false), Err(FileError::Exists { .. })));
        assert_eq!(std::fs::read(&p).unwrap(), b"one");
        write_private(&p, b"two", true).unwrap();
        assert_eq!(std::fs::read(&p).unwrap(), b"two");
    }
}
