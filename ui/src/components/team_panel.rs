//! A key's place in the team vault. Not shared: "Share with team" through one of the team accounts.
//! Shared: where, at which version and by whom; a new value written as the next version (a stale one
//! is refused, and the conflict says which version the server has); the versions the server keeps.

use crate::components::toast::Toast;
use crate::context::AppContext;
use crate::hooks::run_command;
use crate::ipc;
use crate::shown::shown;
use crate::time::relative;
use keyden_protocol::commands::*;
use keyden_protocol::{Account, ErrorReply, KeyRecord, KeyStatus, TeamHistory};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TeamProps {
    pub key_record: KeyRecord,
    pub now: i64,
    pub on_changed: Callback<()>,
}

#[function_component(TeamPanel)]
pub fn team_panel(p: &TeamProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let accounts = use_state(Vec::<Account>::new);
    let history = use_state(|| None::<TeamHistory>);
    let conflict = use_state(|| None::<ErrorReply>);
    let busy = use_state(|| false);
    let account_ref = use_node_ref();
    let value_ref = use_node_ref();
    let k = &p.key_record;

    {
        let (accounts, toast) = (accounts.clone(), ctx.toast.clone());
        use_effect_with((), move |_| {
            run_command(ListAccounts {}, toast, move |list| {
                accounts.set(list.into_iter().filter(|a| a.team.is_some()).collect())
            });
        });
    }
    {
        let (history, toast) = (history.clone(), ctx.toast.clone());
        let shared = k.team.as_ref().map(|t| (k.id.clone(), t.version));
        use_effect_with(shared, move |shared| {
            history.set(None);
            if let Some((id, _)) = shared.clone() {
                run_command(TeamHistoryOf { id }, toast, move |h| history.set(Some(h)));
            }
        });
    }

    let on_share = {
        let (id, account_ref, toast, busy, changed) =
            (k.id.clone(), account_ref.clone(), ctx.toast.clone(), busy.clone(), p.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(account) = account_ref.cast::<HtmlSelectElement>().map(|s| s.value()) else { return };
            let (id, toast, busy, changed) = (id.clone(), toast.clone(), busy.clone(), changed.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(ShareKey { id, account: account.clone() }).await {
                    Ok(k) => {
                        toast.emit(Toast::ok(format!("Shared '{}' through '{account}'.", shown(&k.title))));
                        changed.emit(());
                    }
                    Err(e) => toast.emit(Toast::error(e)),
                }
                busy.set(false);
            });
        })
    };
    let on_rotate = {
        let (id, value_ref, toast, busy, conflict, changed) =
            (k.id.clone(), value_ref.clone(), ctx.toast.clone(), busy.clone(), conflict.clone(), p.on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(input) = value_ref.cast::<HtmlInputElement>() else { return };
            let secret = input.value();
            input.set_value("");
            let (id, toast, busy, conflict, changed) =
                (id.clone(), toast.clone(), busy.clone(), conflict.clone(), changed.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(RotateShared { id, secret }).await {
                    Ok(k) => {
                        conflict.set(None);
                        let version = k.team.as_ref().map_or(0, |t| t.version);
                        toast.emit(Toast::ok(format!("Version {version} written for the team.")));
                        changed.emit(());
                    }
                    Err(e) if e.code == "conflict" => conflict.set(Some(e)),
                    Err(e) => toast.emit(Toast::error(e)),
                }
                busy.set(false);
            });
        })
    };

    let active = k.status == KeyStatus::Active;
    match &k.team {
        None if accounts.is_empty() || !active || !k.has_secret => html! {},
        None => html! {
            <section class="team" id="team-panel">
                <h3>{"Team"}</h3>
                <p class="small muted">{"Not shared. Sharing writes its value to the team vault; every member gets it at their next sync."}</p>
                <div class="row">
                    <select id="share-account" ref={account_ref}>
                        { for accounts.iter().map(|a| html! { <option value={a.name.clone()}>{shown(&a.name)}</option> }) }
                    </select>
                    <button class="btn" id="share-key" onclick={on_share} disabled={*busy}>{"Share with team"}</button>
                </div>
            </section>
        },
        Some(t) => html! {
            <section class="team" id="team-panel">
                <h3>{"Team"}</h3>
                <p class="small" id="team-link">
                    {format!("Shared through '{}' · version {}", shown(&t.account), t.version)}
                    if !t.shared_by.is_empty() { <span class="muted">{format!(" · shared by {}", shown(&t.shared_by))}</span> }
                    if let Some(at) = k.synced_at { <span class="muted">{format!(" · synced {}", relative(at, p.now))}</span> }
                </p>
                if active {
                    <form class="row" onsubmit={on_rotate} id="team-rotate-form">
                        <input id="team-value" ref={value_ref} type="password" autocomplete="off" placeholder="New value for the team" required=true />
                        <button class="btn" type="submit" id="team-rotate" disabled={*busy}>{"Write new version"}</button>
                    </form>
                }
                if let Some(c) = &*conflict {
                    <div class="callout callout-warn" id="team-conflict" role="alert">
                        <strong>{"Not written: "}</strong>{shown(&c.message)}
                        if let Some(h) = &c.hint { <div class="small muted">{shown(h)}</div> }
                    </div>
                }
                if let Some(h) = &*history {
                    <ol class="team-history" id="team-history">
                        { for h.versions.iter().map(|v| html! {
                            <li class={classes!(v.current.then_some("current"))}>
                                <span>{format!("v{}", v.version)}</span>
                                <span class="muted">{ v.created_at.map(|t| relative(t, p.now)).unwrap_or_default() }</span>
                                if v.destroyed { <span class="muted">{" · destroyed"}</span> }
                                else if v.deleted_at.is_some() { <span class="muted">{" · deleted"}</span> }
                                if v.current { <span class="muted">{" · this machine"}</span> }
                            </li>
                        }) }
                    </ol>
                }
            </section>
        },
    }
}
