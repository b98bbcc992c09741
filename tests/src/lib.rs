//! Helpers for Keyden's black-box tests: run the built `keyden` binary as a process against a
//! throw-away data directory, inside the private Secret Service that `scripts/test.sh` starts.

pub mod bus;
pub mod fakes;
pub mod http;
pub mod keyring;
pub mod medusa;
pub mod openbao;
pub mod openbao_cluster;
pub mod proxy;
pub mod xclip;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The CLI under test: `KEYDEN_BIN`, else the workspace's debug build, with the `test-hooks` feature
/// the crash tests need to stop it between journal steps.
pub fn keyden_bin() -> PathBuf {
    std::env::var_os("KEYDEN_BIN").map(PathBuf::from).unwrap_or_else(|| built("keyden-cli", "keyden", &["test-hooks"]))
}

/// The child the tests hand to `keyden run` / `exec` (`tests/probe`): `KEYDEN_PROBE` — the Windows
/// build of it, beside a Windows `keyden` — else the workspace's debug build.
pub fn probe() -> PathBuf {
    std::env::var_os("KEYDEN_PROBE").map(PathBuf::from).unwrap_or_else(|| built("keyden-probe", "keyden-probe", &[]))
}

/// A workspace binary's debug build, brought up to date once per test binary and package: `cargo
/// test` does not build another package's binaries.
fn built(package: &str, bin: &str, features: &[&str]) -> PathBuf {
    static BUILT: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());
    let mut done = BUILT.lock().unwrap_or_else(|e| e.into_inner());
    if !done.iter().any(|p| p == package) {
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut c = Command::new(cargo);
        c.args(["build", "--quiet", "-p", package]).current_dir(env!("CARGO_MANIFEST_DIR"));
        if !features.is_empty() {
            c.arg("--features").arg(features.join(","));
        }
        assert!(c.status().expect("cargo runs").success(), "building {package} failed");
        done.push(package.to_string());
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../target/debug/{bin}{}", std::env::consts::EXE_SUFFIX))
}

/// `keyden … -- <probe> STEP…`: the probe's path followed by its steps, ready to append to a command
/// line (see `tests/probe/src/main.rs` for the steps).
pub fn child(steps: &[&str]) -> Vec<String> {
    let mut v = vec![probe().to_string_lossy().into_owned()];
    v.extend(steps.iter().map(|s| s.to_string()));
    v
}

/// Whether the keyring is a Secret Service (the Linux build): the tests that switch it off through
/// `DBUS_SESSION_BUS_ADDRESS` apply only there.
pub fn secret_service() -> bool {
    cfg!(target_os = "linux") && !windows_build()
}

/// The text the OS keyring shows beside `id`'s entry: the label Seahorse lists (`secret-tool search`)
/// on Linux, the comment Credential Manager shows for the Windows build. macOS: the keyring crate
/// sets no label in Keychain (a known limit, README): `None`, nothing to compare.
pub fn keyring_label(id: &str) -> Option<String> {
    if cfg!(target_os = "macos") {
        return None;
    }
    if windows_build() {
        return Some(Run::of(keyden_command(&probe()).arg(format!("credential-comment:{id}.keyden"))).stdout);
    }
    let out =
        Command::new("secret-tool").args(["search", "--all", "service", "keyden", "username", id]).output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    Some(listing.lines().find_map(|l| l.strip_prefix("label = ")).unwrap_or_default().to_string())
}

/// `ARGS -- <probe> STEPS` as one argument list.
pub fn child_line(args: &[&str], steps: &[&str]) -> Vec<String> {
    let mut line: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    line.push("--".into());
    line.extend(child(steps));
    line
}

/// The name Keyden records for the probe in its audit trail (`keyden-probe`, `.exe` on Windows).
pub fn probe_name() -> String {
    probe().file_name().unwrap().to_string_lossy().into_owned()
}

/// A command running `bin`: directly, or through `KEYDEN_RUNNER` — Wine, for the Windows build the
/// same tests run against (`scripts/windows.sh`).
pub fn keyden_command(bin: &Path) -> Command {
    match std::env::var_os("KEYDEN_RUNNER").filter(|r| !r.is_empty()) {
        Some(runner) => {
            let mut c = Command::new(runner);
            c.arg(bin);
            // Where a test build of keyden.exe records its exit code (see `exit_code`).
            c.env(EXIT_FILE_ENV, exit_file());
            c
        }
        None => Command::new(bin),
    }
}

const EXIT_FILE_ENV: &str = "KEYDEN_TEST_EXIT_FILE";

