//! Desktop notifications for keys about to expire or whose last health check failed. The first round
//! comes a few seconds after the first paint, then every hour; each reminder is shown once per run, and
//! many due at once make one notification that counts them (the key list names them all).

use crate::state::AppState;
use keyden_protocol::Reminder;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tauri::{AppHandle, Manager};
use tauri_plugin_notification::NotificationExt;

static STARTED: AtomicBool = AtomicBool::new(false);
const EVERY: Duration = Duration::from_secs(3600);
/// The window's first frames come first: measured, a vault with 34 reminders sending them at the first
/// paint kept the key list off the screen about 200 ms longer.
const FIRST_AFTER: Duration = Duration::from_secs(3);
/// More than this many due at once: one notification that counts them, not a burst of pop-ups.
const AT_MOST_SEPARATE: usize = 3;

pub fn start(app: &AppHandle) {
    if STARTED.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let mut shown: HashSet<String> = HashSet::new();
        tokio::time::sleep(FIRST_AFTER).await;
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
    let new: Vec<Reminder> = due.into_iter().filter(|r| shown.insert(format!("{}|{}", r.key_id, r.title))).collect();
    for (title, body) in notifications(&new) {
        // No notification server (a bare X session, CI): the in-app list still shows them.
        if let Err(e) = app.notification().builder().title(&title).body(&body).show() {
            tracing::info!("notification not shown: {e}");
        } else {
            tracing::info!(count = new.len(), "reminder shown");
        }
    }
}

/// What to show for the reminders that are new: each on its own, or, when many are due at once, one
/// that names the first few and counts the rest.
fn notifications(new: &[Reminder]) -> Vec<(String, String)> {
    if new.len() <= AT_MOST_SEPARATE {
        return new.iter().map(|r| (r.title.clone(), r.body.clone())).collect();
    }
    let named: Vec<&str> = new.iter().take(AT_MOST_SEPARATE).map(|r| r.title.as_str()).collect();
    let body = format!("{}; and {} more. Keyden's key list shows them all.", named.join("; "), new.len() - named.len());
    vec![(format!("{} keys need attention", new.len()), body)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn due(n: usize) -> Vec<Reminder> {
        (0..n)
            .map(|i| Reminder { key_id: format!("k{i}"), title: format!("'key {i}' expires in 3 d"), body: "b".into() })
            .collect()
    }

    #[test]
    fn a_few_are_shown_each_and_many_as_one_that_counts_them() {
        assert_eq!(notifications(&due(3)).len(), 3);
        let one = notifications(&due(34));
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].0, "34 keys need attention");
        assert!(one[0].1.starts_with("'key 0' expires in 3 d; 'key 1'"), "{}", one[0].1);
        assert!(one[0].1.contains("and 31 more"), "{}", one[0].1);
        assert!(notifications(&[]).is_empty());
    }
}
