//! "New key" at a provider: title and type; then the secret, shown this once, with Copy (which copies
//! from the keyring, so the clipboard-clearing rule applies). Closing forgets the value.

use crate::components::modal::Modal;
use crate::ipc;
use crate::shown::shown;
use keyden_protocol::commands::*;
use keyden_protocol::{CreatedKey, ErrorReply, KeyKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct RemoteKeyProps {
    pub account: AttrValue,
    /// The key types the account's provider creates (its registry entry).
    pub kinds: Vec<KeyKind>,
    pub on_done: Callback<()>,
}

fn kind_label(k: KeyKind) -> &'static str {
    match k {
        KeyKind::Secret => "Secret key (Admin API)",
        KeyKind::Publishable => "Publishable key (Store API)",
        KeyKind::Token => "Token",
        KeyKind::ClientSecret => "Client secret",
    }
}

#[function_component(RemoteKeyDialog)]
pub fn remote_key_dialog(p: &RemoteKeyProps) -> Html {
    let (title, kind) = (use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ErrorReply>);
    let busy = use_state(|| false);
    let created = use_state(|| None::<CreatedKey>);

    let onsubmit = {
        let (title, kind, error, busy, created, account) =
            (title.clone(), kind.clone(), error.clone(), busy.clone(), created.clone(), p.account.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let t = title.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let k = kind.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let kind = KeyKind::parse(&k).unwrap_or(KeyKind::Secret);
            let (error, busy, created, account) = (error.clone(), busy.clone(), created.clone(), account.clone());
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let result = ipc::invoke(CreateRemoteKey { account: account.to_string(), title: t, kind }).await;
                busy.set(false);
                match result {
                    Ok(c) => created.set(Some(c)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let close = {
        let (created, done) = (created.clone(), p.on_done.clone());
        Callback::from(move |_: ()| {
            created.set(None);
            done.emit(());
        })
    };
    let error_box = error.as_ref().map(|e| {
        html! {
            <div class="form-error" id="remote-error" role="alert">
                <strong>{shown(&e.message)}</strong>
                if let Some(h) = &e.hint { <div>{shown(h)}</div> }
            </div>
        }
    });

    html! {
        if let Some(c) = &*created {
            <SecretOnce created={c.clone()} on_close={close} />
        } else {
            <Modal title={format!("New key at '{}'", p.account)} id="remote-key-form" class="dialog-small"
                   on_close={p.on_done.clone()} on_submit={onsubmit}>
                    <p class="muted">{"Created at the provider; its secret goes straight into the keyring and is shown once."}</p>
                    {error_box.unwrap_or_default()}
                    <div class="form-grid">
                        <label class="span-2">{"Title"}<span class="req">{"*"}</span>
                            <input id="r-title" ref={title} required=true maxlength="200" placeholder="Deploy pipeline" /></label>
                        <label class="span-2">{"Type"}
                            <select id="r-type" ref={kind}>
                                { for p.kinds.iter().map(|k| html! { <option value={k.as_str()}>{kind_label(*k)}</option> }) }
                            </select></label>
                    </div>
                    <div class="dialog-actions">
                        <button type="button" class="btn" onclick={p.on_done.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
                        <button type="submit" class="btn btn-primary" id="remote-submit" disabled={*busy}>
                            { if *busy { "Creating…" } else { "Create key" } }
                        </button>
                    </div>
            </Modal>
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct SecretOnceProps {
    pub created: CreatedKey,
    pub on_close: Callback<()>,
}

/// A new key's secret, shown once. Copy goes through the keyring (so the clipboard is cleared on time).
#[function_component(SecretOnce)]
pub fn secret_once(p: &SecretOnceProps) -> Html {
    let copied = use_state(|| None::<u32>);
    let error = use_state(|| None::<ErrorReply>);
    let c = &p.created;
    let on_copy = {
        let (id, copied, error) = (c.key.id.clone(), copied.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let (id, copied, error) = (id.clone(), copied.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(CopyKey { id: id.to_string() }).await {
                    Ok(r) => copied.set(Some(r.clears_in_seconds)),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    html! {
        <Modal title={format!("'{}' created", shown(&c.key.title))} id="secret-once-dialog" class="dialog-small"
               on_close={p.on_close.clone()} initial_focus="#secret-once-copy">
            <p class="muted">{"This is the only time the provider shows this secret. It is already in your OS keyring; copy it now if something else needs it."}</p>
            <div class="secret-once" id="secret-once">{&c.secret}</div>
            if let Some(s) = *copied { <p class="small muted">{format!("Copied. The clipboard clears in {s} s.")}</p> }
            if let Some(e) = &*error { <div class="form-error" role="alert">{shown(&e.message)}</div> }
            <div class="dialog-actions">
                <button class="btn" id="secret-once-copy" onclick={on_copy}>{"Copy"}</button>
                <button class="btn btn-primary" id="secret-once-done" onclick={p.on_close.reform(|_: MouseEvent| ())}>{"Done"}</button>
            </div>
        </Modal>
    }
}
