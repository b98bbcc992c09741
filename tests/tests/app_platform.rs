//! The desktop behaviour of the real app binary (release build, Xvfb, the private D-Bus session of
//! scripts/with-keyring.sh): one instance per vault, the window's size and position remembered across
//! launches, a graceful exit on SIGTERM. Run by scripts/test.sh with the WebDriver tests.
//! Linux only (signals, X11 window geometry through xdotool).
#![cfg(target_os = "linux")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn app_binary() -> PathBuf {
    std::env::var_os("KEYDEN_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/keyden-app"))
}

/// A launched app whose stdout is read on a thread (the start-up probe prints its first paint there).
struct App {
    child: Child,
    lines: mpsc::Receiver<String>,
}

impl App {
    /// Launched with `home` as HOME and XDG base dirs, so the default data dir and the window-state file
    /// are this test's own.
    fn launch(home: &Path, args: &[&str]) -> App {
        App::launch_with(home, args, &[])
    }

    /// As `launch`, with `env` added to the app's environment.
    fn launch_with(home: &Path, args: &[&str], env: &[(&str, &str)]) -> App {
        let mut child = Command::new(app_binary())
            .args(args)
            // How the page is painted is the app's choice, unless a test makes it.
            .env_remove("WEBKIT_SKIA_ENABLE_CPU_RENDERING")
            .envs(env.iter().copied())
            .env("HOME", home)
            .env("XDG_DATA_HOME", home.join("data"))
            .env("XDG_CONFIG_HOME", home.join("config"))
            .env("KEYDEN_STARTUP_PROBE", "1")
            .env("NO_AT_BRIDGE", "1")
            .env_remove("KEYDEN_DATA_DIR")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the release app starts (scripts/test.sh builds it)");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        App { child, lines }
    }

    /// Whether the page reported its first paint within `within`.
    fn painted(&self, within: Duration) -> bool {
        let deadline = Instant::now() + within;
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains("first-paint-epoch-ms") => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    }

