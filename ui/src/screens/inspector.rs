//! The Inspector: paste a token, see it decoded as you type, verified with a vault key or a pasted
//! one, and explained — which clock ran out, which stored secret signed it. Nothing typed here is
//! stored; the mint panel's tokens are shown, never kept.

use crate::components::inspection_view::{verdict_class, verdict_title, InspectionView};
use crate::components::mint_panel::MintPanel;
use crate::components::toast::Toast;
use crate::context::AppContext;
use crate::hooks::run_command;
use crate::ipc;
use crate::shown::shown;
use crate::time::{now, relative};
use keyden_protocol::commands::*;
use keyden_protocol::{ErrorReply, HistoryEntry, InspectRequest, Inspection, KeyQuery, KeySource};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

/// The token's three segments, coloured; anything else shown as typed.
fn segments(token: &str) -> Html {
    let t = token.trim();
    let parts: Vec<&str> = t.split('.').collect();
    if parts.len() != 3 {
        return html! {};
    }
    html! {
        <div class="segments" id="segments">
            <span class="seg-h" title="header">{parts[0]}</span>{"."}
            <span class="seg-p" title="claims">{parts[1]}</span>{"."}
            <span class="seg-s" title="signature">{parts[2]}</span>
        </div>
    }
}

#[function_component(InspectorScreen)]
pub fn inspector_screen() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let request = use_state(InspectRequest::default);
    let result = use_state(|| None::<Inspection>);
    let error = use_state(|| None::<ErrorReply>);
    let vault_keys = use_state(Vec::<(String, String)>::new);
    // Only active keys sign: a revoked secret verifies old tokens but mints no new one.
    let signing_keys = use_state(Vec::<(String, String)>::new);
    let tick = use_state(now);
    let latest = crate::hooks::use_latest();
    let history = use_state(Vec::<HistoryEntry>::new);
    let reload_history = {
        let history = history.clone();
        Callback::from(move |_: ()| {
            let history = history.clone();
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(h) = ipc::invoke(InspectionHistory {}).await {
                    history.set(h);
                }
            });
        })
    };
    {
        let reload_history = reload_history.clone();
        use_effect_with((), move |_| reload_history.emit(()));
    }
    let token_ref = use_node_ref();

    // The vault's keys for the pickers.
    {
        let (vault_keys, signing_keys) = (vault_keys.clone(), signing_keys.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(l) = ipc::invoke(ListKeys { query: KeyQuery::default() }).await {
                    let label = |k: &keyden_protocol::KeyRecord| {
                        let revoked = if k.status == keyden_protocol::KeyStatus::Revoked { " (revoked)" } else { "" };
                        format!("{}{revoked}", shown(&k.title))
                    };
                    vault_keys.set(l.keys.iter().map(|k| (k.id.clone(), label(k))).collect());
                    let active = l.keys.iter().filter(|k| k.status != keyden_protocol::KeyStatus::Revoked);
                    signing_keys.set(active.map(|k| (k.id.clone(), label(k))).collect());
                }
            });
        });
    }
    // The live countdown: one tick a second.
    {
        let tick = tick.clone();
        use_effect_with((), move |_| {
            let interval = gloo_timers::callback::Interval::new(1_000, move || tick.set(now()));
            move || drop(interval)
        });
    }
    // Inspect as you type; only the newest answer is shown.
    {
        let (result, error) = (result.clone(), error.clone());
        use_effect_with((*request).clone(), move |req| {
            let req = req.clone();
            let ticket = latest.begin();
            if req.token.trim().is_empty() {
                result.set(None);
                error.set(None);
            } else {
                wasm_bindgen_futures::spawn_local(async move {
                    let answer = ipc::invoke(InspectToken { request: req }).await;
                    if !latest.is_current(ticket) {
                        return;
                    }
                    match answer {
                        Ok(i) => {
                            result.set(Some(i));
                            error.set(None);
                        }
                        Err(e) => error.set(Some(e)),
                    }
                });
            }
        });
    }

    let update = |f: fn(&mut InspectRequest, String)| {
        let request = request.clone();
        Callback::from(move |v: String| {
            let mut r = (*request).clone();
            f(&mut r, v);
            request.set(r);
        })
    };
    let on_token =
        update(|r, v| r.token = v).reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
    let on_key = update(|r, v| r.key = (!v.is_empty()).then_some(KeySource::Vault(v)))
        .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    let on_secret = update(|r, v| r.key = (!v.is_empty()).then_some(KeySource::Secret(v)))
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_public = update(|r, v| r.key = (!v.trim().is_empty()).then_some(KeySource::Public(v)))
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlTextAreaElement>().value());
    let on_jwks_url = update(|r, v| r.key = (!v.trim().is_empty()).then_some(KeySource::JwksUrl(v.trim().to_string())))
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_shopify = update(|r, v| r.shopify_api_key = Some(v))
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_aud = update(|r, v| r.audience = Some(v))
        .reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_leeway = update(|r, v| r.leeway = v.parse().unwrap_or(0))
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());

    let inspect_minted = {
        let (request, token_ref) = (request.clone(), token_ref.clone());
        Callback::from(move |t: String| {
            if let Some(area) = token_ref.cast::<HtmlTextAreaElement>() {
                area.set_value(&t);
            }
            request.set(InspectRequest { token: t, ..(*request).clone() });
        })
    };

    let on_save = {
        let (request, reload_history, toast) = (request.clone(), reload_history.clone(), ctx.toast.clone());
        Callback::from(move |_: MouseEvent| {
            let (req, reload_history, toast) = ((*request).clone(), reload_history.clone(), toast.clone());
            let said = toast.clone();
            run_command(SaveInspection { request: req }, toast, move |_| {
                said.emit(Toast::ok("Kept in the history, without the signature."));
                reload_history.emit(());
            });
        })
    };
    let on_clear_history = {
        let reload_history = reload_history.clone();
        Callback::from(move |_: MouseEvent| {
            let reload_history = reload_history.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let _ = ipc::invoke(ClearInspectionHistory {}).await;
                reload_history.emit(());
            });
        })
    };
    let load = {
        let (request, token_ref) = (request.clone(), token_ref.clone());
        move |unsigned: String| {
            let (request, token_ref) = (request.clone(), token_ref.clone());
            Callback::from(move |_: MouseEvent| {
                if let Some(area) = token_ref.cast::<HtmlTextAreaElement>() {
                    area.set_value(&unsigned);
                }
                let mut r = (*request).clone();
                r.token = unsigned.clone();
                request.set(r);
            })
        }
    };

    let key_options =
        vault_keys.iter().map(|(id, label)| html! { <option value={id.clone()}>{label}</option> }).collect::<Html>();
    html! {
        <div class="inspector-screen">
            <header class="toolbar"><div class="toolbar-row"><h1>{"Inspector"}</h1>
                <span class="muted small">{"Why does my backend say 401? Paste the token."}</span></div></header>
            <div class="inspector-body">
                <section class="inspector-main">
                    <textarea id="inspect-token" ref={token_ref} class="token-box" rows="4" spellcheck="false"
                        placeholder="eyJhbGciOi… or shpat_…, sk_live_…" oninput={on_token} />
                    { segments(&request.token) }
                    <InspectionView result={(*result).clone()} error={(*error).clone()} now={*tick} {on_save} />
                </section>
                <aside class="inspector-side">
                    <h3>{"Verify with"}</h3>
                    <label class="field">{"A key from the vault"}
                        <select id="inspect-key" onchange={on_key}>
                            <option value="">{"— decode only —"}</option>
                            {key_options}
                        </select>
                    </label>
                    <label class="field">{"…or paste an HMAC secret"}
                        <input id="inspect-secret" type="password" oninput={on_secret} spellcheck="false" />
                    </label>
                    <label class="field">{"…or paste a PEM public key, JWK or JWKS"}
                        <textarea id="inspect-public" rows="3" oninput={on_public} spellcheck="false" placeholder="-----BEGIN PUBLIC KEY-----" />
                    </label>
                    <label class="field">{"…or a JWKS URL (fetched once, cached offline)"}
                        <input id="inspect-jwks-url" type="url" onchange={on_jwks_url} spellcheck="false" placeholder="https://…/.well-known/jwks.json" />
                    </label>
                    <label class="field">{"Shopify app client id (checks aud and iss)"}
                        <input id="inspect-shopify" oninput={on_shopify} spellcheck="false" />
                    </label>
                    <label class="field">{"Expected audience"}
                        <input id="inspect-aud" oninput={on_aud} spellcheck="false" />
                    </label>
                    <label class="field">{"Leeway (seconds)"}
                        <input id="inspect-leeway" type="number" min="0" max="3600" value={request.leeway.to_string()} onchange={on_leeway} />
                    </label>
                    <p class="muted small">{"If the signature does not match, every secret in the vault — active and revoked — is tried to name the one that signed it."}</p>

                    <h3>{"History"}</h3>
                    if history.is_empty() {
                        <p class="muted small">{"Nothing kept. Inspections are not stored unless you ask (Keep in history); signatures never are."}</p>
                    } else {
                        <ol class="history" id="history">
                            { for history.iter().map(|h| html! {
                                <li>
                                    <button class="history-item" onclick={load(h.unsigned.clone())}>
                                        <span class={classes!("dot", verdict_class(h.verdict))} />
                                        <span>{&h.summary}</span>
                                        <span class="muted small">{format!("{} · {}", verdict_title(h.verdict), relative(h.saved_at, *tick))}</span>
                                    </button>
                                </li>
                            }) }
                        </ol>
                        <button class="btn btn-ghost" id="clear-history" onclick={on_clear_history}>{"Clear history"}</button>
                    }

                    <MintPanel keys={(*signing_keys).clone()} on_inspect={inspect_minted} />
                </aside>
            </div>
        </div>
    }
}
