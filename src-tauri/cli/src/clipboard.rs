//! `keyden copy`: a detached helper process owns the clipboard (on X11 the owner must stay alive to
//! serve pastes) and clears it after the configured seconds — unless something else was copied since.
//! The value reaches the helper through a pipe, never argv or the environment.

use crate::failure::Failure;
use keyden_core::secret::SecretValue;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use zeroize::Zeroizing;

fn unavailable(e: impl std::fmt::Display) -> Failure {
    Failure::failed(
        "clipboard_unavailable",
        format!("no clipboard available: {e}"),
        Some(
            "run it in a desktop session (DISPLAY or WAYLAND_DISPLAY set), or use `keyden get` / `keyden exec`".into(),
        ),
    )
}

/// Starts the helper, hands it the value, and waits for it to say the clipboard is set.
pub fn copy_detached(secret: &SecretValue, seconds: u32) -> Result<(), Failure> {
    let exe = std::env::current_exe().map_err(unavailable)?;
    let mut command = Command::new(exe);
    // Its own process group: closing the terminal or the caller's group must not cut the clear short.
    #[cfg(unix)]
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    let mut child = command
        .args(["__clipboard-hold", "--seconds", &seconds.to_string()])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(unavailable)?;
    {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin.write_all(secret.expose().as_bytes()).map_err(unavailable)?;
    }
    let mut status = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped")).read_line(&mut status).map_err(unavailable)?;
    match status.trim() {
        "ok" => Ok(()),
        other => {
            let _ = child.wait();
            Err(unavailable(other.strip_prefix("error: ").unwrap_or("the clipboard helper failed")))
        }
    }
}

/// The clipboard, when it holds `key`'s value now (wherever it was copied from: this CLI's helper, the
/// app, a paste). Asked before a revoke or a delete: a value about to stop being usable should not stay
/// pasteable. No clipboard, or another value on it, is `None` — and nothing to do.
pub async fn holding(keyden: &keyden_core::Keyden, key: &str) -> Option<arboard::Clipboard> {
    // Without a display session there is no clipboard to hold anything (and no point waiting for one).
    #[cfg(all(unix, not(target_os = "macos")))]
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        return None;
    }
    let mut clipboard = arboard::Clipboard::new().ok()?;
    let text = Zeroizing::new(clipboard.get_text().ok()?);
    keyden.is_value_of(key, &text).await.ok()?.then_some(clipboard)
}

/// Clears a clipboard [`holding`] found holding a key's value. (On X11 this process then owns an empty
/// clipboard; the helper that held the value sees it lost ownership and ends.)
pub fn release(held: Option<arboard::Clipboard>) {
    if let Some(mut clipboard) = held {
        let _ = clipboard.clear();
    }
}

/// The helper: reads the value from stdin, sets the clipboard, reports "ok", holds it, clears it.
pub fn hold(seconds: u32) -> Result<(), Failure> {
    let mut value = Zeroizing::new(String::new());
    // From Keyden's own parent process, but bounded all the same.
    std::io::stdin()
        .take(keyden_core::secret::MAX_SECRET_BYTES as u64)
        .read_to_string(&mut value)
        .map_err(unavailable)?;
    let mut clipboard = match arboard::Clipboard::new() {
        Ok(c) => c,
        Err(e) => {
            println!("error: {e}");
            return Ok(());
        }
    };
    println!("ok");
    let _ = std::io::stdout().flush();
    let deadline = Instant::now() + Duration::from_secs(u64::from(seconds));
    set_and_hold(&mut clipboard, &value, deadline);
    // Clear only if what is there is still ours: the user may have copied something else meanwhile.
    if clipboard.get_text().is_ok_and(|now| now == *value) {
        let _ = clipboard.clear();
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn set_and_hold(clipboard: &mut arboard::Clipboard, value: &str, deadline: Instant) {
    use arboard::SetExtLinux;
    // Serves paste requests until the deadline, or until another program takes the clipboard.
    let _ = clipboard.set().exclude_from_history().wait_until(deadline).text(value.to_string());
}

#[cfg(not(target_os = "linux"))]
fn set_and_hold(clipboard: &mut arboard::Clipboard, value: &str, deadline: Instant) {
    // Kept out of the clipboard managers' history: on Windows also out of its clipboard history and
    // cloud sync, on macOS marked concealed (`org.nspasteboard.ConcealedType`).
    #[cfg(windows)]
    let set = arboard::SetExtWindows::exclude_from_monitoring(clipboard.set());
    #[cfg(target_os = "macos")]
    let set = arboard::SetExtApple::exclude_from_history(clipboard.set());
    #[cfg(not(any(windows, target_os = "macos")))]
    let set = clipboard.set();
    let _ = set.text(value.to_string());
    std::thread::sleep(deadline.saturating_duration_since(Instant::now()));
}
