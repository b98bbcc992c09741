//! The IPC skin: each command translates, calls one core function, and returns a protocol type or an
//! `{code, message, hint}` error. No rule is decided here. Only `reveal_key` returns a secret value (and
//! `remote::create_remote_key`/`rotate_key`, whose new secret is shown once). Edit, revoke and delete go
//! through the providers layer: a linked key changes at its provider first.

use crate::error::{AppError, AppResult};
use crate::state::AppState;
use keyden_core::inspect::{self, keys};
use keyden_core::secret::SecretValue;
use keyden_core::vault::{NewKeyMeta, Use};
use keyden_protocol::{
    CopyReceipt, HistoryEntry, InspectRequest, Inspection, KeyDetail, KeyEdit, KeyList, KeyQuery, KeyRecord, KeySource,
    MintRequest, Minted, NewKey, Revealed, Settings,
};
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
    let meta = NewKeyMeta {
        title,
        provider,
        account,
        environment,
        owner,
        kind: Some(kind),
        expires_at,
        notes,
        remote_id: None,
        redacted: None,
    };
    Ok(state.vault().await?.add(meta, value?).await?)
}

#[tauri::command]
pub async fn edit_key(state: State<'_, AppState>, id: String, edit: KeyEdit) -> AppResult<KeyRecord> {
    Ok(state.providers().await?.edit_key(&id, edit).await?)
}

#[tauri::command]
pub async fn revoke_key(state: State<'_, AppState>, id: String) -> AppResult<KeyRecord> {
    Ok(state.providers().await?.revoke_key(&id).await?)
}

#[tauri::command]
pub async fn delete_key(state: State<'_, AppState>, id: String) -> AppResult<KeyRecord> {
    Ok(state.providers().await?.delete_key(&id).await?)
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
    crate::reminders::start(&app);
    let Ok(probe) = std::env::var("KEYDEN_STARTUP_PROBE") else {
        return;
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    println!("keyden: first-paint-epoch-ms {}", now.as_millis());
    if probe == "exit" {
        crate::platform::save_and_exit(&app, 0);
    }
}

/// Whether the OS keyring can be reached; the UI asks once after its first paint and, if not, says how
/// to fix it (a first run on a Linux box without a Secret Service).
#[tauri::command]
pub async fn keyring_status(state: State<'_, AppState>) -> AppResult<()> {
    Ok(state.vault().await?.ensure_keyring().await?)
}

/// Inspects a token: decode, verify with the chosen key, and let the vault name the signer.
#[tauri::command]
pub async fn inspect_token(state: State<'_, AppState>, request: InspectRequest) -> AppResult<Inspection> {
    run_inspection(state.vault().await?, &request).await
}

/// Keeps an inspection in the history, on the user's request: header and claims, never the signature.
#[tauri::command]
pub async fn save_inspection(state: State<'_, AppState>, request: InspectRequest) -> AppResult<HistoryEntry> {
    let vault = state.vault().await?;
    let inspection = run_inspection(vault, &request).await?;
    Ok(inspect::history::save(vault.database(), &request.token, &inspection, vault.now()).await?)
}

#[tauri::command]
pub async fn inspection_history(state: State<'_, AppState>) -> AppResult<Vec<HistoryEntry>> {
    Ok(inspect::history::list(state.vault().await?.database(), 50).await?)
}

#[tauri::command]
pub async fn clear_inspection_history(state: State<'_, AppState>) -> AppResult<()> {
    Ok(inspect::history::clear(state.vault().await?.database()).await?)
}

async fn run_inspection(vault: &keyden_core::vault::Vault, request: &InspectRequest) -> AppResult<Inspection> {
    let now = vault.now();
    let key = match &request.key {
        None => None,
        Some(KeySource::Vault(id)) => {
            let (record, secret) = vault.verification_secret(id).await?;
            Some(keys::secret(secret.expose().as_bytes(), format!("the vault key '{}'", record.title))?)
        }
        Some(KeySource::Secret(s)) if s.is_empty() => None,
        Some(KeySource::Secret(s)) => Some(keys::secret(s.as_bytes(), "the pasted secret")?),
        Some(KeySource::Public(text)) if text.trim().starts_with('{') => {
            Some(keys::jwk_or_set(text, "the pasted JWK")?)
        }
        Some(KeySource::Public(text)) => Some(keys::pem(text, "the pasted public key")?),
        Some(KeySource::JwksUrl(url)) => {
            let fetched = inspect::jwks::fetch(vault.database(), url, now, false).await?;
            Some(keys::jwk_or_set(&fetched.body, format!("the JWKS at {url}"))?)
        }
    };
    let blank = |s: &Option<String>| s.as_ref().map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    let opts = inspect::Options {
        at: now,
        leeway: request.leeway.clamp(0, 3600),
        key,
        audience: blank(&request.audience),
        issuer: blank(&request.issuer),
        shopify_api_key: blank(&request.shopify_api_key),
    };
    let mut analysis = inspect::analyze(&request.token, &opts);
    vault.explain(&mut analysis).await;
    Ok(analysis.inspection)
}

/// Mints a test token from a vault secret. Returned to be shown and copied; never stored.
#[tauri::command]
pub async fn mint_token(state: State<'_, AppState>, request: MintRequest) -> AppResult<Minted> {
    let vault = state.vault().await?;
    let (key_id, claims) = match request {
        MintRequest::Shopify { key_id, api_key, shop, user, lifetime } => {
            let claims =
                inspect::mint::shopify_session_claims(&api_key, &shop, &user, vault.now(), lifetime.clamp(1, 86_400))?;
            (key_id, claims)
        }
        MintRequest::Hs256 { key_id, claims } => (key_id, claims),
    };
    let (_, secret) = vault.verification_secret(&key_id).await?;
    Ok(Minted { token: inspect::mint::hs256(secret.expose().as_bytes(), &claims)? })
}
