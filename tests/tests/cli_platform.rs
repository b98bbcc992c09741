//! Where the CLI meets its platform, for the Linux build and the Windows build alike (the latter
//! under Wine, `scripts/windows.sh`): the default data directory is the platform's own, and paths with
//! drive letters, spaces and non-ASCII characters work everywhere a path is taken.

use keyden_tests::{child, keyden_bin, keyden_command, native_path, unique_secret, windows_build, Run};
use std::path::{Path, PathBuf};

/// Every file named `name` under `dir`.
fn find(dir: &Path, name: &str) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() && !p.is_symlink() {
                todo.push(p);
            } else if p.file_name().is_some_and(|n| n == name) {
                found.push(p);
            }
        }
    }
    found
}

#[test]
fn the_default_data_directory_is_the_platforms_own() {
    keyden_tests::require_private_keyring();
    let home = tempfile::tempdir().unwrap();
    let mut c = keyden_command(&keyden_bin());
    c.args(["--json", "keys", "list"]).env_remove("KEYDEN_DATA_DIR").env("XDG_DATA_HOME", home.path());
    if cfg!(target_os = "macos") {
        c.env("HOME", home.path());
    }
    let run = Run::of(&mut c);
    assert_eq!(run.code, 0, "{run:?}");
    let expected = if cfg!(windows) {
        // A real Windows machine (the release workflow): %APPDATA% is the user's roaming profile.
        PathBuf::from(std::env::var_os("APPDATA").unwrap()).join(r"keyden\Keyden\data\keyden.sqlite3")
    } else if windows_build() {
        // Under Wine: the throw-away prefix's own user profile, C:\users\<name>\AppData\Roaming.
        let prefix = PathBuf::from(std::env::var_os("WINEPREFIX").expect("scripts/windows.sh sets WINEPREFIX"));
        let found = find(&prefix.join("drive_c/users"), "keyden.sqlite3");
        assert_eq!(found.len(), 1, "{found:?}");
        let path = found[0].to_string_lossy().replace('\\', "/");
        assert!(path.ends_with("/AppData/Roaming/keyden/Keyden/data/keyden.sqlite3"), "{path}");
        found[0].clone()
    } else if cfg!(target_os = "macos") {
        home.path().join("Library/Application Support/dev.keyden.Keyden/keyden.sqlite3")
    } else {
        home.path().join("keyden/keyden.sqlite3")
    };
    assert!(expected.is_file(), "{} was not created", expected.display());
    if cfg!(windows) {
        std::fs::remove_dir_all(expected.parent().unwrap().parent().unwrap().parent().unwrap()).unwrap();
    }
}

#[test]
fn paths_with_drive_letters_spaces_and_non_ascii_characters_work() {
    keyden_tests::require_private_keyring();
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("Dätä dir ✓").join("vault");
    let project = root.path().join("Prøject dïr ✓");
    std::fs::create_dir_all(&project).unwrap();
    let secret = unique_secret("paths");
    std::fs::write(project.join("app settings.env"), format!("API_TOKEN={secret}\r\nMODE=dev\r\n")).unwrap();
    let (data_arg, env_arg) = (native_path(&data), native_path(&project.join("app settings.env")));
    if windows_build() && cfg!(unix) {
        assert!(data_arg.starts_with("Z:\\") && env_arg.starts_with("Z:\\"), "drive-letter paths: {data_arg}");
    }
    let keyden = |args: &[&str]| {
        let mut c = keyden_command(&keyden_bin());
        c.arg("--data-dir").arg(&data_arg).args(args).env_remove("KEYDEN_DATA_DIR").current_dir(root.path());
        Run::of(&mut c)
    };

    let import = keyden(&["env", "import", &env_arg]);
    assert_eq!(import.code, 0, "{import:?}");
    assert!(data.join("keyden.sqlite3").is_file(), "the vault is where --data-dir said");
    let rewritten = std::fs::read_to_string(project.join("app settings.env")).unwrap();
    assert!(rewritten.starts_with("API_TOKEN=keyden://") && rewritten.ends_with("\r\nMODE=dev\r\n"), "{rewritten}");

    let out = project.join("seen by the child.txt");
    let write = format!("write:{}=${{API_TOKEN}}|${{MODE}}", native_path(&out));
    let mut args = vec!["run".to_string(), "--env-file".into(), env_arg.clone(), "--".into()];
    args.extend(child(&[&write]));
    let run = keyden(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(run.code, 0, "{run:?}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), format!("{secret}|dev"));

    let template = project.join("config tëmplate.tpl");
    std::fs::write(&template, "token: {{ keyden://API_TOKEN }}\r\n").unwrap();
    let written = project.join("config ✓.yml");
    let inject = keyden(&["inject", "-i", &native_path(&template), "-o", &native_path(&written)]);
    assert_eq!(inject.code, 0, "{inject:?}");
    assert_eq!(std::fs::read_to_string(&written).unwrap(), format!("token: {secret}\r\n"), "CRLF kept");
}
