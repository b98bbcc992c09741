//! Declares Keyden's own commands to Tauri's ACL — exactly the commands `keyden_protocol::commands`
//! defines, so there is no second list to forget one in — and embeds new migrations on every change.
//! The window may call them only because capabilities/main.json grants them (a test checks that it
//! grants each one and nothing else).

fn main() {
    println!("cargo:rerun-if-changed=../migrations");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(keyden_protocol::commands::NAMES)),
    )
    .expect("tauri build script failed");
}
