//! Keyden's desktop shell: a window, the plugins it uses, and `commands` — a thin skin over the core.
// No console window on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod clipboard;
mod commands;
mod error;
mod settings;
mod state;

fn main() {
    tauri::Builder::default()
        .plugin(tauri_plugin_store::Builder::default().build())
        .plugin(tauri_plugin_clipboard_manager::init())
        .manage(state::AppState::default())
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
        ])
        .run(tauri::generate_context!())
        .expect("Keyden failed to start its window");
}
