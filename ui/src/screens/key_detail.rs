//! One key: metadata, remote state, its place in the team vault, health history, audit trail, and the actions — Reveal and Copy
//! (in its `SecretBox`), Edit, Rotate, Check now, Revoke, Delete.

use crate::components::badge::StatusBadge;
use crate::components::confirm_dialog::ConfirmDialog;
use crate::components::key_history::KeyHistory;
use crate::components::remote_key_dialog::SecretOnce;
use crate::components::secret_box::SecretBox;
use crate::components::team_panel::TeamPanel;
use crate::components::toast::Toast;
use crate::context::AppContext;
use crate::hooks::run_command;
use crate::ipc;
use crate::shown::shown;
use crate::time::{date, now, relative};
use keyden_protocol::commands::*;
use keyden_protocol::{CheckOutcome, CreatedKey, ErrorReply, KeyDetail, KeyEdit, KeyRecord, KeyStatus, RemoteState};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct DetailProps {
    pub id: String,
    pub on_changed: Callback<()>,
    pub on_deleted: Callback<()>,
    pub on_close: Callback<()>,
}

#[derive(Clone, PartialEq)]
enum Confirm {
    Revoke,
    Delete,
    /// Rotation that must revoke first; the backend's words say why.
    Rotate(String),
}