/// A fresh path for one run's exit code, in a directory that lives as long as the test binary.
fn exit_file() -> PathBuf {
    static DIR: std::sync::OnceLock<tempfile::TempDir> = std::sync::OnceLock::new();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let dir = DIR.get_or_init(|| tempfile::tempdir().expect("temp dir"));
    dir.path().join(format!("exit-{}", NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)))
}

/// The exit code of a process `cmd` started. Under Wine, wineserver SIGKILLs a process that is still
/// tearing down a second after it exited (on a loaded machine), and this Linux parent then sees
/// SIGKILL where Windows saw an exit code; the test build of keyden.exe records that code just before
/// it exits, and it is read back here. A SIGKILL with nothing recorded stays a kill (`None`).
pub fn exit_code(cmd: &Command, status: std::process::ExitStatus) -> Option<i32> {
    let recorded = cmd
        .get_envs()
        .find(|(k, _)| *k == EXIT_FILE_ENV)
        .and_then(|(_, v)| v)
        .map(PathBuf::from)
        .and_then(|p| std::fs::read_to_string(&p).ok().inspect(|_| drop(std::fs::remove_file(&p))));
    status.code().or_else(|| recorded.and_then(|c| c.trim().parse().ok()))
}

/// Whether the CLI under test is the Windows build (run under Wine).
pub fn windows_build() -> bool {
    keyden_bin().extension().is_some_and(|e| e.eq_ignore_ascii_case("exe"))
}

/// A path as the CLI under test spells it: for the Windows build under Wine, a Linux path is the same
/// file on drive `Z:` (`/tmp/x y` → `Z:\tmp\x y`); otherwise the path itself.
pub fn native_path(p: &Path) -> String {
    let text = p.to_string_lossy();
    if windows_build() && cfg!(unix) {
        format!("Z:{}", text.replace('/', "\\"))
    } else {
        text.into_owned()
    }
}

/// Stops a test that would write to the developer's own keyring: Keyden's entries live under service
/// `keyden` there too, and a test run would leave its own behind. `scripts/with-keyring.sh` starts a
/// private Secret Service and says so in `KEYDEN_IN_KEYRING_SESSION`.
pub fn require_private_keyring() {
    assert!(
        std::env::var_os("KEYDEN_IN_KEYRING_SESSION").is_some_and(|v| v == "1"),
        "this test uses the Secret Service: run it through scripts/with-keyring.sh (a private, throw-away \
         keyring), never against your own"
    );
}

/// Two free TCP ports on 127.0.0.1 (e.g. tauri-driver's and WebKitWebDriver's), chosen by the OS so
/// that tests never collide with each other or with anything else running on the machine.
pub fn free_ports() -> (u16, u16) {
    let a = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let b = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    (a.local_addr().unwrap().port(), b.local_addr().unwrap().port())
}

