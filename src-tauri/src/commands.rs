//! The IPC skin: each command translates, calls one core function, and returns a protocol type or an
//! `{code, message, hint}` error. No rule is decided here. Only `reveal_key` returns a secret value.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keyden_core::secret::SecretValue;
use keyden_core::vault::{NewKeyMeta, Use};
use keyden_protocol::{CopyReceipt, KeyDetail, KeyEdit, KeyList, KeyQuery, KeyRecord, NewKey, Revealed, Settings};
use tauri::{AppHandle, State};
use zeroize::Zeroize;

#[tauri::command]
pub async fn list_keys(state: State<'_, AppState>, query: KeyQuery) -> AppResult<KeyList> {
    Ok(state.vault().await?.list(&query).await?)
}

#[tauri::command]
pub async fn key_detail(state: State<'_, AppState>, id: String) -> AppResult<KeyDetail> {
    Ok(state.vault().await?.detail(&id).await?)
}

#[tauri::command]
pub async fn add_key(state: State<'_, AppState>, key: NewKey) -> AppResult<KeyRecord> {
    let NewKey { title, provider, account, environment, owner, kind, expires_at, notes, mut secret } = key;
    let value = SecretValue::from_input(secret.as_bytes().to_vec());
    secret.zeroize();
    let meta = NewKeyMeta { title, provider, account, environment, owner, kind: Some(kind), expires_at, notes };
    Ok(state.vault().await?.add(meta, value?).await?)
}

#[tauri::command]
pub async fn edit_key(state: State<'_, AppState>, id: String, edit: KeyEdit) -> AppResult<KeyRecord> {
    Ok(state.vault().await?.edit(&id, edit).await?)
}

#[tauri::command]
pub async fn revoke_key(state: State<'_, AppState>, id: String) -> AppResult<KeyRecord> {
    Ok(state.vault().await?.revoke(&id).await?)
}

#[tauri::command]
pub async fn delete_key(state: State<'_, AppState>, id: String) -> AppResult<KeyRecord> {
    Ok(state.vault().await?.delete(&id).await?)
}

/// The explicit reveal: the one reply that carries a value.
#[tauri::command]
pub async fn reveal_key(state: State<'_, AppState>, id: String) -> AppResult<Revealed> {
    let (key, secret) = state.vault().await?.use_secret(&id, Use::Reveal, "shown in the app").await?;
    Ok(Revealed { id: key.id, value: secret.expose().to_string() })
}

#[tauri::command]
pub async fn copy_key(app: AppHandle, state: State<'_, AppState>, id: String) -> AppResult<CopyReceipt> {
    let seconds = crate::settings::load(&app, &state)?.clipboard_clear_seconds;
    let (_, secret) = state.vault().await?.use_secret(&id, Use::Copy, "").await?;
    crate::clipboard::copy_and_schedule_clear(&app, secret.expose(), seconds)
        .map_err(|e| AppError::new("clipboard_unavailable", format!("cannot write the clipboard: {e}"), None))?;
    Ok(CopyReceipt { clears_in_seconds: seconds })
}

#[tauri::command]
pub fn get_settings(app: AppHandle, state: State<'_, AppState>) -> AppResult<Settings> {
    crate::settings::load(&app, &state)
}

#[tauri::command]
pub fn set_settings(app: AppHandle, state: State<'_, AppState>, settings: Settings) -> AppResult<Settings> {
    crate::settings::save(&app, &state, settings)
}

/// The UI's first list is painted. With `KEYDEN_STARTUP_PROBE` set, prints the wall-clock time so the
/// start-up bench can subtract its own launch time (`=exit` also quits, for repeated runs).
#[tauri::command]
pub fn ui_ready(app: AppHandle) {
    let Ok(probe) = std::env::var("KEYDEN_STARTUP_PROBE") else {
        return;
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    println!("keyden: first-paint-epoch-ms {}", now.as_millis());
    if probe == "exit" {
        app.exit(0);
    }
}
