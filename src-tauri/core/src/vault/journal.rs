//! Start-up recovery for the keyring journal, and the pause points that let tests kill a process
//! between its steps.

use super::{Vault, VaultError};
use crate::store::{KeyRow, Pending};
use keyden_protocol::AuditAction;

/// A pending step younger than this whose process still runs belongs to someone else: leave it.
const ABANDONED_AFTER_SECONDS: i64 = 600;

/// Environment variable naming a journal step at which the process stops and waits to be killed.
/// Black-box tests use it to kill a real process between steps. Only builds with the `test-hooks`
/// feature read it: a shipped binary never blocks because of its environment.
#[cfg(feature = "test-hooks")]
const PAUSE_ENV: &str = "KEYDEN_TEST_PAUSE_AT";

#[cfg(feature = "test-hooks")]
pub(super) fn pause_point(step: &str) {
    if std::env::var(PAUSE_ENV).is_ok_and(|v| v == step) {
        eprintln!("keyden: paused at {step}");
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

#[cfg(not(feature = "test-hooks"))]
#[inline(always)]
pub(super) fn pause_point(_step: &str) {}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RecoveryReport {
    /// Steps finished: a create whose secret reached the keyring, a delete that had started.
    pub completed: Vec<String>,
    /// Creates whose secret never reached the keyring: the row is removed.
    pub rolled_back: Vec<String>,
    /// Steps left alone: their process still runs, or the keyring could not be reached.
    pub deferred: Vec<String>,
}

fn process_alive(pid: i64) -> bool {
    if pid == i64::from(std::process::id()) {
        return true;
    }
    #[cfg(target_os = "linux")]
    {
        std::path::Path::new(&format!("/proc/{pid}")).exists()
    }
    // Elsewhere only the age decides.
    #[cfg(not(target_os = "linux"))]
    {
        true
    }
}

impl Vault {
    /// Finishes or rolls back every journal step a dead process left pending.
    pub async fn recover(&self) -> Result<RecoveryReport, VaultError> {
        let mut report = RecoveryReport::default();
        for row in self.rows().pending().await? {
            let stale = row.pending_at.is_none_or(|at| self.now() - at >= ABANDONED_AFTER_SECONDS);
            let owner_alive = row.pending_pid.is_some_and(process_alive);
            if owner_alive && !stale {
                report.deferred.push(row.record.id.clone());
                continue;
            }
            match self.recover_row(&row).await {
                Ok(true) => report.completed.push(row.record.id.clone()),
                Ok(false) => report.rolled_back.push(row.record.id.clone()),
                Err(VaultError::Keyring(e)) => {
                    tracing::warn!(key = %row.record.id, error = %e, "recovery deferred: keyring unreachable");
                    report.deferred.push(row.record.id.clone());
                }
                Err(e) => return Err(e),
            }
        }
        Ok(report)
    }

    /// `Ok(true)` when the step was completed, `Ok(false)` when it was rolled back.
    async fn recover_row(&self, row: &KeyRow) -> Result<bool, VaultError> {
        let id = row.record.id.clone();
        match row.pending {
            Some(Pending::Create) => {
                let stored = self.keyring(move |s| s.get(&id)).await?;
                let intact = match &stored {
                    Some(secret) => self.fingerprinter().await?.of(secret) == row.fingerprint,
                    None => false,
                };
                if intact {
                    self.rows().finalise(&row.record.id).await?;
                    self.audit(&row.record, AuditAction::Recover, "create completed after an interruption").await?;
                    Ok(true)
                } else {
                    if stored.is_some() {
                        let id = row.record.id.clone();
                        self.keyring(move |s| s.remove(&id)).await?;
                    }
                    self.rows().remove(&row.record.id).await?;
                    self.audit(
                        &row.record,
                        AuditAction::Recover,
                        "create rolled back: the secret never reached the keyring",
                    )
                    .await?;
                    Ok(false)
                }
            }
            Some(Pending::Delete) => {
                self.keyring(move |s| s.remove(&id)).await?;
                self.rows().remove(&row.record.id).await?;
                self.audit(&row.record, AuditAction::Recover, "delete completed after an interruption").await?;
                Ok(true)
            }
            None => Ok(true),
        }
    }
}
