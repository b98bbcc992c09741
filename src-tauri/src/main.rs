//! Keyden's desktop shell: a window, the plugins it uses, and `commands` — a thin skin over the core.
// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod clipboard;
mod commands;
mod env_files;
mod error;
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

fn main() {
    let data_dir = data_dir_arg();
    let mut builder = tauri::Builder::default();
    if platform::default_vault(&data_dir) {
        // Registered first, as the plugin asks: a second launch exits before doing anything else.
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| platform::focus_main(app)));
    }
    builder
        .plugin(platform::window_state())
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .plugin(tauri_plugin_notification::init())
        .plugin(tauri_plugin_dialog::init())
        .setup(|app| {
            platform::after_setup(app.handle());
            Ok(())
        })
        .manage(state::AppState::new(data_dir))
        .invoke_handler(tauri::generate_handler![
            commands::list_keys,
            commands::key_detail,
            commands::add_key,
            commands::edit_key,
            commands::revoke_key,
            commands::delete_key,
            commands::reveal_key,
            commands::copy_key,
            commands::get_settings,
            commands::set_settings,
            commands::ui_ready,
            commands::keyring_status,
            commands::inspect_token,
            commands::mint_token,
            commands::save_inspection,
            commands::inspection_history,
            commands::clear_inspection_history,
            remote::list_accounts,
            remote::add_account,
            remote::remove_account,
            remote::sync_account,
            remote::sync_progress,
            remote::create_remote_key,
            remote::rotate_key,
            remote::check_key,
            remote::minis_verify,
            remote::reminders,
            env_files::env_file_preview,
            env_files::env_file_import,
            env_files::scan_folder,
        ])
        .run(tauri::generate_context!())
        .expect("Keyden failed to start its window");
}
