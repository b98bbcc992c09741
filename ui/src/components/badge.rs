//! The status badge, the "expiring soon" marker (judged against the backend's clock), and what the
//! mirror knows: gone at the provider, failed its last health check.

use keyden_protocol::{CheckOutcome, KeyRecord, KeyStatus, RemoteState};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BadgeProps {
    pub key_record: KeyRecord,
    pub now: i64,
    pub soon_days: u32,
}

/// "⌛ in 8 d" for an active key that expires within `soon_days`; `None` otherwise.
pub fn soon_marker(k: &KeyRecord, now: i64, soon_days: u32, class: &'static str) -> Option<Html> {
    (!k.is_expired(now) && k.expires_within(now, soon_days)).then(|| {
        html! {
            <span class={classes!("badge", "badge-soon", class)} title="Expiring soon">
                {crate::components::icon::Icon::Hourglass.view()}{crate::time::relative(k.expires_at.unwrap_or(now), now)}
            </span>
        }
    })
}

#[function_component(StatusBadge)]
pub fn status_badge(p: &BadgeProps) -> Html {
    let k = &p.key_record;
    let status = match k.status {
        KeyStatus::Revoked => html! { <span class="badge badge-revoked">{"Revoked"}</span> },
        KeyStatus::Active if k.is_expired(p.now) => {
            html! { <span class="badge badge-expired">{"Expired"}</span> }
        }
        KeyStatus::Active => html! {
            <>
                <span class="badge badge-active">{"Active"}</span>
                // In the list, shown only while its Expires column is hidden (the CSS): there that
                // column says it.
                { for soon_marker(k, p.now, p.soon_days, "soon-in-status") }
            </>
        },
    };
    html! {
        <>
            {status}
            if k.remote_state == Some(RemoteState::Gone) {
                <span class="badge badge-gone" title="A sync no longer finds this key at its provider">{"Gone remotely"}</span>
            }
            if k.last_check == Some(CheckOutcome::Rejected) {
                <span class="badge badge-failing" title="Its provider refused it at the last check">{"Check failed"}</span>
            } else if k.last_check == Some(CheckOutcome::Error) {
                <span class="badge badge-soon" title="The last check got no usable answer">{"Unchecked"}</span>
            }
        </>
    }
}
