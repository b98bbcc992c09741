//! Running the child of `keyden run`: its output through the masking filter, live, byte for byte
//! otherwise; SIGINT/SIGTERM/SIGHUP sent to Keyden passed on to it; its exit code returned (128+N
//! for a signal, as a shell reports it). Unmasked on Unix, Keyden becomes the child (exec), so the
//! child owns the terminal, its signals and its exit status outright.

use crate::failure::Failure;
use keyden_core::env::mask::Masker;
use std::io::{Read, Write};
use std::process::{Command, Stdio};

fn spawn_failure(program: &str, e: std::io::Error) -> Failure {
    Failure::failed(
        "exec_failed",
        format!("cannot run {}: {e}", crate::output::clean(program)),
        Some("check the command name and PATH".into()),
    )
}

/// Replaces this process with the command (Unix); elsewhere runs it with the console handed over.
pub fn hand_over(mut cmd: Command, program: &str) -> Result<u8, Failure> {
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let err = cmd.exec();
        Err(spawn_failure(program, err))
    }
    #[cfg(not(unix))]
    {
        ignore_console_interrupts();
        let status = cmd.status().map_err(|e| spawn_failure(program, e))?;
        Ok(exit_code(status))
    }
}

/// Runs the command with its stdout and stderr each through its own masker.
pub fn run_masked(mut cmd: Command, program: &str, out: Masker, err: Masker) -> Result<u8, Failure> {
    cmd.stdin(Stdio::inherit()).stdout(Stdio::piped()).stderr(Stdio::piped());
    #[cfg(not(unix))]
    ignore_console_interrupts();
    // Listening before the child exists: a signal in between must not end Keyden.
    #[cfg(unix)]
    let listening = signals::listen();
    let mut child = cmd.spawn().map_err(|e| spawn_failure(program, e))?;
    #[cfg(unix)]
    let forwarder = listening.map(|l| signals::forward(l, child.id()));
    let child_out = child.stdout.take().expect("piped");
    let child_err = child.stderr.take().expect("piped");
    let pumps = [
        std::thread::spawn(move || pump(child_out, std::io::stdout(), out)),
        std::thread::spawn(move || pump(child_err, std::io::stderr(), err)),
    ];
    let status = child.wait().map_err(|e| Failure::failed("exec_failed", format!("lost the child: {e}"), None))?;
    // Its pid may be reused from now on: nothing more is sent to it.
    #[cfg(unix)]
    if let Ok(f) = forwarder {
        f.stop();
    }
    // The pipes end when the last writer goes (a background grandchild may still hold them).
    for p in pumps {
        let _ = p.join();
    }
    Ok(exit_code(status))
}

/// Copies one stream through its masker, writing each read's decided bytes at once. A reader that
/// went away (`keyden run … | head`) stops the copy; the child then sees its pipe close, as it
/// would without Keyden in between.
fn pump(mut from: impl Read, to: impl Write, mut masker: Masker) {
    let mut to = to;
    let mut buf = vec![0u8; 64 * 1024];
    let mut shown = Vec::with_capacity(buf.len() + 256);
    loop {
        let n = match from.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        };
        masker.feed(&buf[..n], &mut shown);
        if to.write_all(&shown).and_then(|()| to.flush()).is_err() {
            return;
        }
        shown.clear();
    }
    masker.finish(&mut shown);
    let _ = to.write_all(&shown).and_then(|()| to.flush());
}

fn exit_code(status: std::process::ExitStatus) -> u8 {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return u8::try_from(128 + signal).unwrap_or(255);
        }
    }
    // Windows codes are 32 bits (0xC000013A after Ctrl+C): passed on whole, never cut to a byte that
    // could read as success (256 → 0). The child's output was all passed on before this point.
    #[cfg(not(unix))]
    if let Some(code) = status.code().filter(|c| !(0..=255).contains(c)) {
        crate::exit_with(code);
    }
    status.code().map(|c| u8::try_from(c & 0xff).unwrap_or(1)).unwrap_or(1)
}

/// Ctrl+C in a console reaches every process attached to it: the child handles its own, and Keyden
/// stays to pass on its output and exit code.
#[cfg(not(unix))]
fn ignore_console_interrupts() {
    let _ = ctrlc::set_handler(|| {});
}

#[cfg(unix)]
mod signals {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    use signal_hook::iterator::exfiltrator::origin::WithOrigin;
    use signal_hook::iterator::{Handle, SignalsInfo};
    use signal_hook::low_level::siginfo::Cause;

    pub struct Forwarder {
        handle: Handle,
        thread: std::thread::JoinHandle<()>,
    }

    impl Forwarder {
        pub fn stop(self) {
            self.handle.close();
            let _ = self.thread.join();
        }
    }

    /// From now on SIGINT, SIGTERM and SIGHUP no longer end Keyden; they wait to be passed on.
    pub fn listen() -> std::io::Result<SignalsInfo<WithOrigin>> {
        SignalsInfo::<WithOrigin>::new([SIGINT, SIGTERM, SIGHUP])
    }

    /// Passes those signals on to `pid` when another process sent them. A terminal's Ctrl+C comes
    /// from the kernel to the whole foreground group — the child has it already, and a second copy
    /// would read as "press again to force quit".
    pub fn forward(mut signals: SignalsInfo<WithOrigin>, pid: u32) -> Forwarder {
        let handle = signals.handle();
        let target = i32::try_from(pid).ok().and_then(rustix::process::Pid::from_raw);
        let thread = std::thread::spawn(move || {
            for origin in signals.forever() {
                let sent_by_a_process =
                    matches!(origin.cause, Cause::Sent(_)) && origin.process.is_some_and(|p| p.pid > 0);
                let signal = rustix::process::Signal::from_named_raw(origin.signal);
                if let (true, Some(pid), Some(signal)) = (sent_by_a_process, target, signal) {
                    let _ = rustix::process::kill_process(pid, signal);
                }
            }
        });
        Forwarder { handle, thread }
    }
}
