//! The provider commands: accounts, sync (with progress the UI polls), remote create, rotation, health
//! checks, Shop Minis verification, reminders. Same rule as `commands.rs`: translate, call the core.

use crate::error::AppResult;
use crate::state::AppState;
use keyden_core::providers::accounts::AccountSpec;
use keyden_core::providers::health;
use keyden_protocol::commands::*;
use keyden_protocol::SyncProgress;
use tauri::State;

type Reply<C> = AppResult<<C as Command>::Reply>;

/// What each provider is and can do: the UI builds its account form and its buttons from this.
#[tauri::command]
pub fn list_providers() -> <ListProviders as Command>::Reply {
    keyden_core::providers::registry::infos()
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> Reply<ListAccounts> {
    Ok(state.keyden()?.providers().await?.list_accounts().await?)
}

/// Adds an account after trying its credentials ("test connection" is part of adding). The secret
/// leaves the wire type for a zeroizing `SecretValue` at once.
#[tauri::command]
pub async fn add_account(state: State<'_, AppState>, args: AddAccount) -> Reply<AddAccount> {
    let (spec, secret) = AccountSpec::from_wire(args.account)?;
    Ok(state.keyden()?.providers().await?.add_account(spec, secret, true).await?)
}

#[tauri::command]
pub async fn remove_account(state: State<'_, AppState>, args: RemoveAccount) -> Reply<RemoveAccount> {
    Ok(state.keyden()?.providers().await?.remove_account(&args.name).await?)
}

#[tauri::command]
pub async fn sync_account(state: State<'_, AppState>, args: SyncAccount) -> Reply<SyncAccount> {
    let name = args.name;
    let keyden = state.keyden()?;
    let progress = |fetched: u64, total: u64| state.set_sync_progress(&name, Some(SyncProgress { fetched, total }));
    state.set_sync_progress(&name, Some(SyncProgress { fetched: 0, total: 0 }));
    let result = keyden.sync(&name, progress).await;
    state.set_sync_progress(&name, None);
    Ok(result?)
}

#[tauri::command]
pub fn sync_progress(state: State<'_, AppState>, args: SyncProgressOf) -> Option<SyncProgress> {
    state.sync_progress(&args.name)
}

/// The reply carries the new key's secret: the one time it is shown, like a reveal the user asked for.
#[tauri::command]
pub async fn create_remote_key(state: State<'_, AppState>, args: CreateRemoteKey) -> Reply<CreateRemoteKey> {
    let providers = state.keyden()?.providers().await?;
    Ok(providers.create_remote(&args.account, &args.title, args.kind).await?)
}

#[tauri::command]
pub async fn rotate_key(state: State<'_, AppState>, args: RotateKey) -> Reply<RotateKey> {
    Ok(state.keyden()?.providers().await?.rotate(&args.id, args.consent).await?)
}

#[tauri::command]
pub async fn check_key(state: State<'_, AppState>, args: CheckKey) -> Reply<CheckKey> {
    Ok(state.keyden()?.providers().await?.check(&args.id).await?)
}

#[tauri::command]
pub async fn minis_verify(state: State<'_, AppState>, args: MinisVerify) -> Reply<MinisVerify> {
    Ok(state.keyden()?.providers().await?.minis_verify(&args.account, &args.token).await?)
}

#[tauri::command]
pub async fn share_key(state: State<'_, AppState>, args: ShareKey) -> Reply<ShareKey> {
    Ok(state.keyden()?.providers().await?.share(&args.id, &args.account).await?)
}

#[tauri::command]
pub async fn team_history(state: State<'_, AppState>, args: TeamHistoryOf) -> Reply<TeamHistoryOf> {
    Ok(state.keyden()?.providers().await?.team_history(&args.id).await?)
}

/// Like `add_key`, the value becomes a zeroizing `SecretValue` before anything else looks at it.
#[tauri::command]
pub async fn rotate_shared(state: State<'_, AppState>, args: RotateShared) -> Reply<RotateShared> {
    let secret = keyden_core::secret::SecretValue::from_input(args.secret.into_bytes())?;
    Ok(state.keyden()?.providers().await?.rotate_shared(&args.id, secret).await?)
}

#[tauri::command]
pub async fn reminders(app: tauri::AppHandle, state: State<'_, AppState>) -> Reply<Reminders> {
    let days = crate::settings::load(&app, &state)?.expiring_soon_days;
    Ok(health::reminders(state.keyden()?.vault().await?, days).await?)
}
