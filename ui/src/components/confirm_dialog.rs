//! A confirmation that says plainly what cannot be undone.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct ConfirmProps {
    pub title: AttrValue,
    pub body: Html,
    pub confirm_label: AttrValue,
    pub on_confirm: Callback<()>,
    pub on_cancel: Callback<()>,
}

#[function_component(ConfirmDialog)]
pub fn confirm_dialog(p: &ConfirmProps) -> Html {
    let cancel = p.on_cancel.reform(|_: MouseEvent| ());
    let confirm = p.on_confirm.reform(|_: MouseEvent| ());
    let onkeydown = {
        let cancel = p.on_cancel.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Escape" {
                cancel.emit(());
            }
        })
    };
    html! {
        <div class="overlay" {onkeydown}>
            <div class="dialog dialog-small" role="alertdialog" aria-modal="true" aria-labelledby="confirm-title">
                <h2 id="confirm-title">{&p.title}</h2>
                <div class="dialog-body">{p.body.clone()}</div>
                <div class="dialog-actions">
                    <button class="btn" id="confirm-cancel" onclick={cancel}>{"Cancel"}</button>
                    <button class="btn btn-danger" id="confirm-ok" onclick={confirm} autofocus=true>{&p.confirm_label}</button>
                </div>
            </div>
        </div>
    }
}
