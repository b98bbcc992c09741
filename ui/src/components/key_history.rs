//! A key's past: its health checks (when it last worked, since when it fails) and its audit trail.

use crate::shown::shown;
use crate::time::relative;
use keyden_protocol::{AuditEntry, Health, HealthCheck};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KeyHistoryProps {
    /// Newest first.
    pub checks: Vec<HealthCheck>,
    pub audit: Vec<AuditEntry>,
    pub now: i64,
}

#[function_component(KeyHistory)]
pub fn key_history(p: &KeyHistoryProps) -> Html {
    html! { <>
            { health_summary(&p.checks, p.now) }
            <ol class="health" id="health-history">
                { for p.checks.iter().take(20).map(|c| html! {
                    <li>
                        <span class={format!("o-{}", c.outcome.as_str())}>{c.outcome.as_str()}</span>
                        <span>{ c.http_status.map(|s| format!("HTTP {s}")).unwrap_or_else(|| "no answer".into()) }</span>
                        <span class="muted">{format!("{} ms · {}", c.latency_ms, relative(c.at, p.now))}</span>
                        <span class="muted small">{shown(&c.message)}</span>
                    </li>
                }) }
            </ol>

            <h3>{"Audit trail"}</h3>
            <ol class="audit" id="audit-trail">
                { for p.audit.iter().map(|e| html! {
                    <li>
                        <span class={classes!("audit-action", format!("a-{}", e.action.as_str()))}>{e.action.as_str()}</span>
                        <span class="muted">{format!(" via {} · {}", e.origin, relative(e.at, p.now))}</span>
                        if !e.detail.is_empty() { <div class="small muted">{&e.detail}</div> }
                    </li>
                }) }
            </ol>
    </> }
}

/// "Last worked … · failing since …", from the history (newest first).
fn health_summary(checks: &[HealthCheck], now: i64) -> Html {
    let words = match Health::of(checks) {
        Health::NeverChecked => {
            return html! { <p class="muted small" id="health-summary">{"Never checked. Check now asks the key's provider whether it still accepts it."}</p> }
        }
        Health::Failing { last_ok, since } => {
            format!("Last worked {}; failing since {}.", relative(last_ok, now), relative(since, now))
        }
        Health::Working { last_ok } => format!("Working: last accepted {}.", relative(last_ok, now)),
        Health::NeverAccepted => "Never accepted in a recorded check.".to_string(),
    };
    html! { <p class="small" id="health-summary">{words}</p> }
}
