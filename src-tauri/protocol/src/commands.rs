//! Every IPC command as a type: its wire name, its arguments (the type's fields) and its reply. The UI
//! sends `ipc::invoke(ListKeys { query })` and gets a `KeyList` back; the app's handler for
//! `list_keys` takes `args: ListKeys` and returns `ListKeys::Reply`, and its registration is checked
//! against [`Command::NAME`]. A renamed command, field or reply breaks the build on both sides.
//!
//! On the wire the arguments travel as `{"args": {...}}`: Tauri hands each handler parameter the
//! payload member of its name, and every handler names its one parameter `args`.

use crate::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

pub trait Command: Serialize + DeserializeOwned {
    /// The handler's function name in the app.
    const NAME: &'static str;
    type Reply: Serialize + DeserializeOwned;
}

/// `a == b`, usable in a `const` assertion (the app checks each handler's name against its type).
pub const fn same_name(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

macro_rules! commands {
    ($( $(#[$meta:meta])* $ty:ident = $name:literal { $( $field:ident : $fty:ty ),* $(,)? } -> $reply:ty; )*) => {
        $(
            $(#[$meta])*
            #[derive(Clone, Serialize, Deserialize)]
            pub struct $ty { $( pub $field: $fty, )* }
            impl Command for $ty {
                const NAME: &'static str = $name;
                type Reply = $reply;
            }
        )*
        /// Every command's name, for the app's test that each one has a handler.
        pub const NAMES: &[&str] = &[$($name),*];
    };
}

commands! {
    // Keys.
    ListKeys = "list_keys" { query: KeyQuery } -> KeyList;
    KeyDetailOf = "key_detail" { id: String } -> KeyDetail;
    /// A request carrying a secret into the backend (with `AddAccount` and `RotateShared`).
    AddKey = "add_key" { key: NewKey } -> KeyRecord;
    EditKey = "edit_key" { id: String, edit: KeyEdit } -> KeyRecord;
    RevokeKey = "revoke_key" { id: String } -> KeyRecord;
    DeleteKey = "delete_key" { id: String } -> KeyRecord;
    /// The explicit reveal: the one reply that carries a value.
    RevealKey = "reveal_key" { id: String } -> Revealed;
    CopyKey = "copy_key" { id: String } -> CopyReceipt;
    KeyringStatus = "keyring_status" {} -> ();
    Reminders = "reminders" {} -> Vec<Reminder>;

    // The app.
    GetSettings = "get_settings" {} -> Settings;
    SetSettings = "set_settings" { settings: Settings } -> Settings;
    /// The first key list is painted; `trace` is when the page's start-up steps happened.
    UiReady = "ui_ready" { trace: Vec<StartupMark> } -> ();

    // The inspector.
    InspectToken = "inspect_token" { request: InspectRequest } -> Inspection;
    MintToken = "mint_token" { request: MintRequest } -> Minted;
    SaveInspection = "save_inspection" { request: InspectRequest } -> HistoryEntry;
    InspectionHistory = "inspection_history" {} -> Vec<HistoryEntry>;
    ClearInspectionHistory = "clear_inspection_history" {} -> ();

    // Providers.
    /// What each provider is and can do, from the core's registry.
    ListProviders = "list_providers" {} -> Vec<ProviderInfo>;
    ListAccounts = "list_accounts" {} -> Vec<Account>;
    /// Tries the credentials before the account is kept.
    AddAccount = "add_account" { account: NewAccount } -> Account;
    RemoveAccount = "remove_account" { name: String } -> Account;
    SyncAccount = "sync_account" { name: String } -> SyncReport;
    /// Polled while `sync_account` runs.
    SyncProgressOf = "sync_progress" { name: String } -> Option<SyncProgress>;
    /// The reply carries the new key's secret: the one time it is shown.
    CreateRemoteKey = "create_remote_key" { account: String, title: String, kind: KeyKind } -> CreatedKey;
    RotateKey = "rotate_key" { id: String, consent: bool } -> RotationReport;
    CheckKey = "check_key" { id: String } -> HealthCheck;
    MinisVerify = "minis_verify" { account: String, token: String } -> MinisVerification;

    // The team vault.
    ShareKey = "share_key" { id: String, account: String } -> KeyRecord;
    TeamHistoryOf = "team_history" { id: String } -> TeamHistory;
    /// A shared key's next version; like `AddKey`, it carries a value into the backend.
    RotateShared = "rotate_shared" { id: String, secret: String } -> KeyRecord;

    // Environment files.
    EnvFilePreview = "env_file_preview" { path: String } -> EnvFileView;
    EnvFileImport = "env_file_import" { path: String } -> EnvImportReport;
    ScanFolder = "scan_folder" { path: String } -> ScanReport;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_compared_exactly() {
        let mut names = NAMES.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NAMES.len());
        assert!(same_name(ListKeys::NAME, "list_keys"));
        assert!(!same_name(ListKeys::NAME, "list_key"));
        assert!(!same_name(ListKeys::NAME, "list_kexs"));
    }

    #[test]
    fn arguments_travel_as_an_object_even_when_empty() {
        assert_eq!(serde_json::to_value(GetSettings {}).unwrap(), serde_json::json!({}));
        assert_eq!(serde_json::to_value(RevokeKey { id: "k".into() }).unwrap(), serde_json::json!({"id": "k"}));
    }
}
