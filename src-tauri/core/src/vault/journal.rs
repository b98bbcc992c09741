//! Start-up recovery for the keyring journal, and the pause points that let tests kill a process
//! between its steps.

use super::{Vault, VaultError};
use crate::store::{KeyRow, Pending};
use keyden_protocol::AuditAction;

/// A pending step younger than this whose process still runs belongs to someone else: leave it.
const ABANDONED_AFTER_SECONDS: i64 = 600;

/// Environment variable naming a journal step at which the process stops. Black-box tests use it to
/// kill a real process between steps, or (on Unix) to change the world under it and let it go on.
/// Only builds with the `test-hooks` feature read it: a shipped binary never blocks because of its
/// environment.
#[cfg(feature = "test-hooks")]
const PAUSE_ENV: &str = "KEYDEN_TEST_PAUSE_AT";

/// Says where it paused, on stderr, then stops. On Unix the process stops itself (SIGSTOP): a test
/// kills it there, or sends SIGCONT once it sees the process stopped, and it carries on from here.
/// Elsewhere it sleeps until killed.
#[cfg(feature = "test-hooks")]
pub(super) fn pause_point(step: &str) {
    if std::env::var(PAUSE_ENV).is_ok_and(|v| v == step) {
        eprintln!("keyden: paused at {step}");
        #[cfg(unix)]
        {
            use rustix::process::{getpid, kill_process, Signal};
            kill_process(getpid(), Signal::STOP).expect("a process may stop itself");
        }
        #[cfg(not(unix))]
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
    // macOS: signal 0 asks whether the process exists; EPERM means it does, under another user.
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        let Some(pid) = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw) else {
            return false;
        };
        !matches!(rustix::process::test_kill_process(pid), Err(rustix::io::Errno::SRCH))
    }
    #[cfg(windows)]
    {
        u32::try_from(pid).is_ok_and(windows_process::alive)
    }
}

#[cfg(windows)]
#[allow(unsafe_code)] // OpenProcess / GetExitCodeProcess / CloseHandle: Windows has no safe wrapper in std.
mod windows_process {
    use windows_sys::Win32::Foundation::{CloseHandle, STILL_ACTIVE};
    use windows_sys::Win32::System::Threading::{GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION};

    /// A process that cannot be opened is gone (or never was); one that can is alive until it has an
    /// exit code. A process that ended with code 259 (STILL_ACTIVE) reads as alive: the journal's age
    /// then decides, as it did before this check existed.
    pub fn alive(pid: u32) -> bool {
        // SAFETY: plain Win32 calls; the handle is checked before use and closed once.
        unsafe {
            let handle = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
            if handle.is_null() {
                return false;
            }
            let mut code = 0u32;
            let ok = GetExitCodeProcess(handle, &mut code) != 0;
            CloseHandle(handle);
            !ok || code == STILL_ACTIVE as u32
        }
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

#[cfg(test)]
mod tests {
    use super::process_alive;

    /// This process reads as alive; a child that has ended as gone. (The test binary itself is the
    /// child: `--list` prints and exits.)
    #[test]
    fn a_process_is_alive_until_it_has_ended() {
        assert!(process_alive(i64::from(std::process::id())));
        let exe = std::env::current_exe().unwrap();
        let mut child = std::process::Command::new(&exe)
            .args(["--list", "--format", "terse"])
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        let pid = i64::from(child.id());
        child.wait().unwrap();
        assert!(!process_alive(pid), "ended and reaped");
    }
}
