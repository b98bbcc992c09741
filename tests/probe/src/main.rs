//! `keyden-probe STEP...`: runs each step in order. A step is `verb` or `verb:argument`, and
//! `${NAME}` in an argument is the environment variable's value (empty when unset):
//!
//! - `out:TEXT`, `err:TEXT`   TEXT and a newline, to stdout / stderr, flushed at once
//! - `write:FILE=TEXT`        FILE holds exactly TEXT
//! - `touch:FILE`
//! - `require:NAME`           exit 3 unless NAME is set and not empty
//! - `wait-file:FILE`         until FILE exists (at most 30 s, then exit 4)
//! - `pid`                    this process's id, and a newline
//! - `trap:N`                 from now on Ctrl+C / SIGINT / SIGTERM print `caught` and exit N
//! - `loop`                   wait (for a trapped signal) at most 60 s, then exit 5
//! - `exit:N`
//! - `credential:TARGET`      (Windows) the Credential Manager's generic credential TARGET, as
//!   text, without a newline; exit 1 when there is none
//! - `credential-comment:TARGET` (Windows) its comment, the text Credential Manager shows

use std::io::Write;
use std::time::{Duration, Instant};

/// Exits with `code`, first writing it to `KEYDEN_TEST_EXIT_FILE` when set: under Wine a Linux parent
/// may see SIGKILL instead (wineserver kills a process slow to tear down), and reads the code there.
fn finish(code: i32) -> ! {
    let _ = std::io::stdout().flush();
    if let Some(path) = std::env::var_os("KEYDEN_TEST_EXIT_FILE") {
        let _ = std::fs::write(path, code.to_string());
    }
    std::process::exit(code)
}

fn expand(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) => {
                out.push_str(&std::env::var(&after[..end]).unwrap_or_default());
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn poll(within: Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + within;
    while !done() {
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    true
}

fn main() {
    for step in std::env::args().skip(1) {
        let (verb, arg) = step.split_once(':').unwrap_or((step.as_str(), ""));
        let arg = expand(arg);
        match verb {
            "out" => {
                let mut o = std::io::stdout().lock();
                let _ = writeln!(o, "{arg}").and_then(|()| o.flush());
            }
            "err" => {
                let _ = writeln!(std::io::stderr(), "{arg}");
            }
            "write" => {
                let (file, text) = arg.split_once('=').expect("write:FILE=TEXT");
                std::fs::write(file, text).expect("write the file");
            }
            "touch" => {
                std::fs::write(&arg, "").expect("touch the file");
            }
            "require" => {
                if std::env::var_os(&arg).is_none_or(|v| v.is_empty()) {
                    finish(3);
                }
            }
            "wait-file" => {
                if !poll(Duration::from_secs(30), || std::path::Path::new(&arg).exists()) {
                    finish(4);
                }
            }
            "pid" => println!("{}", std::process::id()),
            "trap" => {
                let code: i32 = arg.parse().expect("trap:N");
                ctrlc::set_handler(move || {
                    println!("caught");
                    let _ = std::io::stdout().flush();
                    finish(code);
                })
                .expect("a signal handler");
            }
            "loop" => {
                poll(Duration::from_secs(60), || false);
                finish(5);
            }
            "exit" => finish(arg.parse().expect("exit:N")),
            "credential" | "credential-comment" => match credential::read(&arg) {
                Some((secret, comment)) => print!("{}", if verb == "credential" { secret } else { comment }),
                None => finish(1),
            },
            other => {
                eprintln!("keyden-probe: unknown step {other:?}");
                finish(64);
            }
        }
    }
    finish(0)
}

#[cfg(windows)]
#[allow(unsafe_code)] // CredReadW / CredFree: the Credential Manager has no safe API.
mod credential {
    use windows_sys::Win32::Security::Credentials::{CredFree, CredReadW, CREDENTIALW, CRED_TYPE_GENERIC};

    /// The credential's secret (UTF-16, as the keyring crate stores it) and its comment.
    pub fn read(target: &str) -> Option<(String, String)> {
        let wide: Vec<u16> = target.encode_utf16().chain(Some(0)).collect();
        let mut found: *mut CREDENTIALW = std::ptr::null_mut();
        // SAFETY: `wide` is NUL-terminated; on success `found` points at a credential we free below.
        if unsafe { CredReadW(wide.as_ptr(), CRED_TYPE_GENERIC, 0, &mut found) } == 0 {
            return None;
        }
        // SAFETY: the blob is CredentialBlobSize bytes long and lives until CredFree.
        let text = unsafe {
            let c = &*found;
            let bytes = std::slice::from_raw_parts(c.CredentialBlob, c.CredentialBlobSize as usize);
            let units: Vec<u16> = bytes.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
            let mut comment = Vec::new();
            let mut at = c.Comment;
            while !at.is_null() && *at != 0 {
                comment.push(*at);
                at = at.add(1);
            }
            (String::from_utf16_lossy(&units), String::from_utf16_lossy(&comment))
        };
        // SAFETY: `found` came from CredReadW.
        unsafe { CredFree(found.cast()) };
        Some(text)
    }
}

#[cfg(not(windows))]
mod credential {
    pub fn read(_target: &str) -> Option<(String, String)> {
        eprintln!("keyden-probe: the Credential Manager exists on Windows only");
        None
    }
}
