//! "Add account": provider, name, server URL and credentials. Adding tries the credentials against the
//! server first (the connection test), so a wrong URL or password is said now, not at the first sync.
//! The password / key field is cleared whatever the outcome.

use crate::ipc;
use keyden_protocol::commands::*;
use keyden_protocol::{Account, AccountAuth, ErrorReply, NewAccount, ProviderKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct AccountDialogProps {
    pub on_added: Callback<Account>,
    pub on_cancel: Callback<()>,
}

fn value(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>().map(|e| e.value()).unwrap_or_default()
}

#[function_component(AccountDialog)]
pub fn account_dialog(p: &AccountDialogProps) -> Html {
    let provider = use_state(|| ProviderKind::Medusa);
    let auth = use_state(|| AccountAuth::Emailpass);
    let (name, url, login, secret) = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let error = use_state(|| None::<ErrorReply>);
    let busy = use_state(|| false);

    let on_provider = {
        let (provider, auth) = (provider.clone(), auth.clone());
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            let kind = ProviderKind::parse(&v).unwrap_or(ProviderKind::Medusa);
            provider.set(kind);
            auth.set(if kind == ProviderKind::Medusa { AccountAuth::Emailpass } else { AccountAuth::ApiKey });
        })
    };
    let on_auth = {
        let auth = auth.clone();
        Callback::from(move |e: Event| {
            let v = e.target_unchecked_into::<HtmlSelectElement>().value();
            auth.set(AccountAuth::parse(&v).unwrap_or(AccountAuth::Emailpass));
        })
    };
    let onsubmit = {
        let refs = (name.clone(), url.clone(), login.clone(), secret.clone());
        let (provider, auth, error, busy, on_added) =
            (provider.clone(), auth.clone(), error.clone(), busy.clone(), p.on_added.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (name, url, login, secret) = refs.clone();
            let new = NewAccount {
                name: value(&name),
                provider: *provider,
                base_url: value(&url),
                auth: *auth,
                login: value(&login),
                secret: value(&secret),
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
    let onkeydown = {
        let cancel = p.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cancel.emit(());
            }
        })
    };
    let medusa = *provider == ProviderKind::Medusa;
    let secret_label = match *auth {
        AccountAuth::Emailpass => "Password",
        AccountAuth::SecretKey => "Secret key (sk_…)",
        AccountAuth::ApiKey => "Admin API key",
    };

    html! {
        <div class="overlay" {onkeydown}>
            <form class="dialog" role="dialog" aria-modal="true" aria-labelledby="account-title" {onsubmit} autocomplete="off" id="account-form">
                <h2 id="account-title">{"Add a provider account"}</h2>
                <p class="muted">{"Credentials go into the OS keyring. Keyden signs in now to test the connection."}</p>
                if let Some(e) = &*error {
                    <div class="form-error" id="account-error" role="alert">
                        <strong>{&e.message}</strong>
                        if let Some(h) = &e.hint { <div>{h}</div> }
                    </div>
                }
                <div class="form-grid">
                    <label>{"Provider"}
                        <select id="a-provider" onchange={on_provider}>
                            <option value="medusa" selected={medusa}>{"Medusa v2 (Admin API)"}</option>
                            <option value="shop-minis" selected={!medusa}>{"Shop Minis (Admin API)"}</option>
                        </select>
                    </label>
                    <label>{"Name"}<span class="req">{"*"}</span>
                        <input id="a-name" ref={name} required=true maxlength="100" placeholder={if medusa { "acme-store" } else { "my-mini" }} />
                    </label>
                    <label class="span-2">{"Server URL"}
                        <input id="a-url" ref={url} required={medusa} spellcheck="false"
                               placeholder={if medusa { "http://localhost:9000" } else { "https://server.shop.app (default)" }} />
                    </label>
                    if medusa {
                        <label>{"Sign in with"}
                            <select id="a-auth" onchange={on_auth}>
                                <option value="emailpass" selected={*auth == AccountAuth::Emailpass}>{"Admin email and password"}</option>
                                <option value="secret-key" selected={*auth == AccountAuth::SecretKey}>{"A secret API key"}</option>
                            </select>
                        </label>
                        if *auth == AccountAuth::Emailpass {
                            <label>{"Email"}<input id="a-email" ref={login} type="email" required=true placeholder="admin@example.com" /></label>
                        } else { <span /> }
                    }
                    <label class="span-2">{secret_label}<span class="req">{"*"}</span>
                        <input id="a-secret" ref={secret} type="password" required=true spellcheck="false" />
                    </label>
                </div>
                <div class="dialog-actions">
                    <button type="button" class="btn" onclick={p.on_cancel.reform(|_: MouseEvent| ())}>{"Cancel"}</button>
                    <button type="submit" class="btn btn-primary" id="account-submit" disabled={*busy}>
                        { if *busy { "Testing connection…" } else { "Add and test connection" } }
                    </button>
                </div>
            </form>
        </div>
    }
}
