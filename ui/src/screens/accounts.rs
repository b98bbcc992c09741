//! Provider accounts: add (the connection is tested as part of adding), sync now with progress, last
//! synced and an offline badge, create a key remotely (secret shown once), and for Shop Minis the
//! user-token check with both clocks side by side. The key list itself works offline from the mirror.

use crate::components::account_dialog::AccountDialog;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::icon::Icon;
use crate::components::remote_key_dialog::RemoteKeyDialog;
use crate::components::toast::Toast;
use crate::context::AppContext;
use crate::hooks::run_command;
use crate::ipc;
use crate::shown::shown;
use crate::time::{date, now, relative};
use keyden_protocol::commands::*;
use keyden_protocol::{Account, MinisTokenState, MinisVerification, ProviderInfo};
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[function_component(AccountsScreen)]
pub fn accounts_screen() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let accounts = use_state(|| None::<Vec<Account>>);
    let reload = use_state(|| 0u32);
    let adding = use_state(|| false);
    let providers = use_state(Vec::<ProviderInfo>::new);
    {
        let providers = providers.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(list) = ipc::invoke(ListProviders {}).await {
                    providers.set(list);
                }
            });
        });
    }
    {
        let (accounts, toast) = (accounts.clone(), ctx.toast.clone());
        use_effect_with(*reload, move |_| {
            run_command(ListAccounts {}, toast, move |a| accounts.set(Some(a)));
        });
    }
    let bump = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let open_add = {
        let adding = adding.clone();
        Callback::from(move |_: MouseEvent| adding.set(true))
    };
    let on_added = {
        let (adding, bump, toast) = (adding.clone(), bump.clone(), ctx.toast.clone());
        Callback::from(move |a: Account| {
            adding.set(false);
            toast.emit(Toast::ok(format!(
                "Connected to {} '{}'; credentials are in the keyring.",
                a.provider.label(),
                a.name
            )));
            bump.emit(());
        })
    };

    let body = match &*accounts {
        None => html! { <div class="empty muted">{"Loading…"}</div> },
        Some(list) if list.is_empty() => html! {
            <div class="empty" id="no-accounts">
                <div class="empty-icon">{Icon::Cloud.sized("icon-lg")}</div>
                <h3>{"No provider accounts yet"}</h3>
                <p class="muted">{"Connect a Medusa admin or a Shop Minis API key: Keyden mirrors the provider's keys here, creates and revokes them remotely, and checks that they still work."}</p>
                <button class="btn btn-primary" onclick={open_add.clone()}>{"Add an account"}</button>
            </div>
        },
        Some(list) => html! {
            <div class="accounts-body" id="account-list">
                { for list.iter().map(|a| {
                    let info = providers.iter().find(|i| i.kind == a.provider).cloned();
                    html! { <AccountCard account={a.clone()} {info} on_changed={bump.clone()} /> }
                }) }
            </div>
        },
    };

    html! {
        <div class="accounts-screen">
            <header class="toolbar"><div class="toolbar-row">
                <h1>{"Accounts"}</h1><span class="spacer" />
                <button class="btn btn-primary" id="add-account" onclick={open_add}>{Icon::Plus.view()}{"Add account"}</button>
            </div></header>
            {body}
            if *adding {
                <AccountDialog providers={(*providers).clone()} on_added={on_added} on_cancel={{ let adding = adding.clone(); Callback::from(move |_| adding.set(false)) }} />
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    account: Account,
    /// Its provider's registry entry: which actions the card offers.
    info: Option<ProviderInfo>,
    on_changed: Callback<()>,
}

#[function_component(AccountCard)]
fn account_card(p: &CardProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let a = &p.account;
    let syncing = use_state(|| false);
    let progress = use_state(|| None::<keyden_protocol::SyncProgress>);
    let creating = use_state(|| false);
    let removing = use_state(|| false);

    let on_sync = {
        let (name, syncing, progress, toast, changed) =
            (a.name.clone(), syncing.clone(), progress.clone(), ctx.toast.clone(), p.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            if *syncing {
                return;
            }
            syncing.set(true);
            progress.set(None);
            // Poll the backend's progress while the sync runs; the interval stops with the sync.
            let poll = {
                let (name, progress) = (name.clone(), progress.clone());
                gloo_timers::callback::Interval::new(200, move || {
                    let (name, progress) = (name.clone(), progress.clone());
                    wasm_bindgen_futures::spawn_local(async move {
                        if let Ok(Some(p)) = ipc::invoke(SyncProgressOf { name: name.to_string() }).await {
                            progress.set(Some(p));
                        }
                    });
                })
            };
            let (name, syncing, toast, changed) = (name.clone(), syncing.clone(), toast.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = ipc::invoke(SyncAccount { name: name.to_string() }).await;
                drop(poll);
                syncing.set(false);
                match result {
                    Ok(r) => toast.emit(Toast::ok(format!(
                        "Synced '{}': {} keys — {} new, {} changed, {} gone.",
                        r.account, r.remote_count, r.added, r.updated, r.gone
                    ))),
                    Err(e) => toast.emit(Toast::error(e)),
                }
                changed.emit(());
            });
        })
    };
    let on_remove = {
        let (name, removing, toast, changed) =
            (a.name.clone(), removing.clone(), ctx.toast.clone(), p.on_changed.clone());
        Callback::from(move |_: ()| {
            removing.set(false);
            let (name, toast, changed) = (name.clone(), toast.clone(), changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(RemoveAccount { name: name.to_string() }).await {
                    Ok(a) => toast.emit(Toast::ok(format!("Removed '{}'. Its keys stay in the vault.", a.name))),
                    Err(e) => toast.emit(Toast::error(e)),
                }
                changed.emit(());
            });
        })
    };

    let t = now();
    let failed = a.last_sync_error.is_some();
    let offline = a.last_sync_failure == Some(keyden_protocol::SyncFailure::Unreachable);
    let can = p.info.as_ref().map(|i| i.capabilities).unwrap_or_default();
    let method = p.info.as_ref().and_then(|i| i.auth_methods.iter().find(|m| m.auth == a.auth).cloned());
    let status = match (a.last_sync_at, failed) {
        (_, true) if offline => html! { <span class="badge badge-offline" id="offline-badge">{"Offline"}</span> },
        (_, true) => html! { <span class="badge badge-failing">{"Sync failed"}</span> },
        (Some(_), false) => html! { <span class="badge badge-synced">{"Synced"}</span> },
        (None, false) if can.sync => html! { <span class="badge badge-revoked">{"Never synced"}</span> },
        (None, false) => html! {},
    };
    let progress_bar = match (*syncing, *progress) {
        (false, _) => html! {},
        (true, Some(pr)) if pr.total > 0 => html! {
            <div class="sync-progress">
                <progress class="progress" max={pr.total.to_string()} value={pr.fetched.to_string()} />
                <div class="muted small">{format!("Fetched {} of {} keys…", pr.fetched, pr.total)}</div>
            </div>
        },
        (true, _) => html! {
            <div class="sync-progress"><progress class="progress" /><div class="muted small">{"Contacting the server…"}</div></div>
        },
    };

    html! {
        <section class="account-card" data-name={a.name.clone()}>
            <header>
                <h2>{&a.name}</h2>
                <span class="chip">{a.provider.label()}</span>
                {status}
                <span class="spacer" />
                if can.sync {
                    <button class="btn" id={format!("sync-{}", a.name)} onclick={on_sync} disabled={*syncing}>
                        {Icon::Refresh.view()}{ if *syncing { "Syncing…" } else { "Sync now" } }
                    </button>
                }
                if can.create {
                    <button class="btn btn-primary" id={format!("new-remote-{}", a.name)}
                            onclick={{ let creating = creating.clone(); Callback::from(move |_| creating.set(true)) }}>
                        {Icon::Plus.view()}{"New key"}
                    </button>
                }
            </header>
            {progress_bar}
            <dl class="meta">
                <dt>{"Server"}</dt><dd><code>{&a.base_url}</code></dd>
                <dt>{"Signs in with"}</dt><dd>{ match (&method, a.login.is_empty()) {
                    (Some(m), true) => format!("{} (in the keyring)", m.label),
                    (Some(m), false) => format!("{} · {} (secret in the keyring)", m.label, shown(&a.login)),
                    (None, _) => a.auth.as_str().to_string(),
                } }</dd>
                if can.sync {
                    <dt>{"Last synced"}</dt>
                    <dd class="last-synced">{ match a.last_sync_at {
                        Some(s) => html!{ <>{date(s)}<span class="muted">{format!(" · {} · {} keys", relative(s, t), a.remote_count.unwrap_or(0))}</span></> },
                        None => html!{ <span class="muted">{"never"}</span> },
                    } }</dd>
                }
                if let Some(err) = &a.last_sync_error {
                    <dt>{"Last attempt"}</dt>
                    <dd class="sync-error">{format!("{} — {}", a.last_sync_attempt_at.map(|x| relative(x, t)).unwrap_or_default(), shown(err))}
                        <div class="muted small">{"The key list still works from the mirror."}</div></dd>
                }
                if let Some(place) = &a.team {
                    <dt>{"Team keys"}</dt><dd><code>{format!("{}/{}", place.mount, place.prefix)}</code><span class="muted">{" · values synced into this machine's keyring"}</span></dd>
                } else {
                    <dt>{"Policy"}</dt><dd>{ if a.one_active_secret { "One active secret key per user" } else { "Several active secret keys allowed" } }</dd>
                }
            </dl>
            if can.verify_user_tokens { <MinisCheck account={a.name.clone()} /> }
            <div class="actions">
                <span class="spacer" />
                <button class="btn btn-ghost" onclick={{ let removing = removing.clone(); Callback::from(move |_| removing.set(true)) }}>{"Remove account"}</button>
            </div>
            if *creating {
                <RemoteKeyDialog account={a.name.clone()} kinds={p.info.as_ref().map(|i| i.creates.clone()).unwrap_or_default()}
                    on_done={{ let (creating, changed) = (creating.clone(), p.on_changed.clone()); Callback::from(move |_| { creating.set(false); changed.emit(()); }) }} />
            }
            if *removing {
                <ConfirmDialog title={format!("Remove the account '{}'?", a.name)} confirm_label="Remove account"
                    body={html!{ <p>{"Its password and session are deleted from the keyring. Its keys stay in the vault as they were last synced; nothing changes at the provider."}</p> }}
                    on_confirm={on_remove} on_cancel={{ let removing = removing.clone(); Callback::from(move |_| removing.set(false)) }} />
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct MinisProps {
    account: String,
}

/// Paste a user token; see the token's clock and the API key's standing side by side.
#[function_component(MinisCheck)]
fn minis_check(p: &MinisProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let token = use_node_ref();
    let result = use_state(|| None::<MinisVerification>);
    let busy = use_state(|| false);
    let onsubmit = {
        let (account, token, result, busy, toast) =
            (p.account.clone(), token.clone(), result.clone(), busy.clone(), ctx.toast.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = token.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let (account, result, busy, toast) = (account.clone(), result.clone(), busy.clone(), toast.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(MinisVerify { account: account.to_string(), token: value }).await {
                    Ok(v) => result.set(Some(v)),
                    Err(e) => toast.emit(Toast::error(e)),
                }
                busy.set(false);
            });
        })
    };
    let clocks = result.as_ref().map(|v| {
        let token_good = v.token == Some(MinisTokenState::Valid);
        let token_words = match (v.token, v.token_expires_at) {
            (None, _) => "Not checked".to_string(),
            (Some(MinisTokenState::Valid), Some(t)) => format!("Valid · expires {}", relative(t, v.now)),
            (Some(MinisTokenState::Valid), None) => "Valid".into(),
            (Some(MinisTokenState::Expired), _) => "Expired".into(),
            (Some(MinisTokenState::Invalid), _) => "Invalid".into(),
            (Some(MinisTokenState::Refused), _) => format!("Refused ({})", v.user_errors.join(", ")),
        };
        html! {
            <div id="minis-result">
                <div class="clocks">
                    <div class={classes!("clock", if v.api_key_accepted { "good" } else { "bad" })} id="clock-api-key">
                        <h4>{"API key"}</h4>
                        <strong>{ if v.api_key_accepted { "Accepted".to_string() } else { format!("Rejected (HTTP {})", v.http_status) } }</strong>
                        <div class="small muted">{"API keys do not expire"}</div>
                    </div>
                    <div class={classes!("clock", if token_good { "good" } else { "bad" })} id="clock-user-token">
                        <h4>{"User token"}</h4>
                        <strong>{token_words}</strong>
                        <div class="small muted">{"User tokens live minutes"}</div>
                    </div>
                </div>
                <p id="minis-explanation">{&v.explanation}</p>
            </div>
        }
    });
    html! {
        <div class="minis-check">
            <h3>{"Check a user token"}</h3>
            <form class="row" {onsubmit}>
                <input id="minis-token" ref={token} placeholder="Paste a user token from the Mini" spellcheck="false" class="grow" />
                <button class="btn" type="submit" id="minis-verify" disabled={*busy}>{"Verify"}</button>
            </form>
            { clocks.unwrap_or_default() }
        </div>
    }
}
