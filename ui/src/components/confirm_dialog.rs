//! A confirmation that says plainly what cannot be undone. Cancel has the focus when it opens: Enter
//! or Space pressed by habit must not destroy anything.

use crate::components::modal::Modal;
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
    html! {
        <Modal title={p.title.clone()} id="confirm-dialog" class="dialog-small" role="alertdialog"
               on_close={p.on_cancel.clone()} initial_focus="#confirm-cancel">
            <div class="dialog-body">{p.body.clone()}</div>
            <div class="dialog-actions">
                <button class="btn" id="confirm-cancel" onclick={cancel}>{"Cancel"}</button>
                <button class="btn btn-danger" id="confirm-ok" onclick={confirm}>{&p.confirm_label}</button>
            </div>
        </Modal>
    }
}
