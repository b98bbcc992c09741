//! The bare app: a window, one page, one command the page calls once its content is painted.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

/// Prints the page's start-up trace and the wall clock at first paint, as Keyden's `ui_ready` does
/// (`KEYDEN_STARTUP_PROBE=exit` quits).
#[tauri::command]
fn ready(app: tauri::AppHandle, trace: String) {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let steps: String = trace.chars().filter(|c| c.is_ascii_alphanumeric() || " =-.".contains(*c)).collect();
    println!("keyden: startup-trace {steps}");
    println!("keyden: first-paint-epoch-ms {}", now.as_millis());
    if std::env::var("KEYDEN_STARTUP_PROBE").as_deref() == Ok("exit") {
        app.exit(0);
    }
}

fn main() {
    tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![ready])
        .run(tauri::generate_context!())
        .expect("the hello app starts");
}
