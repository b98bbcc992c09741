//! The provider commands: accounts, sync (with progress the UI polls), remote create, rotation, health
//! checks, Shop Minis verification, reminders. Same rule as `commands.rs`: translate, call the core.

use crate::error::AppResult;
use crate::state::AppState;
use keyden_core::providers::health;
use keyden_protocol::{
    Account, CreatedKey, HealthCheck, KeyKind, MinisVerification, NewAccount, Reminder, RotationReport, SyncReport,
};
use serde::Serialize;
use tauri::State;
use zeroize::Zeroize;

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> AppResult<Vec<Account>> {
    Ok(state.providers().await?.list_accounts().await?)
}

/// Adds an account after trying its credentials ("test connection" is part of adding).
#[tauri::command]
pub async fn add_account(state: State<'_, AppState>, account: NewAccount) -> AppResult<Account> {
    let mut account = account;
    let result = state.providers().await?.add_account(account.clone(), true).await;
    account.secret.zeroize();
    Ok(result?)
}

#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, name: String) -> AppResult<Account> {
    Ok(state.providers().await?.remove_account(&name).await?)
}

#[tauri::command]
pub async fn sync_account(state: State<'_, AppState>, name: String) -> AppResult<SyncReport> {
    let providers = state.providers().await?;
    let progress = |fetched: u64, total: u64| state.set_sync_progress(&name, Some(SyncProgress { fetched, total }));
    state.set_sync_progress(&name, Some(SyncProgress { fetched: 0, total: 0 }));
    let result = providers.sync(&name, progress).await;
    state.set_sync_progress(&name, None);
    Ok(result?)
}

/// How far a running sync is; the UI polls this while `sync_account` runs.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct SyncProgress {
    pub fetched: u64,
    pub total: u64,
}

#[tauri::command]
pub fn sync_progress(state: State<'_, AppState>, name: String) -> Option<SyncProgress> {
    state.sync_progress(&name)
}

/// The reply carries the new key's secret: the one time it is shown, like a reveal the user asked for.
#[tauri::command]
pub async fn create_remote_key(
    state: State<'_, AppState>,
    account: String,
    title: String,
    kind: KeyKind,
) -> AppResult<CreatedKey> {
    Ok(state.providers().await?.create_remote(&account, &title, kind).await?)
}

#[tauri::command]
pub async fn rotate_key(state: State<'_, AppState>, id: String, consent: bool) -> AppResult<RotationReport> {
    Ok(state.providers().await?.rotate(&id, consent).await?)
}

#[tauri::command]
pub async fn check_key(state: State<'_, AppState>, id: String) -> AppResult<HealthCheck> {
    Ok(state.providers().await?.check(&id).await?)
}

#[tauri::command]
pub async fn minis_verify(state: State<'_, AppState>, account: String, token: String) -> AppResult<MinisVerification> {
    Ok(state.providers().await?.minis_verify(&account, &token).await?)
}

#[tauri::command]
pub async fn reminders(app: tauri::AppHandle, state: State<'_, AppState>) -> AppResult<Vec<Reminder>> {
    let days = crate::settings::load(&app, &state)?.expiring_soon_days;
    Ok(health::reminders(state.vault().await?, days).await?)
}
