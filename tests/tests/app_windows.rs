//! The Windows app (`keyden-app.exe`, cross-built by scripts/windows.sh with its frontend embedded),
//! as far as it runs here: Wine has no WebView2 runtime, so the app must say so — what is missing,
//! where to get it, exit code 1 — where Tauri alone would panic. Its window is tested on real Windows
//! by the release workflow's build; on this machine the Linux app's window is (app_webdriver.rs).

use std::path::PathBuf;

fn app_exe() -> PathBuf {
    PathBuf::from(std::env::var_os("KEYDEN_APP_EXE").expect("scripts/windows.sh sets KEYDEN_APP_EXE"))
}

#[test]
#[ignore = "the Windows app under Wine: run by scripts/windows.sh"]
fn without_webview2_the_app_says_what_is_missing_and_exits() {
    let data = tempfile::tempdir().unwrap();
    let out = keyden_tests::keyden_command(&app_exe())
        .arg("--data-dir")
        .arg(keyden_tests::native_path(&data.path().join("vault")))
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("Microsoft Edge WebView2 Runtime"), "{stderr}");
    assert!(stderr.contains("https://developer.microsoft.com/microsoft-edge/webview2/"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(!data.path().join("vault").exists(), "nothing was created before the check");
}

#[test]
#[ignore = "the Windows app under Wine: run by scripts/windows.sh"]
fn the_app_embeds_the_frontend_that_was_built() {
    let dist = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/dist");
    let wasm = std::fs::read_dir(&dist)
        .expect("ui/dist exists (trunk build)")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .find(|n| n.ends_with("_bg.wasm"))
        .expect("a wasm file in ui/dist");
    let exe = std::fs::read(app_exe()).unwrap();
    assert!(keyden_tests::occurrences(&exe, wasm.as_bytes()) > 0, "{wasm} is not embedded");
}
