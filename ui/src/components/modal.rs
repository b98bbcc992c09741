//! The one dialog frame every dialog uses: a modal over a dimmed page, titled for screen readers
//! (`aria-labelledby`), Escape to close, Tab kept inside while it is open, the first field (or the
//! element the dialog names) focused on opening, and focus handed back to whatever had it before.

use std::sync::atomic::{AtomicUsize, Ordering};
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement};
use yew::prelude::*;

/// What Tab can land on inside a dialog.
const FOCUSABLE: &str = "button:not([disabled]), [href], input:not([disabled]):not([type='hidden']), \
                         select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex='-1'])";

#[derive(Properties, PartialEq)]
pub struct ModalProps {
    pub title: AttrValue,
    /// The dialog element's id (tests and styles find it by this).
    #[prop_or_default]
    pub id: Option<AttrValue>,
    /// Extra classes beside `dialog` (`dialog-small`).
    #[prop_or_default]
    pub class: Classes,
    /// `alertdialog` for a confirmation that interrupts; `dialog` otherwise.
    #[prop_or(AttrValue::Static("dialog"))]
    pub role: AttrValue,
    /// Escape, and whatever else closes the dialog without acting.
    pub on_close: Callback<()>,
    /// With a submit handler the dialog is a `<form>` (Enter submits).
    #[prop_or_default]
    pub on_submit: Option<Callback<SubmitEvent>>,
    /// A CSS selector inside the dialog to focus first (e.g. Cancel in a destructive confirmation);
    /// without it, the first field or button.
    #[prop_or_default]
    pub initial_focus: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

fn focusables(root: &Element) -> Vec<HtmlElement> {
    let Ok(list) = root.query_selector_all(FOCUSABLE) else { return Vec::new() };
    (0..list.length()).filter_map(|i| list.get(i)?.dyn_into::<HtmlElement>().ok()).collect()
}

fn active_element() -> Option<HtmlElement> {
    web_sys::window()?.document()?.active_element()?.dyn_into::<HtmlElement>().ok()
}

#[function_component(Modal)]
pub fn modal(p: &ModalProps) -> Html {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let title_id = use_memo((), |_| format!("modal-title-{}", NEXT.fetch_add(1, Ordering::Relaxed)));
    let node = use_node_ref();

    // Focus in on opening, back out on closing.
    {
        let (node, initial) = (node.clone(), p.initial_focus.clone());
        use_effect_with((), move |_| {
            let before = active_element();
            if let Some(root) = node.cast::<Element>() {
                let wanted = initial.and_then(|sel| root.query_selector(&sel).ok().flatten());
                let target = wanted.and_then(|e| e.dyn_into::<HtmlElement>().ok());
                if let Some(el) = target.or_else(|| focusables(&root).into_iter().next()) {
                    let _ = el.focus();
                }
            }
            move || {
                if let Some(el) = before {
                    if el.is_connected() {
                        let _ = el.focus();
                    }
                }
            }
        });
    }

    let onkeydown = {
        let (node, close) = (node.clone(), p.on_close.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                e.prevent_default();
                e.stop_propagation();
                close.emit(());
                return;
            }
            // keyCode too: WebKit reports a synthesized Shift+Tab's key as "Unidentified".
            #[allow(deprecated)]
            let tab = e.key() == "Tab" || e.key_code() == 9;
            if !tab {
                return;
            }
            let Some(root) = node.cast::<Element>() else { return };
            let items = focusables(&root);
            if items.is_empty() {
                return;
            }
            // Every Tab is moved here, not only the ones at the ends: WebKit's own navigation can start
            // from the element focused before the dialog opened and leave it.
            e.prevent_default();
            let current = active_element();
            let at = current.and_then(|c| items.iter().position(|i| *i == c));
            let next = match (at, e.shift_key()) {
                (Some(i), false) => (i + 1) % items.len(),
                (Some(i), true) => (i + items.len() - 1) % items.len(),
                (None, false) => 0,
                (None, true) => items.len() - 1,
            };
            let _ = items[next].focus();
        })
    };

    let class = classes!("dialog", p.class.clone());
    let body = html! { <><h2 id={(*title_id).clone()}>{&p.title}</h2>{p.children.clone()}</> };
    let dialog = match &p.on_submit {
        Some(onsubmit) => html! {
            <form {class} id={p.id.clone()} role={p.role.clone()} aria-modal="true" aria-labelledby={(*title_id).clone()}
                  ref={node} onsubmit={onsubmit.clone()} autocomplete="off">{body}</form>
        },
        None => html! {
            <div {class} id={p.id.clone()} role={p.role.clone()} aria-modal="true" aria-labelledby={(*title_id).clone()}
                 ref={node}>{body}</div>
        },
    };
    html! { <div class="overlay" {onkeydown}>{dialog}</div> }
}
