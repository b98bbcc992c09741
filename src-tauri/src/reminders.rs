//! Desktop notifications for keys about to expire or whose last health check failed. Started after the
//! first paint (never before the window shows), then every hour; each reminder is shown once per run.

use crate::state::AppState;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

static STARTED: AtomicBool = AtomicBool::new(false);
const EVERY: Duration = Duration::from_secs(3600);

pub fn start(app: &AppHandle) {
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown: HashSet<String> = HashSet::new();
        loop {
            notify_due(&app, &mut shown).await;
            tokio::time::sleep(EVERY).await;
        }
    });
}

async fn notify_due(app: &AppHandle, shown: &mut HashSet<String>) {
    let state = app.state::<AppState>();
    let Ok(settings) = crate::settings::load(app, &state) else { return };
    if !settings.reminders {
        return;
    }
    let Ok(keyden) = state.keyden() else { return };
    let Ok(vault) = keyden.vault().await else { return };
    let due = match keyden_core::providers::health::reminders(vault, settings.expiring_soon_days).await {
        Ok(d) => d,
        Err(e) => {
            tracing::warn!("reminders: {e}");
            return;
        }
    };
    for r in due {
        if !shown.insert(format!("{}|{}", r.key_id, r.title)) {
            continue;
        }
        // No notification server (a bare X session, CI): the in-app list still shows them.
        if let Err(e) = app.notification().builder().title(&r.title).body(&r.body).show() {
            tracing::info!("notification not shown: {e}");
        } else {
            tracing::info!(key = %r.key_id, "reminder shown");
        }
    }
}
