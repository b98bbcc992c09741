//! A key's value: its redacted form, Reveal (an explicit, audited request — the one IPC reply that
//! carries a value) and Copy (the value goes from the keyring to the clipboard in the backend). A
//! revealed value lives only in this component's state and is dropped when hidden or the key changes.

use crate::components::toast::Toast;
use crate::context::AppContext;
use crate::hooks::run_command;
use crate::shown::shown;
use keyden_protocol::commands::*;
use keyden_protocol::{KeyRecord, KeyStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct SecretBoxProps {
    pub key_record: KeyRecord,
    /// A reveal or a copy was audited: the panel shows it.
    pub on_used: Callback<()>,
}

#[function_component(SecretBox)]
pub fn secret_box(p: &SecretBoxProps) -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let revealed = use_state(|| None::<String>);
    {
        let revealed = revealed.clone();
        use_effect_with(p.key_record.id.clone(), move |_| revealed.set(None));
    }
    let on_reveal = {
        let (revealed, id, toast, refresh) =
            (revealed.clone(), p.key_record.id.clone(), ctx.toast.clone(), p.on_used.clone());
        Callback::from(move |_: MouseEvent| {
            if revealed.is_some() {
                revealed.set(None);
                return;
            }
            let (revealed, refresh) = (revealed.clone(), refresh.clone());
            run_command(RevealKey { id: id.to_string() }, toast.clone(), move |r| {
                revealed.set(Some(r.value));
                refresh.emit(());
            });
        })
    };
    let on_copy = {
        let (id, toast, refresh) = (p.key_record.id.clone(), ctx.toast.clone(), p.on_used.clone());
        Callback::from(move |_: MouseEvent| {
            let (said, refresh) = (toast.clone(), refresh.clone());
            run_command(CopyKey { id: id.to_string() }, toast.clone(), move |r| {
                said.emit(Toast::ok(format!("Copied. The clipboard clears in {} s.", r.clears_in_seconds)));
                refresh.emit(());
            });
        })
    };
    let k = &p.key_record;
    let active = k.status == KeyStatus::Active;
    html! {
            <div class="secret-box">
            <code id="secret-value" class={classes!(revealed.is_some().then_some("revealed"))}>
                { revealed.as_deref().map(str::to_string).unwrap_or_else(|| shown(&k.redacted)) }
            </code>
            <div class="row">
                <button class="btn" id="reveal" onclick={on_reveal} disabled={!active || !k.has_secret}>{ if revealed.is_some() { "Hide" } else { "Reveal" } }</button>
                <button class="btn" id="copy" onclick={on_copy} disabled={!active || !k.has_secret}>{"Copy"}</button>
            </div>
            if !k.has_secret {
                <p class="muted small" id="mirrored-note">{format!("Mirrored from {}: the provider shows a secret only when it is created, so Keyden never held this one.", k.provider)}</p>
            } else if !active {
                <p class="muted small">{"A revoked key's secret is kept only for token diagnosis; it is never revealed, copied or injected again."}</p>
            }
        </div>
    }
}
