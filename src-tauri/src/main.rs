//! Keyden's desktop shell: a window, the plugins it uses, and `commands` — a thin skin over the core.
// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod clipboard;
mod commands;
#[cfg(target_os = "linux")]
mod display;
mod env_files;
mod error;
mod first_screen;
mod platform;
mod reminders;
mod remote;
mod settings;
mod state;

/// `--data-dir DIR` (or `--data-dir=DIR`), as the CLI takes it.
fn data_dir_arg() -> Option<std::path::PathBuf> {
    let mut args = std::env::args_os().skip(1);
    while let Some(a) = args.next() {
        if a == "--data-dir" {
            return args.next().map(Into::into);
        }
        if let Some(v) = a.to_str().and_then(|s| s.strip_prefix("--data-dir=")) {
            return Some(v.into());
        }
    }
    None
}

/// Registers each handler beside the protocol command it serves: the build fails when a handler's name
/// differs from its command's wire name, and a test checks that no command lacks a handler.
macro_rules! handlers {
    ($($command:ident => $module:ident :: $handler:ident),* $(,)?) => {
        $(const _: () = assert!(
            keyden_protocol::commands::same_name(
                <keyden_protocol::commands::$command as keyden_protocol::commands::Command>::NAME,
                stringify!($handler),
            ),
            concat!("the handler ", stringify!($handler), " does not serve ", stringify!($command)),
        );)*

        #[cfg(test)]
        const REGISTERED: &[&str] = &[$(stringify!($handler)),*];

        fn handlers() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$($module::$handler),*]
        }
    };
}

handlers! {
    ListKeys => commands::list_keys,
    KeyDetailOf => commands::key_detail,
    AddKey => commands::add_key,
    EditKey => commands::edit_key,
    RevokeKey => commands::revoke_key,
    DeleteKey => commands::delete_key,
    RevealKey => commands::reveal_key,
    CopyKey => commands::copy_key,
    GetSettings => commands::get_settings,
    SetSettings => commands::set_settings,
    UiReady => commands::ui_ready,
    KeyringStatus => commands::keyring_status,
    InspectToken => commands::inspect_token,
    MintToken => commands::mint_token,
    SaveInspection => commands::save_inspection,
    InspectionHistory => commands::inspection_history,
    ClearInspectionHistory => commands::clear_inspection_history,
    ListProviders => remote::list_providers,
    ListAccounts => remote::list_accounts,
    AddAccount => remote::add_account,
    RemoveAccount => remote::remove_account,
    SyncAccount => remote::sync_account,
    SyncProgressOf => remote::sync_progress,
    CreateRemoteKey => remote::create_remote_key,
    RotateKey => remote::rotate_key,
    CheckKey => remote::check_key,
    MinisVerify => remote::minis_verify,
    Reminders => remote::reminders,
    ShareKey => remote::share_key,
    TeamHistoryOf => remote::team_history,
    RotateShared => remote::rotate_shared,
    EnvFilePreview => env_files::env_file_preview,
    EnvFileImport => env_files::env_file_import,
    ScanFolder => env_files::scan_folder,
}

/// The window, as `tauri.conf.json` describes it (`create: false` there: it is made here), with the
/// first screen given to the page before its scripts run.
fn main_window(app: &tauri::AppHandle, first: first_screen::Pending) -> tauri::Result<()> {
    let config = app.config().app.windows.iter().find(|w| w.label == "main").cloned().unwrap_or_default();
    let mut window = tauri::WebviewWindowBuilder::from_config(app, &config)?;
    if let Some(script) = first_screen::script(first) {
        window = window.initialization_script(&script);
    }
    window.build().map(drop)
}

fn main() {
    #[cfg(target_os = "linux")]
    display::prepare();
    #[cfg(windows)]
    platform::require_webview();
    let data_dir = data_dir_arg();
    let state = state::AppState::new(data_dir.clone());
    let first = first_screen::start(state.clone());
    let mut builder = tauri::Builder::default();
    if platform::default_vault(&data_dir) {
        // Registered first, as the plugin asks: a second launch exits before doing anything else.
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| platform::focus_main(app)));
    }
    builder
        .plugin(platform::window_state())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            main_window(app.handle(), first)?;
            #[cfg(unix)]
            platform::exit_gracefully_on_sigterm(app.handle());
            Ok(())
        })
        .manage(state)
        .manage(clipboard::Clipboard::default())
        .invoke_handler(handlers())
        .build(tauri::generate_context!())
        .expect("Keyden failed to start its window")
        .run(|app, event| {
            if let tauri::RunEvent::Exit = event {
                platform::close_vault(app);
                clipboard::close(app);
            }
        });
}

#[cfg(test)]
mod tests {
    use keyden_protocol::commands::{self, Command};

    #[test]
    fn every_protocol_command_has_a_handler_and_every_handler_a_command() {
        let mut registered = super::REGISTERED.to_vec();
        let mut names = commands::NAMES.to_vec();
        registered.sort_unstable();
        names.sort_unstable();
        assert_eq!(registered, names);
    }

    /// Tauri's ACL refuses a command the window's capability does not grant (a command added without
    /// its `allow-…` line fails only at run time, in the window): the capability grants every protocol
    /// command, and nothing but them and the file dialog.
    #[test]
    fn the_window_is_granted_every_command_and_nothing_else() {
        let text = include_str!("../capabilities/main.json");
        let capability: serde_json::Value = serde_json::from_str(text).unwrap();
        let mut granted: Vec<String> =
            capability["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap().to_string()).collect();
        let mut wanted: Vec<String> =
            commands::NAMES.iter().map(|n| format!("allow-{}", n.replace('_', "-"))).collect();
        wanted.push("dialog:allow-open".into());
        granted.sort();
        wanted.sort();
        assert_eq!(granted, wanted);
    }

    /// What the UI sends (`ipc::invoke`) is what a handler's `args` parameter reads: Tauri takes the
    /// payload's `args` member and deserializes it as the command type.
    #[test]
    fn the_wire_payload_deserializes_into_the_handler_argument() {
        let payload = serde_json::json!({ "args": { "id": "key_1", "consent": true } });
        let args: commands::RotateKey = serde_json::from_value(payload["args"].clone()).unwrap();
        assert_eq!((args.id.as_str(), args.consent), ("key_1", true));
        // A field the UI forgot is an error at the bridge, never a default.
        let missing = serde_json::json!({ "id": "key_1" });
        assert!(serde_json::from_value::<commands::RotateKey>(missing).is_err());
        assert_eq!(commands::RotateKey::NAME, "rotate_key");
    }
}
