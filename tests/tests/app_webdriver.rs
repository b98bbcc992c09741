//! The real app in a real window (Xvfb), driven through WebDriver: tauri-driver + WebKitWebDriver.
//! Create a key through the dialog, see it listed, search for it, revoke it; screenshots saved in
//! tests/artifacts/. Run by scripts/test.sh after the release build (it needs the embedded frontend).
//! Linux only: WebKitWebDriver and Xvfb drive WebKitGTK; the release workflow builds the other
//! platforms' installers, whose windows (WebView2, WKWebView) have no driver on this machine.
#![cfg(target_os = "linux")]

use fantoccini::key::Key;
use fantoccini::{Client, ClientBuilder, Locator};
use keyden_tests::xclip::paste;
use keyden_tests::{keyring_lookup, unique_secret, wait_until, Sandbox};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// tauri-driver in a process group of its own: dropping it ends the group, so the WebKitWebDriver it
/// started goes too and cannot hold the next test's port.
struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = Command::new("kill").args(["-TERM", "--", &format!("-{}", self.0.id())]).status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn app_binary() -> PathBuf {
    let p = std::env::var_os("KEYDEN_APP_BIN")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/release/keyden-app"));
    assert!(p.exists(), "{} is missing: build it with `tauri build` (scripts/test.sh does)", p.display());
    p
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Pixels of the app's window as the X server shows them (`import`, RGB), a rectangle in page pixels
/// (the page fills the window; no window manager under Xvfb). WebDriver's screenshots paint the page
/// afresh, so they miss what only goes wrong on the way to the screen.
fn screen_pixels(x: i64, y: i64, w: i64, h: i64) -> Vec<u8> {
    let window = app_window();
    let out = Command::new("import")
        .args(["-window", &window, "-crop", &format!("{w}x{h}+{x}+{y}"), "-depth", "8", "rgb:-"])
        .output()
        .expect("ImageMagick's import (scripts/setup.sh installs it)");
    assert!(
        out.status.success() && out.stdout.len() as i64 == w * h * 3,
        "import: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// `clicks` turns of the mouse wheel down, over the page's (x, y) in the app's window.
fn wheel_down(x: i64, y: i64, clicks: usize) {
    let window = app_window();
    let (x, y) = (x.to_string(), y.to_string());
    let mut args = vec!["mousemove", "--window", &window, &x, &y];
    args.extend(std::iter::repeat_n(["click", "5"], clicks).flatten());
    assert!(Command::new("xdotool").args(&args).status().unwrap().success());
}

fn app_window() -> String {
    let found = Command::new("xdotool").args(["search", "--onlyvisible", "--name", "^Keyden$"]).output().unwrap();
    String::from_utf8_lossy(&found.stdout).lines().last().expect("the app's window is mapped").to_string()
}

async fn start(s: &Sandbox) -> (Driver, Client) {
    start_with_env(s, &[]).await
}

/// `env` reaches the app through the driver that launches it. The driver's ports are chosen free by
/// the OS, so a driver left behind by anything else never holds one of ours.
async fn start_with_env(s: &Sandbox, env: &[(&str, &str)]) -> (Driver, Client) {
    let (port, native_port) = keyden_tests::free_ports();
    let driver = Command::new("tauri-driver")
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env_remove("KEYDEN_DATA_DIR")
        .envs(env.iter().copied())
        .process_group(0)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("tauri-driver on PATH (scripts/setup.sh installs it)");
    let driver = Driver(driver);
    let caps = serde_json::json!({
        "browserName": "wry",
        // The app's own --data-dir flag, as a user (or the CLI) would pass it.
        "tauri:options": { "application": app_binary(), "args": ["--data-dir", s.path()] },
    });
    let caps = caps.as_object().unwrap().clone();
    let url = format!("http://127.0.0.1:{port}");
    let mut last = None;
    for _ in 0..100 {
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        match ClientBuilder::new(connector).capabilities(caps.clone()).connect(&url).await {
            Ok(c) => return (driver, c),
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    panic!("no WebDriver session: {last:?}");
}

async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(artifacts().join(name), png).unwrap();
}

/// Waits for an element; on timeout saves a screenshot and the page source for the post-mortem.
async fn wait_css(c: &Client, css: &str) -> fantoccini::elements::Element {
    match c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await {
        Ok(e) => e,
        Err(e) => {
            shot(c, "failure.png").await;
            let source = c.source().await.unwrap_or_default();
            std::fs::write(artifacts().join("failure.html"), &source).unwrap();
            panic!("{css}: {e}\npage: {}", &source[..source.len().min(2000)]);
        }
    }
}

/// Waits until nothing matches `css`. A lookup that fails because the page re-rendered under it (a
/// stale element, seen once on a fresh machine) is a reason to look again, not to fail.
async fn wait_gone(c: &Client, css: &str) {
    let mut last = None;
    for _ in 0..200 {
        match c.find_all(Locator::Css(css)).await {
            Ok(found) if found.is_empty() => return,
            Ok(_) => {}
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(c, "failure.png").await;
    panic!("{css} is still there (last lookup error: {last:?})");
}

/// Scrolls an element into view (WebKitWebDriver does not), then returns it.
async fn visible(c: &Client, css: &str) -> fantoccini::elements::Element {
    let e = wait_css(c, css).await;
    c.execute("arguments[0].scrollIntoView({block: 'center'})", vec![serde_json::to_value(&e).unwrap()]).await.unwrap();
    e
}

/// The titles the list shows, in order; `None` when the list re-rendered while it was being read (a
/// stale element), which is a reason to read again, not a failure.
async fn try_rows(c: &Client) -> Option<Vec<String>> {
    let mut out = Vec::new();
    for r in c.find_all(Locator::Css(".key-row")).await.ok()? {
        out.push(r.attr("data-title").await.ok()?.unwrap_or_default());
    }
    Some(out)
}

async fn rows(c: &Client) -> Vec<String> {
    for _ in 0..50 {
        if let Some(r) = try_rows(c).await {
            return r;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the key list never held still long enough to be read");
}

/// Waits until the list shows exactly `want` (titles, in order).
async fn wait_rows(c: &Client, want: &[&str]) {
    for _ in 0..100 {
        if try_rows(c).await.is_some_and(|r| r == want) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("list shows {:?}, wanted {want:?}", rows(c).await);
}

/// A value shaped like a real provider key, different on every run.
/// The columns (`cellIndex`) of a row's visible "expiring soon" badges.
async fn soon_cells(c: &Client, title: &str) -> Vec<u64> {
    let js = format!(
        "return [...document.querySelectorAll(\".key-row[data-title='{title}'] .badge-soon\")] \
           .filter(b => b.getClientRects().length > 0).map(b => b.closest('td').cellIndex);"
    );
    let cells = c.execute(&js, vec![]).await.unwrap();
    cells.as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect()
}

/// The key table is no wider than the list pane that shows it: nothing to scroll sideways to.
async fn assert_list_fits(c: &Client, what: &str) {
    let js = "const b = document.querySelector('.list-body'), t = document.getElementById('key-list'); \
              return [t.getBoundingClientRect().right, b.getBoundingClientRect().right, b.scrollWidth, b.clientWidth];";
    let m = c.execute(js, vec![]).await.unwrap();
    let m: Vec<f64> = m.as_array().unwrap().iter().map(|v| v.as_f64().unwrap()).collect();
    assert!(
        m[0] <= m[1] + 0.5 && m[2] <= m[3],
        "{what}: the table runs past the pane (right {} > {}, scroll width {} > {})",
        m[0],
        m[1],
        m[2],
        m[3]
    );
}

fn lookalike(prefix: &str) -> String {
    let seed = unique_secret("x");
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let tail: String = (0..32)
        .map(|i| {
            for b in seed.bytes().chain([i as u8]) {
                h = (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3);
            }
            char::from_digit((h % 36) as u32, 36).unwrap()
        })
        .collect();
    format!("{prefix}{tail}")
}

/// `YYYY-MM-DD`, `days` from now (UTC).
fn time_in_days(days: i64) -> String {
    let out = Command::new("date").args(["-u", "-d", &format!("+{days} days"), "+%Y-%m-%d"]).output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the release app, tauri-driver and a display: run by scripts/test.sh"]
async fn create_search_and_revoke_a_key_in_the_real_window() {
    let s = Sandbox::new();
    // A lived-in vault, seeded through the CLI on the same data directory.
    let soon = time_in_days(9);
    let stripe_value = lookalike("sk_live_");
    let stripe = s.add(
        "Stripe — production",
        &stripe_value,
        &["--provider", "stripe", "--env", "production", "--account", "acme"],
    );
    s.add("GitHub deploy token", &lookalike("ghp_"), &["--provider", "github", "--type", "token", "--expires", &soon]);
    s.add(
        "Shopify app client secret",
        &lookalike("shpss_"),
        &["--provider", "shopify", "--type", "client-secret", "--env", "staging"],
    );
    let old = s.add("Medusa admin (old)", &lookalike("sk_"), &["--provider", "medusa", "--account", "shop"]);
    s.run(&["keys", "revoke", &old, "--yes"]).ok();

    let (_driver, c) = start(&s).await;
    wait_css(&c, "body[data-ready='list']").await;
    wait_css(&c, "#key-list").await;
    assert_eq!(rows(&c).await.len(), 4);
    // The reminder for the key that expires within the "expiring soon" days (a desktop notification too,
    // where a notification server runs; Xvfb has none).
    wait_text(&c, "#reminders", "'GitHub deploy token' expires in").await;
    shot(&c, "keys-list.png").await;
    // Every column fits the list (the Expires column ran off its edge), and the expiring key says so
    // once: in its Expires cell; in Status only while the details pane hides that column.
    assert_eq!(soon_cells(&c, "GitHub deploy token").await, [6], "the warning, in the Expires column only");
    assert_list_fits(&c, "the whole list").await;
    wait_css(&c, ".key-row[data-title='GitHub deploy token'] .key-title").await.click().await.unwrap();
    wait_css(&c, "#key-detail").await;
    assert_eq!(soon_cells(&c, "GitHub deploy token").await, [5], "the warning, in Status beside the pane");
    assert_list_fits(&c, "the list beside the details pane").await;
    shot(&c, "keys-list-detail.png").await;
    c.find(Locator::Css("#key-detail .close")).await.unwrap().click().await.unwrap();
    wait_gone(&c, "#key-detail").await;

    // The first screen's type: on Linux the generic families (ui/src/platform.rs), and few sizes and
    // weights, each of which WebKitGTK matches with fontconfig before the first frame (~91 matches a
    // size and weight; `scripts/startup-bench.sh` counts them).
    let fonts = c
        .execute(
            "const used = new Set();
             for (const el of document.querySelectorAll('body *')) {
               if (![...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())) continue;
               const s = getComputedStyle(el);
               used.add(`${s.fontFamily} ${s.fontSize} ${s.fontWeight}`);
             }
             return [document.documentElement.dataset.platform, getComputedStyle(document.body).fontFamily,
                     getComputedStyle(document.querySelector('.key-id')).fontFamily, [...used].sort()];",
            vec![],
        )
        .await
        .unwrap();
    let fonts = fonts.as_array().unwrap();
    assert_eq!(fonts[..3], ["linux", "sans-serif", "monospace"].map(serde_json::Value::from), "{fonts:?}");
    let used = fonts[3].as_array().unwrap();
    assert!(used.len() <= 6, "the list's screen in {} font sizes and weights: {used:?}", used.len());

    // The column headings stay on top while the rows scroll under them: the list made short enough to
    // scroll its four rows, the heading's pixels on screen come back the same (then all put back).
    let rect = c
        .execute("const r = document.querySelector('#key-list th').getBoundingClientRect(); return [r.left, r.top, r.width, r.height];", vec![])
        .await
        .unwrap();
    let [x, y, w, h] = [0, 1, 2, 3].map(|i| rect[i].as_f64().unwrap().round() as i64);
    let heading = || screen_pixels(x + 1, y + 1, w - 2, h - 2);
    let before = heading();
    // Scrolled with the mouse wheel, as people do (WebKit scrolls that off the page's main thread).
    c.execute("document.querySelector('.list-body').style.maxHeight = '150px';", vec![]).await.unwrap();
    wheel_down(x + w / 2, y + h + 40, 6);
    let scrolled = || async {
        let top = c.execute("return document.querySelector('.list-body').scrollTop;", vec![]).await.unwrap();
        top.as_f64().unwrap() > 0.0
    };
    let mut moved = false;
    for _ in 0..50 {
        if scrolled().await {
            moved = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(moved, "the list scrolled under the wheel");
    let stayed = wait_until(Duration::from_secs(5), || heading() == before);
    c.execute("const b = document.querySelector('.list-body'); b.scrollTop = 0; b.style.maxHeight = '';", vec![])
        .await
        .unwrap();
    assert!(stayed, "the column headings scrolled away with the rows");

    // Create through the dialog.
    let value = unique_secret("webdriver");
    c.find(Locator::Css("#new-key")).await.unwrap().click().await.unwrap();
    wait_css(&c, "#f-title").await.send_keys("WebDriver test key").await.unwrap();
    c.find(Locator::Css("#f-secret")).await.unwrap().send_keys(&value).await.unwrap();
    c.find(Locator::Css("#f-provider")).await.unwrap().send_keys("medusa").await.unwrap();
    c.find(Locator::Css("#f-account")).await.unwrap().send_keys("webdriver").await.unwrap();
    shot(&c, "create-dialog.png").await;
    c.find(Locator::Css("#create-submit")).await.unwrap().click().await.unwrap();
    let id = attr_of(&c, ".key-row[data-title='WebDriver test key']", "data-id").await.unwrap();
    assert_eq!(keyring_lookup(&id).as_deref(), Some(value.as_str()), "the value is in the OS keyring");
    assert!(!c.source().await.unwrap().contains(&value), "the page must not hold the value after saving");

    // Search narrows the list, and the count says how far; a search that matches nothing says so.
    let all = c.find(Locator::Css("#key-count")).await.unwrap().text().await.unwrap();
    assert!(all.parse::<u32>().is_ok_and(|n| n > 1), "the whole vault: {all:?}");
    let search = c.find(Locator::Css("#search")).await.unwrap();
    search.send_keys("webdriver").await.unwrap();
    wait_rows(&c, &["WebDriver test key"]).await;
    let narrowed = c.find(Locator::Css("#key-count")).await.unwrap().text().await.unwrap();
    assert_eq!(narrowed, format!("1 of {all}"));
    let badge = c.execute("return document.getElementById('key-count').getBoundingClientRect().height;", vec![]);
    let height = badge.await.unwrap().as_f64().unwrap();
    assert!(height < 24.0, "the count badge stays on one line: {height} px high");
    // With the details pane open beside the list, the search field gives way: New key stays whole.
    let edges = c.execute(
        "return [document.getElementById('new-key').getBoundingClientRect().right, \
                 document.querySelector('.list-pane').getBoundingClientRect().right];",
        vec![],
    );
    let edges = edges.await.unwrap();
    assert!(edges[0].as_f64() <= edges[1].as_f64(), "New key runs under the details pane: {edges}");
    shot(&c, "search-narrowed.png").await;
    // One focus mark: the field's frame lights up, with no second outline drawn inside it.
    let marks = c
        .execute(
            "const s = document.getElementById('search'); \
             return [document.activeElement === s, getComputedStyle(s).outlineStyle, \
                     getComputedStyle(s.closest('.search')).boxShadow];",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!((&marks[0], &marks[1]), (&serde_json::json!(true), &serde_json::json!("none")), "{marks}");
    assert_ne!(marks[2], "none", "the frame shows the focus: {marks}");
    search.clear().await.unwrap();
    search.send_keys("zzz-no-such-key").await.unwrap();
    wait_css(&c, "#no-match").await;
    search.clear().await.unwrap();
    search.send_keys("WebDriver").await.unwrap();
    wait_rows(&c, &["WebDriver test key"]).await;

    // Revoke from the details view, all from the keyboard: a focused row opens with Enter.
    let enter = char::from(Key::Enter).to_string();
    focus(&c, &format!(".key-row[data-id='{id}']")).await;
    c.active_element().await.unwrap().send_keys(&enter).await.unwrap();
    wait_css(&c, &format!("#key-detail[data-id='{id}']")).await;
    focus(&c, "#key-detail #revoke").await;
    c.active_element().await.unwrap().send_keys(&enter).await.unwrap();
    // The confirmation says it is final, is named by its title, and opens with Cancel focused, so an
    // Enter pressed by habit destroys nothing.
    wait_css(&c, "[role='alertdialog']").await;
    assert!(text_of(&c, "[role='alertdialog']").await.contains("final"));
    let title_id = attr_of(&c, "[role='alertdialog']", "aria-labelledby").await.expect("the dialog names its title");
    assert!(text_of(&c, &format!("#{title_id}")).await.starts_with("Revoke"), "aria-labelledby points at the title");
    wait_focus(&c, "confirm-cancel").await;
    // Tab stays inside: from the last button back to the first, and Shift+Tab the other way.
    let tab = char::from(Key::Tab).to_string();
    c.active_element().await.unwrap().send_keys(&tab).await.unwrap();
    wait_focus(&c, "confirm-ok").await;
    c.active_element().await.unwrap().send_keys(&tab).await.unwrap();
    wait_focus(&c, "confirm-cancel").await;
    let shift_tab = format!("{}{}{}", char::from(Key::Shift), char::from(Key::Tab), char::from(Key::Null));
    c.active_element().await.unwrap().send_keys(&shift_tab).await.unwrap();
    wait_focus(&c, "confirm-ok").await;
    // Escape closes it without acting, and the focus goes back to the Revoke button.
    c.active_element().await.unwrap().send_keys(&char::from(Key::Escape).to_string()).await.unwrap();
    wait_gone(&c, "[role='alertdialog']").await;
    wait_focus(&c, "revoke").await;
    assert!(c.find_all(Locator::Css(&format!(".key-row.revoked[data-id='{id}']"))).await.unwrap().is_empty());
    c.active_element().await.unwrap().send_keys(&enter).await.unwrap();
    wait_css(&c, "[role='alertdialog']").await;
    shot(&c, "revoke-confirm.png").await;
    c.find(Locator::Css("#confirm-ok")).await.unwrap().click().await.unwrap();
    wait_css(&c, "#key-detail .badge-revoked").await;
    wait_css(&c, &format!(".key-row.revoked[data-id='{id}']")).await;
    assert!(attr_of(&c, "#key-detail #reveal", "disabled").await.is_some());
    shot(&c, "revoked-detail.png").await;

    // The app and the CLI agree: one database.
    let shown = s.run(&["--json", "keys", "show", &id]).ok().json();
    assert_eq!(shown["key"]["status"], "revoked");
    let actions: Vec<_> =
        shown["audit"].as_array().unwrap().iter().map(|e| e["origin"].as_str().unwrap().to_string()).collect();
    assert_eq!(actions, ["app", "app"], "create and revoke were done by the app");

    // Ctrl+N opens the create dialog from anywhere; Escape closes it.
    let ctrl_n = format!("{}n{}", char::from(Key::Control), char::from(Key::Null));
    c.active_element().await.unwrap().send_keys(&ctrl_n).await.unwrap();
    wait_css(&c, "#f-title").await.send_keys(&char::from(Key::Escape).to_string()).await.unwrap();
    wait_gone(&c, "#f-title").await;

    // Settings: a 5 s clipboard and the dark theme, saved where the CLI reads them.
    c.find(Locator::Css("#nav-settings")).await.unwrap().click().await.unwrap();
    let seconds = wait_css(&c, "#set-clipboard").await;
    // The navigation says which screen is current, for screen readers.
    wait_css(&c, "#nav-settings[aria-current='page']").await;
    assert!(c.find_all(Locator::Css("#nav-keys[aria-current]")).await.unwrap().is_empty());
    // WebKitWebDriver types into a number input only once it has focus; clear() leaves it alone.
    let tab = char::from(Key::Tab);
    seconds.click().await.unwrap();
    let bs = char::from(Key::Backspace);
    c.active_element().await.unwrap().send_keys(&format!("{bs}{bs}{bs}5{tab}")).await.unwrap();
    c.find(Locator::Css("#set-theme")).await.unwrap().select_by_value("dark").await.unwrap();
    wait_css(&c, "html[data-theme='dark']").await;
    let settings = std::fs::read_to_string(s.path().join("settings.json")).unwrap();
    let settings: serde_json::Value = serde_json::from_str(&settings).unwrap();
    assert_eq!((settings["clipboardClearSeconds"].as_u64(), settings["theme"].as_str()), (Some(5), Some("dark")));
    c.find(Locator::Css("#nav-keys")).await.unwrap().click().await.unwrap();

    // Reveal shows the value on explicit request; Copy puts it on the clipboard and clears it on time.
    wait_css(&c, &format!(".key-row[data-id='{stripe}'] .key-title")).await.click().await.unwrap();
    wait_css(&c, &format!("#key-detail[data-id='{stripe}']")).await;
    c.find(Locator::Css("#reveal")).await.unwrap().click().await.unwrap();
    wait_css(&c, "#secret-value.revealed").await;
    assert_eq!(text_of(&c, "#secret-value").await, stripe_value);
    shot(&c, "revealed-dark.png").await;
    c.find(Locator::Css("#reveal")).await.unwrap().click().await.unwrap();
    wait_gone(&c, "#secret-value.revealed").await;
    let copied = std::time::Instant::now();
    c.find(Locator::Css("#copy")).await.unwrap().click().await.unwrap();
    assert!(wait_until(Duration::from_secs(20), || paste() == stripe_value), "Copy puts the value on the clipboard");
    assert!(keyden_tests::xclip::marked_secret(), "the copy is marked for clipboard managers to keep out of history");
    // Load can only make the clearing late, never early: wait for it, then check it kept its time.
    assert!(wait_until(Duration::from_secs(30), || paste() != stripe_value), "the clipboard was never cleared");
    assert!(
        copied.elapsed() >= Duration::from_secs(5),
        "cleared after {:?}, before the configured 5 s",
        copied.elapsed()
    );

    // Revoking a key whose value the clipboard holds clears it at once, even when another program
    // holds it there (xclip, serving it until something takes the clipboard).
    keyden_tests::xclip::hold(&stripe_value);
    click(&c, "#revoke").await;
    click(&c, "#confirm-ok").await;
    wait_css(&c, "#key-detail .badge-revoked").await;
    assert!(wait_until(Duration::from_secs(10), || paste() != stripe_value), "the revoke cleared the clipboard");

    // Toasts go away by themselves.
    wait_gone(&c, ".toast").await;

    // Nothing the app wrote holds a value: database, WAL, settings.
    for f in s.files() {
        let bytes = std::fs::read(&f).unwrap();
        for v in [&stripe_value, &value] {
            assert_eq!(keyden_tests::occurrences(&bytes, v.as_bytes()), 0, "{} holds a secret", f.display());
        }
    }
    c.close().await.unwrap();
}

/// Now minus `seconds`, as Unix seconds.
fn ago(seconds: u64) -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() - seconds
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the release app, tauri-driver and a display: run by scripts/test.sh"]
async fn the_inspector_says_expired_and_names_the_secret_that_signed_it() {
    let s = Sandbox::new();
    let scope = |acct: &'static str| ["--provider", "shopify", "--type", "client-secret", "--account", acct];
    let staging = s.add("Staging app client secret", &lookalike("shpss_"), &scope("client-staging"));
    s.add("Prod app client secret", &lookalike("shpss_"), &scope("client-prod"));
    // A Shopify-shaped session token that expired two minutes ago, signed with the staging secret
    // while it was active (a revoked secret signs nothing new); then the secret is revoked.
    let claims = serde_json::json!({
        "iss": "https://demo.myshopify.com/admin", "dest": "https://demo.myshopify.com", "aud": "client-staging",
        "sub": "42", "iat": ago(180), "nbf": ago(180), "exp": ago(120), "jti": "webdriver", "sid": "s"
    });
    let token = s
        .run(&["mint", "hs256", "--secret-from", "Staging app client secret", "--claims", &claims.to_string()])
        .ok()
        .stdout;
    let token = token.trim();
    s.run(&["keys", "revoke", "Staging app client secret", "--yes"]).ok();

    let (_driver, c) = start(&s).await;
    wait_css(&c, "body[data-ready='list']").await;
    c.find(Locator::Css("#nav-inspector")).await.unwrap().click().await.unwrap();
    wait_css(&c, "#inspect-token").await.send_keys(token).await.unwrap();
    wait_css(&c, "#verdict[data-verdict='expired']").await;
    let diagnosis = text_of(&c, "#diagnosis").await;
    assert!(diagnosis.contains("Expired 2 min ago"), "{diagnosis}");
    assert!(diagnosis.contains("signed with 'Staging app client secret' (revoked"), "{diagnosis}");
    assert!(diagnosis.contains("60 s — a Shopify session token"), "{diagnosis}");
    wait_css(&c, "#countdown.expired").await;
    wait_css(&c, "#segments .seg-s").await;
    assert!(text_of(&c, "#claims").await.contains("client-staging"));
    shot(&c, "inspector-expired.png").await;

    // Checked against the prod app's secret: invalid signature, and the staging secret is named.
    let prod = s.run(&["--json", "keys", "show", "Prod app client secret"]).ok().json()["key"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    c.find(Locator::Css("#inspect-key")).await.unwrap().select_by_value(&prod).await.unwrap();
    wait_css(&c, "#verdict[data-verdict='invalid_signature']").await;
    let diagnosis = text_of(&c, "#diagnosis").await;
    assert!(diagnosis.contains("signed with 'Staging app client secret'"), "{diagnosis}");
    shot(&c, "inspector-invalid-signature.png").await;

    // Kept in the history on request — header and claims only: the signature is in no file.
    visible(&c, "#save-history").await.click().await.unwrap();
    assert!(text_of(&c, "#history .history-item").await.contains("Shopify session token"));
    let signature = token.rsplit('.').next().unwrap();
    for f in s.files() {
        let bytes = std::fs::read(&f).unwrap();
        assert_eq!(keyden_tests::occurrences(&bytes, signature.as_bytes()), 0, "{} holds the signature", f.display());
    }

    // Mint a fresh token with the prod secret and inspect it: valid with that key, counting down.
    visible(&c, "#mint-key").await.select_by_value(&prod).await.unwrap();
    let revoked_option = format!("#mint-key option[value='{staging}']");
    assert!(c.find_all(Locator::Css(&revoked_option)).await.unwrap().is_empty(), "a revoked key signs nothing new");
    visible(&c, "#mint-api-key").await.send_keys("client-prod").await.unwrap();
    visible(&c, "#mint-shop").await.send_keys("demo.myshopify.com").await.unwrap();
    visible(&c, "#mint-submit").await.click().await.unwrap();
    visible(&c, "#minted-token").await;
    visible(&c, ".minted .btn").await.click().await.unwrap();
    wait_css(&c, "#verdict[data-verdict='valid']").await;
    let countdown = text_of(&c, "#countdown").await;
    assert!(countdown.starts_with("expires in"), "{countdown}");
    shot(&c, "inspector-valid.png").await;

    // A hostile token: a critical extension Keyden does not know, a member twice, and claims that
    // would reorder or hide text. The verdict says so; the claims show their hidden characters.
    let b64 = |v: &str| {
        use base64::Engine;
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(v)
    };
    let hostile = format!(
        "{}.{}.c2ln",
        b64(r#"{"alg":"HS256","alg":"HS256","crit":["x-ext"],"x-ext":true}"#),
        b64(r#"{"sub":"invoice\u202egpj.exe","name":"zero\u200bwidth"}"#)
    );
    let field = wait_css(&c, "#inspect-token").await;
    field.clear().await.unwrap();
    field.send_keys(&hostile).await.unwrap();
    wait_css(&c, "#verdict[data-verdict='unknown_critical']").await;
    let diagnosis = text_of(&c, "#diagnosis").await;
    assert!(diagnosis.contains("\"x-ext\"") && diagnosis.contains("header.alg more than once"), "{diagnosis}");
    let claims = text_of(&c, "#claims").await;
    assert!(claims.contains("invoice\\u{202e}gpj.exe") && claims.contains("zero\\u{200b}width"), "{claims}");
    assert!(!claims.contains('\u{202e}') && !claims.contains('\u{200b}'), "{claims:?}");
    shot(&c, "inspector-hostile.png").await;
    c.close().await.unwrap();
}

/// Clicks an element by CSS (scrolled into view first), retrying while it is not yet interactable
/// (a dialog still opening, a button still disabled).
async fn click(c: &Client, css: &str) {
    let mut last = None;
    for _ in 0..50 {
        match visible(c, css).await.click().await {
            Ok(()) => return,
            Err(e) => last = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(c, "failure.png").await;
    std::fs::write(artifacts().join("failure.html"), c.source().await.unwrap_or_default()).unwrap();
    panic!("cannot click {css}: {last:?}");
}

async fn text(c: &Client, css: &str) -> String {
    text_of(c, css).await
}

/// An attribute of the element `css` matches, looked up again if the page re-rendered under it.
async fn attr_of(c: &Client, css: &str, name: &str) -> Option<String> {
    let mut last = String::new();
    for _ in 0..50 {
        match wait_css(c, css).await.attr(name).await {
            Ok(v) => return v,
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}[{name}] could not be read: {last}");
}

/// Waits until the element's text contains `want`.
async fn wait_text(c: &Client, css: &str, want: &str) -> String {
    for _ in 0..150 {
        if let Ok(e) = c.find(Locator::Css(css)).await {
            let t = e.text().await.unwrap_or_default();
            if t.contains(want) {
                return t;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(c, "failure.png").await;
    panic!("{css} never said {want:?}; it says {:?}", text(c, css).await);
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the release app, tauri-driver, a display and the Medusa server: run by scripts/test.sh"]
async fn a_medusa_account_in_the_app_sync_create_and_revoke() {
    use keyden_tests::medusa;
    let (admin, _) = medusa::signed_in();
    medusa::clean_slate(&admin);
    let s = Sandbox::new();
    let (_driver, c) = start(&s).await;
    wait_css(&c, "body[data-ready='list']").await;

    // Add the account in the app: the connection is tested as part of adding.
    click(&c, "#nav-accounts").await;
    wait_css(&c, "#no-accounts").await;
    click(&c, "#add-account").await;
    wait_css(&c, "#a-name").await.send_keys("shop").await.unwrap();
    wait_css(&c, "#a-url").await.send_keys(&medusa::url()).await.unwrap();
    wait_css(&c, "#a-email").await.send_keys(medusa::EMAIL).await.unwrap();
    wait_css(&c, "#a-secret").await.send_keys("wrong-password").await.unwrap();
    click(&c, "#account-submit").await;
    wait_text(&c, "#account-error", "Invalid email or password").await;
    shot(&c, "accounts-add-refused.png").await;
    wait_css(&c, "#a-secret").await.send_keys(medusa::PASSWORD).await.unwrap();
    click(&c, "#account-submit").await;
    wait_css(&c, ".account-card[data-name='shop']").await;
    wait_gone(&c, "#account-form").await;

    // Sync now: the mirror fills, the card says when.
    click(&c, "#sync-shop").await;
    wait_css(&c, ".account-card[data-name='shop'] .badge-synced").await;
    let synced = text(&c, ".account-card[data-name='shop'] .last-synced").await;
    assert!(synced.contains("keys"), "{synced}");

    // Create a key remotely: the secret is shown once and is already in the keyring.
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos();
    let title = format!("WebDriver key {nanos:x}");
    click(&c, "#new-remote-shop").await;
    wait_css(&c, "#r-title").await.send_keys(&title).await.unwrap();
    click(&c, "#remote-submit").await;
    let secret = text(&c, "#secret-once").await;
    assert!(secret.starts_with("sk_") && secret.len() == 67, "{secret}");
    shot(&c, "accounts-secret-once.png").await;
    let created = s.run(&["--json", "keys", "show", &title]).ok().json();
    let id = created["key"]["id"].as_str().unwrap().to_string();
    let remote_id = created["key"]["remote_id"].as_str().unwrap().to_string();
    assert_eq!(keyring_lookup(&id).as_deref(), Some(secret.as_str()));
    click(&c, "#secret-once-done").await;
    wait_gone(&c, "#secret-once").await;
    shot(&c, "accounts.png").await;

    // In the key list, with its remote state; check it, then revoke it (at Medusa first).
    click(&c, "#nav-keys").await;
    wait_css(&c, "#search").await.send_keys(&title).await.unwrap();
    wait_rows(&c, &[title.as_str()]).await;
    click(&c, &format!(".key-row[data-id='{id}'] .key-title")).await;
    wait_text(&c, "#remote-state", &remote_id).await;
    wait_text(&c, "#remote-state", "present").await;
    click(&c, "#check-now").await;
    wait_css(&c, "#health-history .o-accepted").await;
    wait_text(&c, "#health-summary", "Working").await;
    shot(&c, "key-remote-detail.png").await;
    click(&c, "#revoke").await;
    click(&c, "#confirm-ok").await;
    wait_text(&c, "#key-detail .badges", "Revoked").await;
    assert_eq!(medusa::seen_elsewhere(&remote_id).unwrap()["status"], "revoked");
    click(&c, "#check-now").await;
    wait_css(&c, "#health-history .o-rejected").await;
    wait_text(&c, "#health-summary", "failing since").await;
    visible(&c, "#health-history").await;
    wait_gone(&c, ".toast").await;
    shot(&c, "key-health-failing.png").await;

    // A second account whose server is gone: the card says offline, the list still works.
    s.run_with_stdin(
        &[
            "accounts",
            "add",
            "medusa",
            "--name",
            "gone",
            "--url",
            "http://127.0.0.1:9",
            "--email",
            "a@b.c",
            "--password-stdin",
            "--no-verify",
        ],
        b"x",
    )
    .ok();
    click(&c, "#nav-accounts").await;
    click(&c, "#sync-gone").await;
    wait_css(&c, ".account-card[data-name='gone'] #offline-badge").await;
    wait_text(&c, ".account-card[data-name='gone'] .sync-error", "still works from the mirror").await;
    shot(&c, "accounts-offline.png").await;
    // The Medusa server is shared by every run on a machine and keeps its revoked keys, so after
    // enough runs this key is beyond the first page (oldest first): find it as a user would.
    click(&c, "#nav-keys").await;
    wait_css(&c, "#search").await.send_keys(&title).await.unwrap();
    wait_rows(&c, &[title.as_str()]).await;
    wait_css(&c, &format!(".key-row[data-id='{id}']")).await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the release app, tauri-driver and a display: run by scripts/test.sh"]
async fn without_a_secret_service_the_first_run_says_how_to_fix_it() {
    let s = Sandbox::new();
    // The app's session bus leads nowhere: no Secret Service, as on a bare Linux box.
    let (_driver, c) = start_with_env(&s, &[("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")]).await;
    wait_css(&c, "body[data-ready='list']").await;
    wait_css(&c, "#empty-vault").await;
    let banner = wait_text(&c, "#keyring-banner", "cannot reach the OS keyring").await;
    assert!(banner.contains("sudo apt install gnome-keyring"), "{banner}");
    shot(&c, "no-secret-service.png").await;
    c.close().await.unwrap();
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the release app, tauri-driver and a display: run by scripts/test.sh"]
async fn a_env_file_imported_in_the_app_and_a_leak_found_by_the_folder_scan() {
    let s = Sandbox::new();
    let project = tempfile::Builder::new().prefix("storefront-").tempdir().unwrap();
    let stripe = lookalike("sk_live_");
    let github = lookalike("ghp_");
    let old = s.add("Old deploy token", &lookalike("ghp_"), &["--provider", "github", "--type", "token"]);
    let old_value = s.run(&["get", &old]).ok().stdout;
    s.run(&["keys", "revoke", &old, "--yes"]).ok();
    let text = format!(
        "# Storefront — local settings\nexport STRIPE_SECRET_KEY={stripe}  # live\nPORT=3000\n\
         GITHUB_TOKEN=\"{github}\"\nDEPLOY_TOKEN={old_value}\nSTRIPE_PK=pk_live_51HxQ2eLkdIwHu7ixAbCdEf\n\
         ANALYTICS=keyden://no%20such%20key\n"
    );
    let env_path = project.path().join(".env");
    std::fs::write(&env_path, &text).unwrap();

    let (_driver, c) = start(&s).await;
    wait_css(&c, "body[data-ready='list']").await;
    click(&c, "#nav-env-files").await;
    // Browse…: the system's own file dialog (tauri-plugin-dialog, GTK here), answered as a user would.
    click(&c, "#env-browse").await;
    answer_file_dialog("Open a .env file", &env_path);
    wait_css(&c, &format!("#env-file[data-path='{}']", env_path.display())).await;
    wait_css(&c, "#env-file tr.env-line[data-name='STRIPE_SECRET_KEY'][data-kind='secret']").await;
    wait_css(&c, "tr.env-line[data-name='PORT'][data-kind='plain']").await;
    wait_css(&c, "tr.env-line.broken[data-name='ANALYTICS'][data-kind='reference']").await;
    let deploy = text_of(&c, "tr.env-line[data-name='DEPLOY_TOKEN']").await;
    assert!(deploy.contains("revoked") && deploy.contains("Old deploy token"), "{deploy}");
    assert_eq!(text_of(&c, "#env-import").await, "Import 2 secrets");
    let page = c.source().await.unwrap();
    assert!(!page.contains(&stripe) && !page.contains(&github), "the page never holds a value");
    shot(&c, "env-file-before.png").await;

    click(&c, "#env-import").await;
    wait_css(&c, "tr.env-line[data-name='STRIPE_SECRET_KEY'][data-kind='reference']").await;
    wait_css(&c, "tr.env-line[data-name='GITHUB_TOKEN'][data-kind='reference']").await;
    let rewritten = std::fs::read_to_string(&env_path).unwrap();
    assert!(!rewritten.contains(&stripe) && !rewritten.contains(&github), "{rewritten}");
    assert!(rewritten.contains("# Storefront — local settings\nexport STRIPE_SECRET_KEY=keyden://key_"), "{rewritten}");
    assert!(rewritten.contains(&format!("DEPLOY_TOKEN={old_value}\n")), "the revoked value stays, as the screen said");
    let stripe_id =
        s.run(&["--json", "keys", "show", "STRIPE_SECRET_KEY"]).ok().json()["key"]["id"].as_str().unwrap().to_string();
    assert_eq!(keyring_lookup(&stripe_id).as_deref(), Some(stripe.as_str()));
    assert!(text_of(&c, "tr.env-line[data-name='STRIPE_SECRET_KEY']").await.contains("resolves"));
    shot(&c, "env-file-imported.png").await;

    // A copy of the Stripe key left in a script: the folder scan names it.
    std::fs::write(project.path().join("deploy.sh"), format!("#!/bin/sh\ncurl -u {stripe}: https://api.stripe.com\n"))
        .unwrap();
    wait_css(&c, "#scan-path").await.send_keys(project.path().to_str().unwrap()).await.unwrap();
    click(&c, "#scan-run").await;
    wait_css(&c, "#scan-results[data-vault-findings='2']").await;
    let results = text_of(&c, "#scan-results").await;
    assert!(results.contains("deploy.sh") && results.contains("STRIPE_SECRET_KEY"), "{results}");
    assert!(results.contains("Old deploy token"), "the revoked value left in .env: {results}");
    assert!(!c.source().await.unwrap().contains(&stripe));
    visible(&c, "#scan-results").await;
    wait_gone(&c, ".toast").await;
    shot(&c, "env-scan.png").await;
    c.close().await.unwrap();
}

/// Waits for the native file dialog titled `title`, enters `path` in its location field and confirms,
/// with real X input events (xdotool). GTK can drop a keystroke while it opens that field, so the
/// entry is retyped until the dialog accepts it and closes (a wrong path keeps it open, saying so).
fn answer_file_dialog(title: &str, path: &std::path::Path) {
    let visible = || {
        let out = Command::new("xdotool").args(["search", "--onlyvisible", "--name", title]).output().unwrap();
        String::from_utf8_lossy(&out.stdout).lines().last().map(str::to_string)
    };
    let found = Command::new("timeout")
        .args(["20", "xdotool", "search", "--sync", "--onlyvisible", "--name", title])
        .output()
        .expect("xdotool runs");
    let window = String::from_utf8_lossy(&found.stdout).lines().last().map(str::to_string);
    let window = window.unwrap_or_else(|| panic!("no dialog titled {title:?} appeared"));
    let xdotool = |args: &[&str]| assert!(Command::new("xdotool").args(args).status().unwrap().success(), "{args:?}");
    for _ in 0..5 {
        xdotool(&["windowfocus", "--sync", &window]);
        xdotool(&["key", "ctrl+l"]);
        xdotool(&["key", "ctrl+a"]);
        xdotool(&["type", "--delay", "15", path.to_str().unwrap()]);
        xdotool(&["key", "Return"]);
        for _ in 0..50 {
            if visible().is_none() {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }
    panic!("the dialog {title:?} never accepted {}", path.display());
}

/// Gives `css` the keyboard focus, as Tab would.
async fn focus(c: &Client, css: &str) {
    let e = visible(c, css).await;
    c.execute("arguments[0].focus()", vec![serde_json::to_value(&e).unwrap()]).await.unwrap();
}

/// Waits until the element with `id` has the focus.
async fn wait_focus(c: &Client, id: &str) {
    let mut last = None;
    for _ in 0..100 {
        // The DOM's own answer: WebKitWebDriver's Get Active Element was seen to lag behind it.
        if let Ok(v) = c.execute("return document.activeElement ? document.activeElement.id : null", vec![]).await {
            last = v.as_str().map(str::to_string);
            if last.as_deref() == Some(id) {
                return;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    shot(c, "failure.png").await;
    panic!("#{id} never got the focus (it is on {last:?})");
}

async fn text_of(c: &Client, css: &str) -> String {
    let mut last = String::new();
    for _ in 0..50 {
        match wait_css(c, css).await.text().await {
            Ok(t) => return t,
            Err(e) => last = e.to_string(),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css}: {last}");
}

#[tokio::test(flavor = "multi_thread")]
#[ignore = "needs the release app, tauri-driver, a display and the OpenBao server binary: run by scripts/test.sh"]
async fn a_team_vault_in_the_app_share_history_and_a_conflict() {
    use keyden_tests::openbao::BaoServer;
    let server = BaoServer::dev();
    server.team_setup();
    server.user("alice", "alice-pw", "team-rw", None);
    let s = Sandbox::new();
    let v1 = unique_secret("app_team_v1");
    let id = s.add("Team Stripe", &v1, &["--provider", "stripe"]);
    let (_driver, c) = start(&s).await;
    wait_css(&c, "body[data-ready='list']").await;

    // The OpenBao account, added with its connection test.
    click(&c, "#nav-accounts").await;
    click(&c, "#add-account").await;
    wait_css(&c, "#a-provider").await.select_by_value("openbao").await.unwrap();
    wait_css(&c, "#a-mount").await;
    wait_css(&c, "#a-name").await.send_keys("team").await.unwrap();
    wait_css(&c, "#a-url").await.send_keys(&server.addr).await.unwrap();
    wait_css(&c, "#a-email").await.send_keys("alice").await.unwrap();
    wait_css(&c, "#a-secret").await.send_keys("alice-pw").await.unwrap();
    shot(&c, "accounts-add-openbao.png").await;
    click(&c, "#account-submit").await;
    wait_css(&c, ".account-card[data-name='team']").await;
    click(&c, "#sync-team").await;
    wait_css(&c, ".account-card[data-name='team'] .badge-synced").await;
    shot(&c, "accounts-openbao.png").await;

    // Share with team from the key's details: the server has the value, the panel the version.
    click(&c, "#nav-keys").await;
    click(&c, &format!(".key-row[data-id='{id}'] .key-title")).await;
    click(&c, "#share-key").await;
    wait_text(&c, "#team-link", "version 1").await;
    let path = format!("secret/keyden/{id}");
    assert_eq!(server.json(&["kv", "get", &path])["data"]["data"]["value"], v1.as_str());

    // A teammate writes version 2; this machine's new value is refused, and says what the server has.
    server.ok(&["kv", "patch", &path, "value=from-a-teammate"]);
    wait_css(&c, "#team-value").await.send_keys("sk_canary_app_stale_value").await.unwrap();
    click(&c, "#team-rotate").await;
    wait_text(&c, "#team-conflict", "version 2").await;
    assert_eq!(server.json(&["kv", "get", &path])["data"]["data"]["value"], "from-a-teammate");
    wait_gone(&c, ".toast").await;
    shot(&c, "key-team-conflict.png").await;

    // After a sync, the next version goes through; the history lists all three.
    s.run(&["sync", "team"]).ok();
    click(&c, "#nav-accounts").await;
    click(&c, "#nav-keys").await;
    click(&c, &format!(".key-row[data-id='{id}'] .key-title")).await;
    wait_text(&c, "#team-link", "version 2").await;
    let v3 = unique_secret("app_team_v3");
    wait_css(&c, "#team-value").await.send_keys(&v3).await.unwrap();
    click(&c, "#team-rotate").await;
    wait_text(&c, "#team-link", "version 3").await;
    wait_text(&c, "#team-history", "v1").await;
    let history = text(&c, "#team-history").await;
    assert!(history.contains("v3") && history.contains("v2") && history.contains("this machine"), "{history}");
    assert_eq!(server.json(&["kv", "get", &path])["data"]["data"]["value"], v3.as_str());
    assert_eq!(s.run(&["get", &id]).ok().stdout, v3);
    wait_gone(&c, ".toast").await;
    shot(&c, "key-team.png").await;
}