    fn exited_within(&mut self, within: Duration) -> Option<std::process::ExitStatus> {
        let deadline = Instant::now() + within;
        while Instant::now() < deadline {
            if let Some(s) = self.child.try_wait().unwrap() {
                return Some(s);
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        None
    }

    fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        self.exited_within(Duration::from_secs(10))
    }

    /// The X window of this process, once mapped.
    fn window(&self) -> String {
        for _ in 0..100 {
            let out = Command::new("xdotool")
                .args(["search", "--onlyvisible", "--pid", &self.child.id().to_string(), "--name", "Keyden"])
                .output()
                .expect("xdotool runs");
            if let Some(id) = String::from_utf8_lossy(&out.stdout).lines().last() {
                return id.trim().to_string();
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("no window for pid {}", self.child.id());
    }
}

impl Drop for App {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// (x, y, width, height) from `xdotool getwindowgeometry --shell`.
fn geometry(window: &str) -> (i32, i32, i32, i32) {
    let out = Command::new("xdotool").args(["getwindowgeometry", "--shell", window]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let get = |k: &str| {
        text.lines().find_map(|l| l.strip_prefix(&format!("{k}="))).and_then(|v| v.trim().parse().ok()).unwrap()
    };
    (get("X"), get("Y"), get("WIDTH"), get("HEIGHT"))
}

#[test]
#[ignore = "needs the release app and a display: run by scripts/test.sh"]
fn a_second_launch_on_the_same_vault_hands_over_to_the_first_and_exits() {
    let home = tempfile::tempdir().unwrap();
    let mut first = App::launch(home.path(), &[]);
    assert!(first.painted(Duration::from_secs(30)), "the first instance shows its list");

    let mut second = App::launch(home.path(), &[]);
    let status = second.exited_within(Duration::from_secs(15)).expect("the second launch exits");
    assert!(status.success(), "{status:?}");
    assert!(!second.painted(Duration::from_millis(100)), "the second launch never opened a window");
    assert!(first.child.try_wait().unwrap().is_none(), "the first instance is still running");

    // Another vault is another instance: both run side by side.
    let other = tempfile::tempdir().unwrap();
    let mut elsewhere = App::launch(home.path(), &["--data-dir", other.path().to_str().unwrap()]);
    assert!(elsewhere.painted(Duration::from_secs(30)), "a launch on another data dir opens its own window");

    assert!(elsewhere.terminate().is_some_and(|s| s.success()));
    assert!(first.terminate().is_some_and(|s| s.success()), "SIGTERM is a graceful exit");
}

#[test]
#[ignore = "needs the release app and a display: run by scripts/test.sh"]
fn the_window_comes_back_where_and_as_large_as_it_was_left() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("vault");
    let args = ["--data-dir", data.to_str().unwrap()];
    let mut app = App::launch(home.path(), &args);
    assert!(app.painted(Duration::from_secs(30)));
    let w = app.window();
    let (_, _, width, height) = geometry(&w);
    assert_eq!((width, height), (1120, 720), "the first launch uses the configured size");
    Command::new("xdotool").args(["windowsize", &w, "900", "600", "windowmove", &w, "60", "40"]).status().unwrap();
    let applied = keyden_tests::wait_until(Duration::from_secs(10), || {
        let (x, y, width, height) = geometry(&w);
        (width, height) == (900, 600) && (x - 60).abs() <= 2 && (y - 40).abs() <= 2
    });
    assert!(applied, "the X server never applied the new geometry: {:?}", geometry(&w));
    assert!(app.terminate().is_some_and(|s| s.success()));
    let state = home.path().join("config/dev.keyden.Keyden/.window-state.json");
    assert!(state.exists(), "the window state was saved on exit ({})", state.display());

    let again = App::launch(home.path(), &args);
    assert!(again.painted(Duration::from_secs(30)));
    let (x, y, width, height) = geometry(&again.window());
    assert_eq!((width, height), (900, 600), "size restored");
    assert!((x - 60).abs() <= 2 && (y - 40).abs() <= 2, "position restored: ({x}, {y})");
}

/// The processes started under `root` (WebKit's web and network processes are the app's children).
fn descendants(root: u32) -> Vec<u32> {
    let mut children: std::collections::HashMap<u32, Vec<u32>> = Default::default();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else { continue };
        // The parent is the second field after the command's closing parenthesis.
        let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else { continue };
        let Some(ppid) = stat.rsplit_once(')').and_then(|(_, rest)| rest.split_whitespace().nth(1)?.parse().ok())
        else {
            continue;
        };
        children.entry(ppid).or_default().push(pid);
    }
    let (mut out, mut todo) = (Vec::new(), vec![root]);
    while let Some(pid) = todo.pop() {
        out.push(pid);
        todo.extend(children.get(&pid).into_iter().flatten());
    }
    out
}

/// The value of `name` in the environment of the app's WebKit web process.
fn web_process_env(app: &App, name: &str) -> Option<String> {
    let web = descendants(app.child.id())
        .into_iter()
        .find(|pid| {
            std::fs::read_to_string(format!("/proc/{pid}/comm")).is_ok_and(|c| c.starts_with("WebKitWebProces"))
        })
        .expect("the app runs a WebKit web process");
    let environ = std::fs::read(format!("/proc/{web}/environ")).unwrap();
    environ.split(|b| *b == 0).find_map(|kv| {
        let kv = String::from_utf8_lossy(kv);
        kv.strip_prefix(&format!("{name}=")).map(str::to_string)
    })
}

#[test]
#[ignore = "needs the release app and a display: run by scripts/test.sh"]
fn without_a_gpu_the_page_is_painted_on_the_cpu_unless_the_user_chose() {
    let gpu = std::fs::read_dir("/dev/dri")
        .is_ok_and(|d| d.flatten().any(|e| e.file_name().to_string_lossy().starts_with("renderD")));
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("vault");
    let args = ["--data-dir", data.to_str().unwrap()];

    let mut app = App::launch(home.path(), &args);
    assert!(app.painted(Duration::from_secs(30)));
    let chosen = web_process_env(&app, "WEBKIT_SKIA_ENABLE_CPU_RENDERING");
    assert_eq!(chosen.as_deref(), (!gpu).then_some("1"), "GPU render node present: {gpu}");
    assert!(app.terminate().is_some_and(|s| s.success()));

    let mut app = App::launch_with(home.path(), &args, &[("WEBKIT_SKIA_ENABLE_CPU_RENDERING", "0")]);
    assert!(app.painted(Duration::from_secs(30)));
    assert_eq!(web_process_env(&app, "WEBKIT_SKIA_ENABLE_CPU_RENDERING").as_deref(), Some("0"), "the user's value");
    assert!(app.terminate().is_some_and(|s| s.success()));
}

#[test]
#[ignore = "needs the release app: run by scripts/test.sh"]
fn without_a_display_the_app_says_so_and_exits_1() {
    let home = tempfile::tempdir().unwrap();
    let out = Command::new(app_binary())
        .args(["--data-dir", home.path().join("vault").to_str().unwrap()])
        .env("HOME", home.path())
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("GDK_BACKEND")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("no display to open a window on"), "{stderr}");
    assert!(!stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"), "{stderr}");
    assert!(!home.path().join("vault").exists(), "nothing was created before it gave up");
}

/// The page's start-up trace (`KEYDEN_STARTUP_PROBE`): each step's instant, by name.
fn startup_trace(app: &App, within: Duration) -> std::collections::HashMap<String, f64> {
    let deadline = Instant::now() + within;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        match app.lines.recv_timeout(left) {
            Ok(l) if l.contains("startup-trace") => {
                return l
                    .split_whitespace()
                    .filter_map(|kv| kv.split_once('='))
                    .filter_map(|(k, v)| Some((k.to_string(), v.parse().ok()?)))
                    .collect();
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    panic!("no start-up trace within {within:?}");
}

#[test]
#[ignore = "needs the release app and a display: run by scripts/test.sh"]
fn the_first_screenful_is_in_the_page_before_it_asks_and_without_it_the_page_asks() {
    let s = keyden_tests::Sandbox::new();
    s.add("First screen key", &keyden_tests::unique_secret("first"), &[]);
    let home = tempfile::tempdir().unwrap();
    let data = s.path().to_str().unwrap();

    // A vault that opens: the list is drawn from what the app gave the page; no request for it was
    // sent before the first frame.
    // Given all the time it takes: whether it is ready within the app's own bound is a matter of the
    // machine's load, not of this test.
    let mut app = App::launch_with(home.path(), &["--data-dir", data], &[("KEYDEN_FIRST_SCREEN_WAIT_MS", "60000")]);
    let trace = startup_trace(&app, Duration::from_secs(90));
    assert!(trace.contains_key("list-given"), "{trace:?}");
    assert!(trace["list-given"] <= trace["frame"], "{trace:?}");
    assert!(trace.get("list-asked").is_none_or(|asked| *asked >= trace["frame"]), "{trace:?}");
    assert!(app.terminate().is_some_and(|s| s.success()));

    // A data directory that cannot be opened (a file stands where it should be): the window still
    // comes up, and the page asks, which is how the error reaches the user.
    let blocked = home.path().join("not-a-dir");
    std::fs::write(&blocked, b"x").unwrap();
    let mut app = App::launch_with(
        home.path(),
        &["--data-dir", blocked.to_str().unwrap()],
        &[("KEYDEN_FIRST_SCREEN_WAIT_MS", "60000")],
    );
    let trace = startup_trace(&app, Duration::from_secs(60));
    assert!(!trace.contains_key("list-given") && trace.contains_key("list-answered"), "{trace:?}");
    assert!(app.terminate().is_some_and(|s| s.success()));
}

#[test]
#[ignore = "needs the release app and a display: run by scripts/test.sh"]
fn the_app_folds_the_wal_into_the_database_when_it_ends() {
    let s = keyden_tests::Sandbox::new();
    s.add("WAL key", &keyden_tests::unique_secret("wal"), &[]);
    let db = s.path().join("keyden.sqlite3");
    let wal = s.path().join("keyden.sqlite3-wal");
    // A write left in the WAL, as a process that ended without closing its database leaves it.
    let script = "import os, sqlite3, sys\n\
                  c = sqlite3.connect(sys.argv[1])\n\
                  c.execute(\"UPDATE keys SET notes = 'left in the WAL'\")\n\
                  c.commit()\n\
                  os._exit(0)";
    let status = Command::new("python3").args(["-c", script]).arg(&db).status().unwrap();
    assert!(status.success());
    let wal_len = || std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
    assert!(wal_len() > 0, "the write is in the WAL, not yet in the database");

    let home = tempfile::tempdir().unwrap();
    let mut app = App::launch(home.path(), &["--data-dir", s.path().to_str().unwrap()]);
    assert!(app.painted(Duration::from_secs(90)), "the app painted its list");
    assert!(app.terminate().is_some_and(|s| s.success()));
    assert_eq!(wal_len(), 0, "the app's database was closed as it ended, its WAL folded in");
    let shown = s.run(&["keys", "show", "WAL key"]);
    assert!(shown.stdout.contains("left in the WAL"), "nothing was lost: {}", shown.stdout);
}