#[function_component(KeyDetailPanel)]
pub fn key_detail_panel(p: &DetailProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let detail = use_state(|| None::<KeyDetail>);
    let confirm = use_state(|| None::<Confirm>);
    let editing = use_state(|| false);
    let reload = use_state(|| 0u32);
    let checking = use_state(|| false);
    let rotated = use_state(|| None::<CreatedKey>);
    let title_ref = use_node_ref();
    let notes_ref = use_node_ref();

    // An open edit belongs to one key: forget it when another is shown.
    {
        let editing = editing.clone();
        use_effect_with(p.id.clone(), move |_| editing.set(false));
    }
    {
        let (detail, toast) = (detail.clone(), ctx.toast.clone());
        use_effect_with((p.id.clone(), *reload), move |(id, _)| {
            run_command(KeyDetailOf { id: id.to_string() }, toast, move |d| detail.set(Some(d)));
        });
    }

    let Some(d) = &*detail else {
        return html! { <aside class="detail-pane"><div class="muted pad">{"Loading…"}</div></aside> };
    };
    let k: KeyRecord = d.key.clone();
    let active = k.status == KeyStatus::Active;
    let refresh = {
        let (reload, on_changed) = (reload.clone(), p.on_changed.clone());
        Callback::from(move |_: ()| {
            reload.set(*reload + 1);
            on_changed.emit(());
        })
    };

    let ask = |what: Confirm| {
        let confirm = confirm.clone();
        Callback::from(move |_: MouseEvent| confirm.set(Some(what.clone())))
    };
    let on_check = {
        let (id, checking, toast, refresh) = (k.id.clone(), checking.clone(), ctx.toast.clone(), refresh.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, checking, toast, refresh) = (id.clone(), checking.clone(), toast.clone(), refresh.clone());
            checking.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(CheckKey { id: id.to_string() }).await {
                    Ok(c) if c.outcome == CheckOutcome::Accepted => {
                        toast.emit(Toast::ok(format!("Accepted by its provider ({} ms).", c.latency_ms)))
                    }
                    Ok(c) => toast.emit(Toast::error(ErrorReply {
                        code: format!("check_{}", c.outcome.as_str()),
                        message: format!("Check {}: {}", c.outcome.as_str(), c.message),
                        hint: None,
                    })),
                    Err(e) => toast.emit(Toast::error(e)),
                }
                checking.set(false);
                refresh.emit(());
            });
        })
    };
    let rotate = {
        let (id, confirm, rotated, toast, refresh) =
            (k.id.clone(), confirm.clone(), rotated.clone(), ctx.toast.clone(), refresh.clone());
        Callback::from(move |consent: bool| {
            let (id, confirm, rotated, toast, refresh) =
                (id.clone(), confirm.clone(), rotated.clone(), toast.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(RotateKey { id: id.to_string(), consent }).await {
                    Ok(r) => {
                        if !r.completed {
                            toast.emit(Toast::error(ErrorReply {
                                code: "rotation_incomplete".into(),
                                message: r.steps.join("; "),
                                hint: None,
                            }));
                        }
                        rotated.set(r.created);
                        refresh.emit(());
                    }
                    Err(e) if e.code == "consent_needed" => confirm.set(Some(Confirm::Rotate(e.message))),
                    Err(e) => toast.emit(Toast::error(e)),
                }
            });
        })
    };
    let on_confirmed = {
        let (confirm, id, title, toast, refresh, on_deleted) =
            (confirm.clone(), k.id.clone(), k.title.clone(), ctx.toast.clone(), refresh.clone(), p.on_deleted.clone());
        let rotate = rotate.clone();
        Callback::from(move |_: ()| {
            let Some(what) = (*confirm).clone() else { return };
            confirm.set(None);
            if let Confirm::Rotate(_) = what {
                rotate.emit(true);
                return;
            }
            let (id, title, toast, refresh, on_deleted) =
                (id.clone(), title.clone(), toast.clone(), refresh.clone(), on_deleted.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let done = if what == Confirm::Revoke {
                    ipc::invoke(RevokeKey { id: id.to_string() }).await
                } else {
                    ipc::invoke(DeleteKey { id: id.to_string() }).await
                };
                match done {
                    Ok(_) if what == Confirm::Revoke => {
                        toast.emit(Toast::ok(format!("Revoked '{title}'.")));
                        refresh.emit(());
                    }
                    Ok(_) => {
                        toast.emit(Toast::ok(format!("Deleted '{title}' and its keyring entry.")));
                        on_deleted.emit(());
                    }
                    Err(e) => toast.emit(Toast::error(e)),
                }
            });
        })
    };
    let on_save = {
        let (id, title_ref, notes_ref, editing, toast, refresh) =
            (k.id.clone(), title_ref.clone(), notes_ref.clone(), editing.clone(), ctx.toast.clone(), refresh.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let edit = KeyEdit {
                title: title_ref.cast::<HtmlInputElement>().map(|i| i.value()),
                notes: notes_ref.cast::<HtmlTextAreaElement>().map(|t| t.value()),
            };
            let (id, editing, toast, refresh) = (id.clone(), editing.clone(), toast.clone(), refresh.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(EditKey { id: id.to_string(), edit }).await {
                    Ok(_) => {
                        editing.set(false);
                        refresh.emit(());
                    }
                    Err(e) => toast.emit(Toast::error(e)),
                }
            });
        })
    };

    let t_now = now();
    let when = |t: Option<i64>| match t {
        Some(t) => {
            html! { <>{date(t)}<span class="muted">{format!(" · {}", relative(t, t_now))}</span></> }
        }
        None => html! { <span class="muted">{"—"}</span> },
    };
    let field = |label: &str, value: &str| {
        html! { <><dt>{label}</dt><dd>{ if value.is_empty() { html!{<span class="muted">{"—"}</span>} } else { html!{value} } }</dd></> }
    };

    html! {
        <aside class="detail-pane" id="key-detail" data-id={k.id.clone()}>
            <header class="detail-head">
                if *editing {
                    <form class="edit-form" onsubmit={on_save} id="edit-form">
                        <input id="edit-title" ref={title_ref} value={k.title.clone()} maxlength="200" required=true />
                        <textarea id="edit-notes" ref={notes_ref} rows="3" value={k.notes.clone()} placeholder="Notes" />
                        <div class="row">
                            <button class="btn btn-primary" type="submit" id="edit-save">{"Save"}</button>
                            <button class="btn" type="button" onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(false)) }}>{"Cancel"}</button>
                        </div>
                    </form>
                } else {
                    <div>
                        <h2 id="detail-title">{shown(&k.title)}</h2>
                        <div class="badges"><StatusBadge key_record={k.clone()} now={t_now} soon_days={ctx.settings.expiring_soon_days} /></div>
                    </div>
                    <button class="btn btn-ghost close" onclick={p.on_close.reform(|_| ())} aria-label="Close">{crate::components::icon::Icon::Close.view()}</button>
                }
            </header>

            <SecretBox key_record={k.clone()} on_used={refresh.clone()} />

            <dl class="meta">
                { field("ID", &k.id) }
                { field("Type", k.kind.label()) }
                { field("Provider", &k.provider) }
                { field("Account", &k.account) }
                { field("Owner", &k.owner) }
                { field("Environment", &k.environment) }
                <dt>{"Created"}</dt><dd>{ when(Some(k.created_at)) }</dd>
                <dt>{"Expires"}</dt><dd>{ when(k.expires_at) }</dd>
                <dt>{"Revoked"}</dt><dd>{ when(k.revoked_at) }</dd>
                <dt>{"Last worked"}</dt><dd>{ when(k.last_verified_at) }</dd>
                if let Some(remote_id) = &k.remote_id {
                    <dt>{"Remote"}</dt>
                    <dd id="remote-state"><code>{remote_id}</code>
                        <span class="muted">{ match k.remote_state {
                            Some(RemoteState::Gone) => " · gone at the provider".to_string(),
                            _ => format!(" · present{}", k.synced_at.map(|t| format!(", synced {}", relative(t, t_now))).unwrap_or_default()),
                        } }</span>
                    </dd>
                }
            </dl>
            if !k.notes.is_empty() && !*editing { <div class="notes">{&k.notes}</div> }

            <div class="actions">
                <button class="btn" id="edit" onclick={{ let editing = editing.clone(); Callback::from(move |_| editing.set(true)) }}>{"Edit"}</button>
                if k.remote_id.is_some() && active {
                    <button class="btn" id="rotate" onclick={rotate.reform(|_: MouseEvent| false)}
                            title="Create a new key, check it works, revoke this one">{"Rotate"}</button>
                }
                <span class="spacer" />
                <button class="btn btn-danger-outline" id="revoke" onclick={ask(Confirm::Revoke)} disabled={!active}>{"Revoke"}</button>
                <button class="btn btn-danger" id="delete" onclick={ask(Confirm::Delete)} disabled={active}
                        title={if active { "Revoke the key first; only revoked keys can be deleted" } else { "Delete for good" }}>{"Delete"}</button>
            </div>

            <TeamPanel key_record={k.clone()} now={t_now} on_changed={refresh.clone()} />

            <h3 class="row">{"Health"}<span class="spacer" />
                <button class="btn btn-ghost" id="check-now" onclick={on_check} disabled={*checking}>{crate::components::icon::Icon::Pulse.view()}{ if *checking { "Checking…" } else { "Check now" } }</button>
            </h3>
            <KeyHistory checks={d.checks.clone()} audit={d.audit.clone()} now={t_now} />

            if let Some(what) = (*confirm).clone() {
                <ConfirmDialog
                    title={match &what { Confirm::Revoke => format!("Revoke '{}'?", shown(&k.title)), Confirm::Delete => format!("Delete '{}'?", shown(&k.title)), Confirm::Rotate(_) => format!("Rotate '{}' now?", shown(&k.title)) }}
                    confirm_label={match &what { Confirm::Revoke => "Revoke key", Confirm::Delete => "Delete key", Confirm::Rotate(_) => "Revoke, then create" }}
                    body={match &what {
                        Confirm::Revoke if k.remote_id.is_some() => html!{ <p>{"Revoke is final: the key is revoked at its provider first, then here. There is no un-revoke."}</p> },
                        Confirm::Revoke => html!{ <p>{"Revoke is final: the key is marked revoked for good and can never be revealed, copied or injected again. There is no un-revoke."}</p> },
                        Confirm::Delete => html!{ <p>{"Delete is irreversible: the key's metadata and its OS-keyring entry are removed (and the key at its provider, when linked). Only the audit trail remains."}</p> },
                        Confirm::Rotate(why) => html!{ <p id="rotate-why">{format!("{why}.")}</p> },
                    }}
                    on_confirm={on_confirmed}
                    on_cancel={{ let confirm = confirm.clone(); Callback::from(move |_| confirm.set(None)) }} />
            }
            if let Some(c) = &*rotated {
                <SecretOnce created={c.clone()} on_close={{ let rotated = rotated.clone(); Callback::from(move |_| rotated.set(None)) }} />
            }
        </aside>
    }
}
