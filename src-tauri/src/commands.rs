//! The IPC skin for keys, settings and the inspector: each handler takes its command type from
//! `keyden_protocol::commands` as `args`, calls one core function, and returns the command's reply or
//! an `{code, message, hint}` error. No rule is decided here. Only `reveal_key` returns a secret value
//! (and `remote::create_remote_key`/`rotate_key`, whose new secret is shown once). Edit, revoke and
//! delete go through the providers layer: a linked key changes at its provider first.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keyden_core::secret::SecretValue;
use keyden_core::vault::{NewKeyMeta, Use};
use keyden_protocol::commands::*;
use keyden_protocol::{CopyReceipt, Revealed};
use tauri::{AppHandle, State};

type Reply<C> = AppResult<<C as Command>::Reply>;

#[tauri::command]
pub async fn list_keys(state: State<'_, AppState>, args: ListKeys) -> Reply<ListKeys> {
    Ok(state.keyden()?.list_keys(&args.query).await?)
}

#[tauri::command]
pub async fn key_detail(state: State<'_, AppState>, args: KeyDetailOf) -> Reply<KeyDetailOf> {
    Ok(state.keyden()?.key_detail(&args.id).await?)
}

#[tauri::command]
pub async fn add_key(state: State<'_, AppState>, args: AddKey) -> Reply<AddKey> {
    let keyden_protocol::NewKey { title, provider, account, environment, owner, kind, expires_at, notes, secret } =
        args.key;
    // The value becomes a zeroizing SecretValue before anything else looks at it.
    let value = SecretValue::from_input(secret.into_bytes())?;
    let meta = NewKeyMeta {
        title,
        provider,
        account,
        environment,
        owner,
        kind: Some(kind),
        expires_at,
        notes,
        ..Default::default()
    };
    Ok(state.keyden()?.add_key(meta, value).await?)
}

#[tauri::command]
pub async fn edit_key(state: State<'_, AppState>, args: EditKey) -> Reply<EditKey> {
    Ok(state.keyden()?.edit_key(&args.id, args.edit).await?)
}

#[tauri::command]
pub async fn revoke_key(app: AppHandle, state: State<'_, AppState>, args: RevokeKey) -> Reply<RevokeKey> {
    let keyden = state.keyden()?;
    let held = crate::clipboard::holds(&app, keyden, &args.id).await;
    let key = keyden.revoke_key(&args.id).await?;
    crate::clipboard::release(&app, held);
    Ok(key)
}

#[tauri::command]
pub async fn delete_key(app: AppHandle, state: State<'_, AppState>, args: DeleteKey) -> Reply<DeleteKey> {
    let keyden = state.keyden()?;
    let held = crate::clipboard::holds(&app, keyden, &args.id).await;
    let key = keyden.delete_key(&args.id).await?;
    crate::clipboard::release(&app, held);
    Ok(key)
}

/// The explicit reveal: the one reply that carries a value.
#[tauri::command]
pub async fn reveal_key(state: State<'_, AppState>, args: RevealKey) -> Reply<RevealKey> {
    let (key, secret) = state.keyden()?.use_secret(&args.id, Use::Reveal, "shown in the app").await?;
    Ok(Revealed { id: key.id, value: secret.expose().to_string() })
}

#[tauri::command]
pub async fn copy_key(app: AppHandle, state: State<'_, AppState>, args: CopyKey) -> Reply<CopyKey> {
    let seconds = crate::settings::load(&app, &state)?.clipboard_clear_seconds;
    let (_, secret) = state.keyden()?.use_secret(&args.id, Use::Copy, "").await?;
    crate::clipboard::copy_and_schedule_clear(&app, secret.expose(), seconds)
        .map_err(|e| AppError::new("clipboard_unavailable", format!("cannot write the clipboard: {e}"), None))?;
    Ok(CopyReceipt { clears_in_seconds: seconds })
}

#[tauri::command]
pub fn get_settings(app: AppHandle, state: State<'_, AppState>) -> Reply<GetSettings> {
    crate::settings::load(&app, &state)
}

#[tauri::command]
pub fn set_settings(app: AppHandle, state: State<'_, AppState>, args: SetSettings) -> Reply<SetSettings> {
    crate::settings::save(&app, &state, args.settings)
}

/// The UI's first list is painted. With `KEYDEN_STARTUP_PROBE` set, prints the page's start-up trace
/// and the wall-clock time, so the start-up bench can subtract its own launch time (`=exit` also
/// quits, for repeated runs).
#[tauri::command]
pub fn ui_ready(app: AppHandle, args: UiReady) {
    crate::reminders::start(&app);
    let Ok(probe) = std::env::var("KEYDEN_STARTUP_PROBE") else {
        return;
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    // Step names are the page's own constants; anything else is not printed.
    let steps: Vec<String> = args
        .trace
        .iter()
        .filter(|m| !m.step.is_empty() && m.step.chars().all(|c| c.is_ascii_alphanumeric() || c == '-'))
        .map(|m| format!("{}={:.0}", m.step, m.epoch_ms))
        .collect();
    println!("keyden: startup-trace {}", steps.join(" "));
    println!("keyden: first-paint-epoch-ms {}", now.as_millis());
    if probe == "exit" {
        crate::platform::save_and_exit(&app, 0);
    }
}

/// Whether the OS keyring can be reached; the UI asks once after its first paint and, if not, says how
/// to fix it (a first run on a Linux box without a Secret Service).
#[tauri::command]
pub async fn keyring_status(state: State<'_, AppState>) -> Reply<KeyringStatus> {
    Ok(state.keyden()?.vault().await?.ensure_keyring().await?)
}

/// Inspects a token: decode, verify with the chosen key, and let the vault name the signer.
#[tauri::command]
pub async fn inspect_token(state: State<'_, AppState>, args: InspectToken) -> Reply<InspectToken> {
    Ok(state.keyden()?.inspect(args.request.into()).await?.inspection)
}

/// Keeps an inspection in the history, on the user's request: header and claims, never the signature.
#[tauri::command]
pub async fn save_inspection(state: State<'_, AppState>, args: SaveInspection) -> Reply<SaveInspection> {
    Ok(state.keyden()?.save_inspection(args.request).await?)
}

#[tauri::command]
pub async fn inspection_history(state: State<'_, AppState>) -> Reply<InspectionHistory> {
    Ok(state.keyden()?.inspection_history(50).await?)
}

#[tauri::command]
pub async fn clear_inspection_history(state: State<'_, AppState>) -> Reply<ClearInspectionHistory> {
    Ok(state.keyden()?.clear_inspection_history().await?)
}

/// Mints a test token from a vault secret. Returned to be shown and copied; never stored.
#[tauri::command]
pub async fn mint_token(state: State<'_, AppState>, args: MintToken) -> Reply<MintToken> {
    Ok(state.keyden()?.mint(args.request).await?)
}
