//! Declares Keyden's own commands to Tauri's ACL, so the window may call exactly these and only
//! because capabilities/main.json grants them; and embeds new migrations on every change.

const COMMANDS: &[&str] = &[
    "list_keys",
    "key_detail",
    "add_key",
    "edit_key",
    "revoke_key",
    "delete_key",
    "reveal_key",
    "copy_key",
    "get_settings",
    "set_settings",
    "ui_ready",
    "keyring_status",
    "inspect_token",
    "mint_token",
    "save_inspection",
    "inspection_history",
    "clear_inspection_history",
    "list_accounts",
    "add_account",
    "remove_account",
    "sync_account",
    "sync_progress",
    "create_remote_key",
    "rotate_key",
    "check_key",
    "minis_verify",
    "reminders",
    "env_file_preview",
    "env_file_import",
    "scan_folder",
];

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    tauri_build::try_build(
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script failed");
}
