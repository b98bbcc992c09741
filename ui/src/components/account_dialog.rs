//! "Add account": provider, name, server URL and credentials. Adding tries the credentials against the
//! server first (the connection test), so a wrong URL or password is said now, not at the first sync.
//! The password / key field is cleared whatever the outcome. A team vault (OpenBao) also asks where its
//! keys live: the KV v2 mount and the prefix.

use crate::components::modal::Modal;
use crate::ipc;
use crate::shown::shown;
use keyden_protocol::commands::*;
use keyden_protocol::{Account, ErrorReply, NewAccount, ProviderInfo, TeamPlace};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AccountDialogProps {
    /// The providers the core's registry lists: the form is built from their facts.
    pub providers: Vec<ProviderInfo>,
    pub on_added: Callback<Account>,
    pub on_cancel: Callback<()>,
}

fn value(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>().map(|e| e.value()).unwrap_or_default()
}

#[function_component(AccountDialog)]
pub fn account_dialog(p: &AccountDialogProps) -> Html {
    // Which provider and which of its sign-in methods, by position in the registry's lists.
    let chosen = use_state(|| (0usize, 0usize));
    let (name, url, login, secret) = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let (mount, prefix) = (use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ErrorReply>);
    let busy = use_state(|| false);
    let info = p.providers.get(chosen.0).cloned();
    let method = info.as_ref().and_then(|i| i.auth_methods.get(chosen.1).cloned());

    let on_provider = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().selected_index();
            chosen.set((usize::try_from(v).unwrap_or(0), 0));
        })
    };
    let on_auth = {
        let chosen = chosen.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().selected_index();
            chosen.set((chosen.0, usize::try_from(v).unwrap_or(0)));
        })
    };
    let onsubmit = {
        let refs = (name.clone(), url.clone(), login.clone(), secret.clone());
        let place = (mount.clone(), prefix.clone());
        let team = info.as_ref().is_some_and(|i| i.capabilities.team);
        let (kind, auth) = (info.as_ref().map(|i| i.kind), method.as_ref().map(|m| m.auth));
        let (error, busy, on_added) = (error.clone(), busy.clone(), p.on_added.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (Some(provider), Some(auth)) = (kind, auth) else { return };
            let (name, url, login, secret) = refs.clone();
            let new = NewAccount {
                name: value(&name),
                provider,
                base_url: value(&url),
                auth,
                login: value(&login),
                secret: value(&secret),
                // Empty fields: the core's defaults (`secret`, `keyden`).
                team: team.then(|| TeamPlace { mount: value(&place.0), prefix: value(&place.1) }),
            };
            if let Some(s) = secret.cast::<HtmlInputElement>() {
                s.set_value("");
            }
            let (error, busy, on_added) = (error.clone(), busy.clone(), on_added.clone());
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                // Moved into the request: nothing of the secret stays behind in this closure.
                let result = ipc::invoke(AddAccount { account: new }).await;
                busy.set(false);
                match result {
                    Ok(a) => on_added.emit(a),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };
    let default_url = info.as_ref().and_then(|i| i.default_url.clone());
    let team = info.as_ref().is_some_and(|i| i.capabilities.team);
    let url_placeholder = match &default_url {
        Some(u) => format!("{u} (default)"),
        None if team => "https://bao-1:8200, https://bao-2:8200 (the nodes of a cluster)".to_string(),
        None => "http://localhost:9000".to_string(),
    };
    let methods = info.as_ref().map(|i| i.auth_methods.clone()).unwrap_or_default();

    html! {
        <Modal title="Add a provider account" id="account-form" on_close={p.on_cancel.clone()} on_submit={onsubmit}>
                <p class="muted">{"Credentials go into the OS keyring. Keyden signs in now to test the connection."}</p>
                if let Some(e) = &*error {
                    <div class="form-error" id="account-error" role="alert">
                        <strong>{shown(&e.message)}</strong>
                        if let Some(h) = &e.hint { <div>{shown(h)}</div> }
                    </div>
                }
                <div class="form-grid">
                    <label>{"Provider"}
                        <select id="a-provider" onchange={on_provider}>
                            { for p.providers.iter().enumerate().map(|(i, info)| html! {
                                <option value={info.kind.as_str()} selected={i == chosen.0}>{&info.title}</option>
                            }) }
                        </select>
                    </label>
                    <label>{"Name"}<span class="req">{"*"}</span>
                        <input id="a-name" ref={name} required=true maxlength="100" placeholder="acme-store" />
                    </label>
                    <label class="span-2">{"Server URL"}
                        <input id="a-url" ref={url} required={default_url.is_none()} spellcheck="false" placeholder={url_placeholder} />
                    </label>
                    if team {
                        <label>{"KV v2 mount"}<input id="a-mount" ref={mount} spellcheck="false" placeholder="secret" /></label>
                        <label>{"Prefix"}<input id="a-prefix" ref={prefix} spellcheck="false" placeholder="keyden" /></label>
                    }
                    if methods.len() > 1 {
                        <label>{"Sign in with"}
                            <select id="a-auth" onchange={on_auth}>
                                { for methods.iter().enumerate().map(|(i, m)| html! {
                                    <option value={m.auth.as_str()} selected={i == chosen.1}>{&m.label}</option>
                                }) }
                            </select>
                        </label>
                    }
                    if let Some(label) = method.as_ref().and_then(|m| m.login_label.clone()) {
                        <label>{label}<input id="a-email" ref={login} required=true spellcheck="false" /></label>
                    } else if methods.len() > 1 { <span /> }
                    <label class="span-2">{method.as_ref().map(|m| m.secret_label.clone()).unwrap_or_default()}<span class="req">{"*"}</span>
                        <input id="a-secret" ref={secret} type="password" required=true spellcheck="false" />
                    </label>
                </div>
                <div class="dialog-actions">
                    <button type="button" class="btn" onclick={p.on_cancel.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
                    <button type="submit" class="btn btn-primary" id="account-submit" disabled={*busy || info.is_none()}>
                        { if *busy { "Testing connection…" } else { "Add and test connection" } }
                    </button>
                </div>
        </Modal>
    }
}
