//! The key table: one row per key, selectable by click or, once focused, by Enter or Space.

use crate::components::badge::{soon_marker, StatusBadge};
use crate::shown::shown;
use keyden_protocol::{KeyList, KeyStatus};
use std::rc::Rc;
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct KeyTableProps {
    pub list: Rc<KeyList>,
    /// Rows put in the DOM (a screenful for the first paint, then a page at a time).
    pub limit: usize,
    pub selected: Option<String>,
    pub on_select: Callback<String>,
    pub soon_days: u32,
}

#[function_component(KeyTable)]
pub fn key_table(p: &KeyTableProps) -> Html {
    let l = &p.list;
    html! {
        <table class="key-table" id="key-list" data-count={l.keys.len().to_string()}>
            <thead><tr>
                <th>{"Title"}</th><th>{"Provider"}</th><th class="col-wide">{"Environment"}</th><th class="col-wide">{"Type"}</th><th>{"Key"}</th><th>{"Status"}</th><th class="col-wide">{"Expires"}</th>
            </tr></thead>
            <tbody>
                { for l.keys.iter().take(p.limit).map(|k| {
                    let is_selected = p.selected.as_deref() == Some(k.id.as_str());
                    let onclick = p.on_select.reform({ let id = k.id.clone(); move |_: MouseEvent| id.clone() });
                    let onkeydown = {
                        let (select, id) = (p.on_select.clone(), k.id.clone());
                        Callback::from(move |e: KeyboardEvent| {
                            if e.key() == "Enter" || e.key() == " " {
                                e.prevent_default();
                                select.emit(id.clone());
                            }
                        })
                    };
                    html! {
                        <tr class={classes!("key-row", is_selected.then_some("selected"), (k.status == KeyStatus::Revoked).then_some("revoked"))}
                            data-id={k.id.clone()} data-title={k.title.clone()} {onclick} {onkeydown} tabindex="0"
                            aria-selected={is_selected.to_string()}>
                            <td class="title-cell"><div class="key-title" title={shown(&k.title)}>{shown(&k.title)}</div><div class="key-id">{&k.id}</div></td>
                            <td><span class="chip">{&k.provider}</span></td>
                            <td class="col-wide">{ if k.environment.is_empty() { html!{<span class="muted">{"—"}</span>} } else { html!{&k.environment} } }</td>
                            <td class="muted col-wide">{k.kind.label()}</td>
                            <td><code class="redacted">{shown(&k.redacted)}</code>
                                if !k.has_secret { <div class="small muted" title="Mirrored from its provider; Keyden never held the secret">{"mirrored"}</div> }
                            </td>
                            <td class="status-cell"><StatusBadge key_record={k.clone()} now={l.now} soon_days={p.soon_days} /></td>
                            <td class="muted col-wide">{
                                soon_marker(k, l.now, p.soon_days, "expires-soon").unwrap_or_else(|| {
                                    html! { k.expires_at.map(|e| crate::time::relative(e, l.now)).unwrap_or_else(|| "—".into()) }
                                })
                            }</td>
                        </tr>
                    }
                }) }
            </tbody>
        </table>
    }
}