/// Polls `condition` every 50 ms until it holds or `within` has passed; says whether it held.
pub fn wait_until(within: std::time::Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = std::time::Instant::now() + within;
    loop {
        if condition() {
            return true;
        }
        if std::time::Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// One data directory, fresh per test.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
    env: Vec<(String, String)>,
}

#[derive(Debug)]
pub struct Run {
    pub code: i32,
    /// The signal that ended the process, if one did (`code` is then -1).
    pub signal: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Whether Wine lost a run of keyden.exe: it ended with code 1, printed nothing and left no exit
/// record. keyden.exe records its code on every exit (`exit_with`) and prints on every failure, so it
/// never reached its exit: Wine did not run it. Seen twice in one day's CI runs (a `keys add`, a `keys
/// list`), never reproduced on demand (`scripts/windows.sh --test cli_faults`, 5 runs). Such a run is
/// started once more, and the retry is said on stderr so that it stays visible.
fn wine_lost_it(cmd: &Command, out: &Output) -> bool {
    let lost = std::env::var_os("KEYDEN_RUNNER").is_some_and(|r| !r.is_empty())
        && cmd.get_args().next().is_some_and(|a| Path::new(a) == keyden_bin())
        && never_ran(out, cmd.get_envs().any(|(k, v)| k == EXIT_FILE_ENV && v.is_some_and(|p| Path::new(p).exists())));
    if lost {
        // Straight to stderr, not `eprintln!`: the test harness keeps a passing test's `eprintln!` to
        // itself, and a retry must show in the CI log even when the retried run passes.
        let line = format!(
            "keyden-tests: Wine ended {:?} with code 1 before keyden.exe ran; starting it once more\n",
            cmd.get_args()
        );
        let _ = std::io::stderr().write_all(line.as_bytes());
    }
    lost
}

/// Code 1, no output and no exit record: what a keyden.exe that never ran leaves.
fn never_ran(out: &Output, recorded: bool) -> bool {
    out.status.code() == Some(1) && out.stdout.is_empty() && out.stderr.is_empty() && !recorded
}

#[cfg(all(test, unix))]
mod lost_runs {
    use std::os::unix::process::ExitStatusExt;
    use std::process::{ExitStatus, Output};

    fn out(code: i32, stdout: &str, stderr: &str) -> Output {
        Output { status: ExitStatus::from_raw(code << 8), stdout: stdout.into(), stderr: stderr.into() }
    }

    #[test]
    fn only_a_silent_code_1_without_an_exit_record_is_a_run_wine_lost() {
        assert!(super::never_ran(&out(1, "", ""), false));
        assert!(!super::never_ran(&out(1, "", ""), true), "keyden.exe recorded its exit: it ran");
        assert!(!super::never_ran(&out(1, "", "keyden: no such key"), false), "keyden said why");
        assert!(!super::never_ran(&out(1, "[]", ""), false));
        assert!(!super::never_ran(&out(0, "", ""), false));
        assert!(!super::never_ran(&out(2, "", ""), false));
    }
}

impl Run {
    /// Runs `cmd` to its end, its output collected.
    pub fn of(cmd: &mut Command) -> Self {
        let mut out = cmd.output().expect("the command starts");
        if wine_lost_it(cmd, &out) {
            out = cmd.output().expect("the command starts");
        }
        Run::from_output(cmd, out)
    }

    /// What `cmd`, already run, produced; its exit code as `exit_code` finds it.
    pub fn from_output(cmd: &Command, o: Output) -> Self {
        #[cfg(unix)]
        let signal = std::os::unix::process::ExitStatusExt::signal(&o.status);
        #[cfg(not(unix))]
        let signal = None;
        Run {
            code: exit_code(cmd, o.status).unwrap_or(-1),
            signal,
            stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| panic!("stdout is not JSON ({e}): {self:?}"))
    }

    /// The `{code, message, hint}` a `--json` failure prints on stderr.
    pub fn error(&self) -> serde_json::Value {
        let line =
            self.stderr.lines().rev().find(|l| l.starts_with('{')).unwrap_or_else(|| panic!("no JSON error: {self:?}"));
        serde_json::from_str(line).unwrap()
    }

    pub fn error_code(&self) -> String {
        self.error()["code"].as_str().unwrap_or_default().to_string()
    }

    #[track_caller]
    pub fn ok(self) -> Self {
        assert_eq!(self.code, 0, "expected success: {self:?}");
        self
    }
}

impl Default for Sandbox {
    fn default() -> Self {
        Self::new()
    }
}

impl Sandbox {
    pub fn new() -> Self {
        require_private_keyring();
        Sandbox { dir: tempfile::tempdir().expect("temp dir"), env: Vec::new() }
    }

    /// An environment variable for every run in this sandbox (e.g. shorter HTTP timeouts).
    pub fn with_env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = keyden_command(&keyden_bin());
        c.arg("--data-dir").arg(self.path()).args(args);
        c.env_remove("KEYDEN_DATA_DIR").env_remove("KEYDEN_TEST_PAUSE_AT");
        c.envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    pub fn run_with_stdin(&self, args: &[&str], stdin: &[u8]) -> Run {
        let mut cmd = self.command(args);
        cmd.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let run_once = |cmd: &mut Command| {
            let mut child = cmd.spawn().expect("keyden starts");
            // From a thread, ignoring a broken pipe: keyden may refuse before reading it all (size limit).
            let mut pipe = child.stdin.take().unwrap();
            let input = stdin.to_vec();
            let writer = std::thread::spawn(move || {
                let _ = pipe.write_all(&input);
            });
            let out = child.wait_with_output().unwrap();
            writer.join().unwrap();
            out
        };
        let mut out = run_once(&mut cmd);
        if wine_lost_it(&cmd, &out) {
            out = run_once(&mut cmd);
        }
        Run::from_output(&cmd, out)
    }

    pub fn run(&self, args: &[&str]) -> Run {
        self.run_with_stdin(args, b"")
    }

    /// Runs in `dir` (a project), with no stdin.
    pub fn run_in(&self, dir: &Path, args: &[&str]) -> Run {
        Run::of(self.command(args).current_dir(dir).stdin(Stdio::null()))
    }

    /// `keyden ARGS -- <probe> STEPS` (for `run` and `exec`), as a command to adjust and start.
    pub fn command_child(&self, args: &[&str], steps: &[&str]) -> Command {
        let line = child_line(args, steps);
        self.command(&line.iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// `keyden ARGS -- <probe> STEPS`, with no stdin.
    pub fn run_child(&self, args: &[&str], steps: &[&str]) -> Run {
        Run::of(self.command_child(args, steps).stdin(Stdio::null()))
    }

    /// `keyden ARGS -- <probe> STEPS` in `dir` (a project), with no stdin.
    pub fn run_child_in(&self, dir: &Path, args: &[&str], steps: &[&str]) -> Run {
        Run::of(self.command_child(args, steps).current_dir(dir).stdin(Stdio::null()))
    }

    /// `keys add --json` with the given extra flags; returns the new key's id.
    pub fn add(&self, title: &str, secret: &str, extra: &[&str]) -> String {
        let mut args = vec!["--json", "keys", "add", "--title", title, "--secret-stdin"];
        args.extend_from_slice(extra);
        let run = self.run_with_stdin(&args, secret.as_bytes()).ok();
        run.json()["id"].as_str().expect("an id").to_string()
    }

    /// `accounts add medusa --json` with an email and a password on stdin (the run, whatever it says).
    pub fn add_medusa_account(&self, name: &str, url: &str, email: &str, password: &str) -> Run {
        let args =
            ["--json", "accounts", "add", "medusa", "--name", name, "--url", url, "--email", email, "--password-stdin"];
        self.run_with_stdin(&args, password.as_bytes())
    }

    /// Ids of the keys `keys list --json` shows.
    pub fn ids(&self) -> Vec<String> {
        let run = self.run(&["--json", "keys", "list"]).ok();
        run.json().as_array().unwrap().iter().map(|k| k["id"].as_str().unwrap().to_string()).collect()
    }

    /// Every file under the data directory, for canary scans.
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = Vec::new();
        walk(self.path(), &mut out);
        out
    }
}

/// The value the OS keyring holds for `id`, read by another client than Keyden's: on Linux what
/// `secret-tool lookup service keyden username ID` prints; for the Windows build the Credential
/// Manager's generic credential `ID.keyden` (the keyring crate's target name), read by the probe.
pub fn keyring_lookup(id: &str) -> Option<String> {
    if windows_build() {
        let run = Run::of(keyden_command(&probe()).arg(format!("credential:{id}.keyden")));
        return (run.code == 0).then_some(run.stdout);
    }
    let out = if cfg!(target_os = "macos") {
        // The release workflow's macOS runner: Keychain's own client (a newline follows the value).
        let out = Command::new("security").args(["find-generic-password", "-s", "keyden", "-a", id, "-w"]).output();
        let out = out.expect("security runs");
        let text = String::from_utf8_lossy(&out.stdout);
        return out.status.success().then(|| text.strip_suffix('\n').unwrap_or(&text).to_string());
    } else {
        Command::new("secret-tool")
            .args(["lookup", "service", "keyden", "username", id])
            .output()
            .expect("secret-tool runs")
    };
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Counts occurrences of `needle` in `haystack` (bytes).
pub fn occurrences(haystack: &[u8], needle: &[u8]) -> usize {
    haystack.windows(needle.len()).filter(|w| *w == needle).count()
}

/// A value nobody else would ever write: the canary.
pub fn unique_secret(tag: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    format!("sk_canary_{tag}_{nanos:x}_{}", std::process::id())
}

/// A one-route HTTP server on 127.0.0.1 for the JWKS tests: answers each request with the next
/// scripted reply (the last one repeats) and counts the requests it saw.
pub struct FakeServer {
    pub url: String,
    hits: std::sync::Arc<std::sync::atomic::AtomicUsize>,
}

#[derive(Clone)]
pub enum Reply {
    Json(String),
    Status(u16),
    /// Accept the connection and never answer.
    Hang,
}

impl FakeServer {
    pub fn start(replies: Vec<Reply>) -> Self {
        use std::io::{BufRead, BufReader};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
        let url = format!("http://{}/.well-known/jwks.json", listener.local_addr().unwrap());
        let hits = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                let n = counter.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let reply = replies.get(n).or(replies.last()).cloned().unwrap_or(Reply::Status(404));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut line = String::new();
                while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                    line.clear();
                }
                let mut stream = stream;
                let (status, body) = match reply {
                    Reply::Json(b) => (200, b),
                    Reply::Status(s) => (s, format!("{{\"error\":\"status {s}\"}}")),
                    Reply::Hang => {
                        held.push(stream);
                        continue;
                    }
                };
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        FakeServer { url, hits }
    }

    pub fn hits(&self) -> usize {
        self.hits.load(std::sync::atomic::Ordering::SeqCst)
    }
}
