//! Mint a test token: a Shopify session token signed with a vault secret, for testing one's own
//! backend. Shown to be copied or inspected; never stored.

use crate::context::AppContext;
use crate::hooks::run_command;
use keyden_protocol::commands::*;
use keyden_protocol::MintRequest;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct MintPanelProps {
    /// The vault's keys as (id, label), to sign with.
    pub keys: Vec<(String, String)>,
    /// Puts a minted token into the Inspector.
    pub on_inspect: Callback<String>,
}

#[function_component(MintPanel)]
pub fn mint_panel(p: &MintPanelProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let minted = use_state(|| None::<String>);
    let refs = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let on_mint = {
        let (refs, minted, toast) = (refs.clone(), minted.clone(), ctx.toast.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let val = |r: &NodeRef| r.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default();
            let key_id = refs.0.cast::<HtmlSelectElement>().map(|s| s.value()).unwrap_or_default();
            let req = MintRequest::Shopify {
                key_id,
                api_key: val(&refs.1),
                shop: val(&refs.2),
                user: val(&refs.3),
                lifetime: val(&refs.4).parse().unwrap_or(60),
            };
            let (minted, toast) = (minted.clone(), toast.clone());
            run_command(MintToken { request: req }, toast, move |m| minted.set(Some(m.token)));
        })
    };
    let key_options =
        p.keys.iter().map(|(id, label)| html! { <option value={id.clone()}>{label}</option> }).collect::<Html>();
    html! { <>
        <h3>{"Mint a test token"}</h3>
        <form class="mint" onsubmit={on_mint} id="mint-form">
            <label class="field">{"Signed with (vault)"}
                <select id="mint-key" ref={refs.0.clone()}>{key_options}</select>
            </label>
            <label class="field">{"Client id (aud)"}<input id="mint-api-key" ref={refs.1.clone()} required=true /></label>
            <label class="field">{"Shop"}<input id="mint-shop" ref={refs.2.clone()} placeholder="my-shop.myshopify.com" required=true /></label>
            <div class="row">
                <label class="field">{"User"}<input id="mint-user" ref={refs.3.clone()} value="1" /></label>
                <label class="field">{"Lifetime (s)"}<input id="mint-lifetime" ref={refs.4.clone()} type="number" value="60" min="1" /></label>
            </div>
            <button class="btn btn-primary" type="submit" id="mint-submit">{"Mint Shopify session token"}</button>
        </form>
        if let Some(t) = &*minted {
            <div class="minted">
                <code id="minted-token">{t}</code>
                <button class="btn" onclick={{ let (t, inspect) = (t.clone(), p.on_inspect.clone()); Callback::from(move |_: MouseEvent| inspect.emit(t.clone())) }}>{"Inspect it"}</button>
            </div>
        }
    </> }
}
