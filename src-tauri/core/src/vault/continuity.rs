//! A vault is not silently swapped for an empty one. The data directory remembers which database it
//! held (its install id, in a small file beside it); a database that is empty or another one is
//! refused while the keyring still holds the previous install's secrets — the deleted or replaced file
//! was the only list of them.

use super::{Vault, VaultError};
use std::path::Path;

/// Beside the database: the install id of the vault this directory holds.
pub const MARKER_FILE: &str = "keyden.install";

impl Vault {
    pub(super) async fn check_continuity(&self, data_dir: &Path) -> Result<(), VaultError> {
        let install = self.db.install_id().await?;
        let marker = data_dir.join(MARKER_FILE);
        let previous = match crate::files::read_bounded(&marker, 256) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).trim().to_string(),
            Err(crate::files::FileError::Read { source, .. }) if source.kind() == std::io::ErrorKind::NotFound => {
                String::new()
            }
            Err(e) => return Err(VaultError::NoDataDir(e.to_string())),
        };
        if previous == install {
            return Ok(());
        }
        if !previous.is_empty() {
            // Every install that ever stored a secret has its fingerprint key in the keyring.
            let entry = crate::fingerprint::key_entry_id(&previous);
            if self.keyring(move |s| s.get(&entry)).await?.is_some() {
                return Err(VaultError::Replaced { dir: data_dir.to_path_buf(), previous, marker });
            }
        }
        crate::files::write_private(&marker, format!("{install}\n").as_bytes(), true)
            .map_err(|e| VaultError::NoDataDir(e.to_string()))
    }
}
