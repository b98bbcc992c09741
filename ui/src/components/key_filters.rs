//! The filter row over the key list: status, provider, environment, expiry, sort and its direction.

use keyden_protocol::{Facets, KeyQuery, KeyStatus, SortField};
use web_sys::HtmlSelectElement;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KeyFiltersProps {
    pub query: KeyQuery,
    pub facets: Facets,
    pub on_change: Callback<KeyQuery>,
    pub on_clear: Callback<()>,
}

#[function_component(KeyFilters)]
pub fn key_filters(p: &KeyFiltersProps) -> Html {
    let q = &p.query;
    let update = |f: fn(&mut KeyQuery, String)| {
        let (query, change) = (p.query.clone(), p.on_change.clone());
        Callback::from(move |e: Event| {
            let mut q = query.clone();
            f(&mut q, e.target_unchecked_into::<HtmlSelectElement>().value());
            change.emit(q);
        })
    };
    let on_status = update(|q, v| q.status = KeyStatus::parse(&v));
    let on_provider = update(|q, v| q.provider = (!v.is_empty()).then_some(v));
    let on_env = update(|q, v| q.environment = (!v.is_empty()).then_some(v));
    let on_expiring = update(|q, v| q.expiring_within_days = v.parse().ok());
    let on_sort = update(|q, v| q.sort = SortField::parse(&v).unwrap_or_default());
    let on_direction = {
        let (query, change) = (p.query.clone(), p.on_change.clone());
        Callback::from(move |_: MouseEvent| change.emit(KeyQuery { desc: !query.desc, ..query.clone() }))
    };
    let filtered = q.search.is_some()
        || q.status.is_some()
        || q.provider.is_some()
        || q.environment.is_some()
        || q.expiring_within_days.is_some();
    let facets = &p.facets;
    html! {
        <div class="toolbar-row filters">
            <select id="filter-status" onchange={on_status} aria-label="Status">
                <option value="" selected={q.status.is_none()}>{"Any status"}</option>
                <option value="active" selected={q.status == Some(KeyStatus::Active)}>{"Active"}</option>
                <option value="revoked" selected={q.status == Some(KeyStatus::Revoked)}>{"Revoked"}</option>
            </select>
            <select id="filter-provider" onchange={on_provider} aria-label="Provider">
                <option value="" selected={q.provider.is_none()}>{"Any provider"}</option>
                { for facets.providers.iter().map(|p| html!{ <option value={p.clone()} selected={q.provider.as_ref() == Some(p)}>{p}</option> }) }
            </select>
            <select id="filter-env" onchange={on_env} aria-label="Environment">
                <option value="" selected={q.environment.is_none()}>{"Any environment"}</option>
                { for facets.environments.iter().map(|p| html!{ <option value={p.clone()} selected={q.environment.as_ref() == Some(p)}>{p}</option> }) }
            </select>
            <select id="filter-expiring" onchange={on_expiring} aria-label="Expiring">
                <option value="" selected={q.expiring_within_days.is_none()}>{"Any expiry"}</option>
                { for [7u32, 30, 90].iter().map(|d| html!{ <option value={d.to_string()} selected={q.expiring_within_days == Some(*d)}>{format!("Expiring within {d} days")}</option> }) }
            </select>
            <span class="spacer" />
            <span class="sort-group">
            <label class="sort">{"Sort"}
                <select id="sort" onchange={on_sort}>
                    { for [(SortField::Created, "Created"), (SortField::Title, "Title"), (SortField::Expires, "Expiry"), (SortField::Verified, "Last verified")].iter().map(|(f, l)|
                        html!{ <option value={f.as_str()} selected={q.sort == *f}>{*l}</option> }) }
                </select>
            </label>
            <button class="btn btn-ghost" id="sort-direction" onclick={on_direction} title="Sort direction">
                { if q.desc { "↓ Desc" } else { "↑ Asc" } }
            </button>
            </span>
            if filtered { <button class="btn btn-ghost" onclick={p.on_clear.reform(|_: MouseEvent| ())}>{"Clear"}</button> }
        </div>
    }
}
