//! The "new key" dialog: title and secret required, the rest optional. The secret is sent once, to
//! the backend, and the field is cleared whatever the outcome.

use crate::components::modal::Modal;
use crate::ipc;
use crate::shown::shown;
use keyden_protocol::commands::*;
use keyden_protocol::{ErrorReply, KeyKind, KeyRecord, NewKey};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct CreateProps {
    pub providers: Vec<String>,
    pub on_created: Callback<KeyRecord>,
    pub on_cancel: Callback<()>,
}

fn input(r: &NodeRef) -> String {
    r.cast::<HtmlInputElement>().map(|e| e.value()).unwrap_or_default()
}

#[function_component(CreateDialog)]
pub fn create_dialog(p: &CreateProps) -> Html {
    let title = use_node_ref();
    let secret = use_node_ref();
    let provider = use_node_ref();
    let account = use_node_ref();
    let owner = use_node_ref();
    let environment = use_node_ref();
    let expires = use_node_ref();
    let kind = use_node_ref();
    let notes = use_node_ref();
    let error = use_state(|| None::<ErrorReply>);
    let busy = use_state(|| false);
    let show_secret = use_state(|| false);

    {
        let title = title.clone();
        use_effect_with((), move |_| {
            if let Some(t) = title.cast::<HtmlInputElement>() {
                let _ = t.focus();
            }
        });
    }

    let onsubmit = {
        let refs = (
            title.clone(),
            secret.clone(),
            provider.clone(),
            account.clone(),
            owner.clone(),
            environment.clone(),
            expires.clone(),
        );
        let (kind, notes, error, busy, on_created) =
            (kind.clone(), notes.clone(), error.clone(), busy.clone(), p.on_created.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (title, secret, provider, account, owner, environment, expires) = refs.clone();
            let kind = kind.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let new = NewKey {
                title: input(&title),
                provider: input(&provider),
                account: input(&account),
                environment: input(&environment),
                owner: input(&owner),
                kind: KeyKind::parse(&kind).unwrap_or(KeyKind::Secret),
                expires_at: crate::time::parse_date_input(&input(&expires)),
                notes: notes.cast::<HtmlTextAreaElement>().map(|t| t.value()).unwrap_or_default(),
                secret: input(&secret),
            };
            if let Some(s) = secret.cast::<HtmlInputElement>() {
                s.set_value("");
            }
            let (error, busy, on_created) = (error.clone(), busy.clone(), on_created.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                // Moved into the request: nothing of the secret stays behind in this closure.
                let result = ipc::invoke(AddKey { key: new }).await;
                busy.set(false);
                match result {
                    Ok(k) => on_created.emit(k),
                    Err(e) => error.set(Some(e)),
                }
            });
        })
    };

    let cancel = p.on_cancel.reform(|_: MouseEvent| ());
    let toggle_secret = {
        let show_secret = show_secret.clone();
        Callback::from(move |_: MouseEvent| show_secret.set(!*show_secret))
    };

    html! {
        <Modal title="New key" id="create-form" on_close={p.on_cancel.clone()} on_submit={onsubmit}>
                <p class="muted">{"The value goes straight into your OS keyring. Keyden's database keeps only its redacted form."}</p>
                if let Some(e) = &*error {
                    <div class="form-error" id="create-error" role="alert">
                        <strong>{shown(&e.message)}</strong>
                        if let Some(h) = &e.hint { <div>{shown(h)}</div> }
                    </div>
                }
                <div class="form-grid">
                    <label class="span-2"><span>{"Title"}<span class="req">{"*"}</span></span>
                        <input id="f-title" ref={title} required=true maxlength="200" placeholder="Stripe — production backend" />
                    </label>
                    <label class="span-2"><span>{"Secret value"}<span class="req">{"*"}</span></span>
                        <div class="secret-input">
                            <input id="f-secret" ref={secret} required=true spellcheck="false"
                                   type={if *show_secret { "text" } else { "password" }} placeholder="sk_live_…" />
                            <button type="button" class="btn btn-ghost" onclick={toggle_secret}>
                                { if *show_secret { "Hide" } else { "Show" } }
                            </button>
                        </div>
                    </label>
                    <label>{"Provider"}
                        <input id="f-provider" ref={provider} list="provider-list" placeholder="generic" />
                        <datalist id="provider-list">
                            { for ["medusa", "shopify", "shop-minis", "stripe", "github", "slack"].iter().map(|p| html!{ <option value={*p} /> }) }
                            { for p.providers.iter().map(|p| html!{ <option value={p.clone()} /> }) }
                        </datalist>
                    </label>
                    <label>{"Type"}
                        <select id="f-type" ref={kind}>
                            { for KeyKind::ALL.iter().map(|k| html!{ <option value={k.as_str()}>{k.label()}</option> }) }
                        </select>
                    </label>
                    <label>{"Account"}<input id="f-account" ref={account} placeholder="acme-store" /></label>
                    <label>{"Owner"}<input id="f-owner" ref={owner} placeholder="you@example.com" /></label>
                    <label>{"Environment"}<input id="f-env" ref={environment} placeholder="production" /></label>
                    <label>{"Expires"}<input id="f-expires" ref={expires} type="date" /></label>
                    <label class="span-2">{"Notes"}<textarea id="f-notes" ref={notes} rows="2" maxlength="10000" /></label>
                </div>
                <div class="dialog-actions">
                    <button type="button" class="btn" onclick={cancel}>{"Cancel"}</button>
                    <button type="submit" class="btn btn-primary" id="create-submit" disabled={*busy}>
                        { if *busy { "Saving…" } else { "Save key" } }
                    </button>
                </div>
        </Modal>
    }
}
