//! One inspection as the Inspector shows it: the verdict in plain words, the live countdown, the
//! header and the claims with their times.

use crate::shown::shown;
use crate::time::{date, relative};
use keyden_protocol::{ErrorReply, Inspection, Verdict};
use yew::prelude::*;

pub fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "verdict-ok",
        Verdict::Unverified => "verdict-info",
        Verdict::Expired | Verdict::NotYetValid => "verdict-warn",
        _ => "verdict-bad",
    }
}

pub fn verdict_title(v: Verdict) -> &'static str {
    match v {
        Verdict::Valid => "Valid",
        Verdict::Unverified => "Decoded, not verified",
        Verdict::Expired => "Expired",
        Verdict::NotYetValid => "Not yet valid",
        Verdict::InvalidSignature => "Invalid signature",
        Verdict::WrongAudience => "Wrong audience",
        Verdict::WrongIssuer => "Wrong issuer",
        Verdict::Malformed => "Malformed",
        Verdict::UnsupportedAlgorithm => "Unsupported algorithm",
        Verdict::UnknownCritical => "Unknown critical extension",
        Verdict::KeyMismatch => "Key mismatch",
    }
}

/// A claim's value as the table shows it: text from the token, so hidden characters are escaped.
fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => shown(s),
        other => shown(&other.to_string()),
    }
}

#[derive(Properties, PartialEq)]
pub struct InspectionViewProps {
    pub result: Option<Inspection>,
    pub error: Option<ErrorReply>,
    /// "Now" for the countdown and the relative times.
    pub now: i64,
    /// Keeps the inspection in the history.
    pub on_save: Callback<MouseEvent>,
}

#[function_component(InspectionView)]
pub fn inspection_view(p: &InspectionViewProps) -> Html {
    let banner = match (&p.result, &p.error) {
        (_, Some(e)) => html! {
            <div class="verdict verdict-bad" id="verdict" data-verdict="error">
                <div class="verdict-title">{shown(&e.message)}</div>
                if let Some(h) = &e.hint { <div class="verdict-text">{shown(h)}</div> }
            </div>
        },
        (Some(i), None) => html! {
            <div class={classes!("verdict", verdict_class(i.verdict))} id="verdict" data-verdict={i.verdict.as_str()}>
                <div class="verdict-title">
                    {verdict_title(i.verdict)}
                    if let Some(alg) = &i.alg { <span class="chip">{alg}</span> }
                    { match &i.kind {
                        keyden_protocol::TokenKind::ShopifySessionToken { shop } => html!{ <span class="chip">{format!("Shopify session token · {}", shown(shop))}</span> },
                        keyden_protocol::TokenKind::MedusaJwt { actor_type } => html!{ <span class="chip">{format!("Medusa JWT · {}", shown(actor_type))}</span> },
                        keyden_protocol::TokenKind::OpaqueKey { provider, kind, .. } => html!{ <span class="chip">{format!("{provider} {kind}")}</span> },
                        _ => html!{},
                    } }
                </div>
                <div class="verdict-text" id="diagnosis">{shown(&i.diagnosis)}</div>
                if let Some(s) = &i.signer { <div class="verdict-text" id="signer">{format!("Signed with: {}", shown(&s.title))}</div> }
            </div>
        },
        (None, None) => html! {
            <div class="verdict verdict-info" id="verdict" data-verdict="none">
                <div class="verdict-title">{"Paste a token"}</div>
                <div class="verdict-text">{"A JWT (Shopify session token, Medusa JWT, any JWS) or an API key. It is decoded here, offline; nothing is stored."}</div>
            </div>
        },
    };

    let countdown = p.result.as_ref().and_then(|i| i.times.exp).map(|exp| {
        let left = exp.saturating_sub(p.now);
        html! {
            <div class={classes!("countdown", (left <= 0).then_some("expired"))} id="countdown">
                { if left > 0 { format!("expires in {left} s") } else { format!("expired {}", relative(exp, p.now)) } }
            </div>
        }
    });

    let claims_table = p.result.as_ref().and_then(|i| i.claims.as_ref()).and_then(|c| c.as_object()).map(|claims| {
        html! {
            <table class="claims" id="claims">
                { for claims.iter().map(|(k, v)| {
                    let time = matches!(k.as_str(), "iat" | "nbf" | "exp" | "auth_time").then(|| v.as_i64()).flatten();
                    html! {
                        <tr>
                            <th>{shown(k)}</th>
                            <td><code>{value_text(v)}</code>
                                if let Some(t) = time { <div class="muted small">{format!("{} · {}", date(t), relative(t, p.now))}</div> }
                            </td>
                        </tr>
                    }
                }) }
            </table>
        }
    });

    html! { <>
        {banner}
        <div class="row">
            { countdown.unwrap_or_default() }
            <span class="spacer" />
            if p.result.as_ref().is_some_and(|i| i.claims.is_some()) {
                <button class="btn btn-ghost" id="save-history" onclick={p.on_save.clone()}
                    title="Keeps the header and claims; the signature is dropped">{"Keep in history"}</button>
            }
        </div>
        if let Some(i) = &p.result {
            if let Some(h) = &i.header {
                <h3>{"Header"}</h3>
                <pre class="json">{keyden_protocol::text::escape_block(&serde_json::to_string_pretty(h).unwrap_or_default()).into_owned()}</pre>
            }
        }
        if let Some(t) = claims_table { <h3>{"Claims"}</h3>{t} }
    </> }
}
