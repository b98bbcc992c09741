//! The status badge and the "expiring soon" marker, judged against the backend's clock.

use keyden_protocol::{KeyRecord, KeyStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct BadgeProps {
    pub key_record: KeyRecord,
    pub now: i64,
    pub soon_days: u32,
}

#[function_component(StatusBadge)]
pub fn status_badge(p: &BadgeProps) -> Html {
    let k = &p.key_record;
    match k.status {
        KeyStatus::Revoked => html! { <span class="badge badge-revoked">{"Revoked"}</span> },
        KeyStatus::Active if k.is_expired(p.now) => {
            html! { <span class="badge badge-expired">{"Expired"}</span> }
        }
        KeyStatus::Active => html! {
            <>
                <span class="badge badge-active">{"Active"}</span>
                if k.expires_within(p.now, p.soon_days) {
                    <span class="badge badge-soon" title="Expiring soon">
                        {crate::components::icon::Icon::Hourglass.view()}{crate::time::relative(k.expires_at.unwrap_or(p.now), p.now)}
                    </span>
                }
            </>
        },
    }
}
