//! Brief messages in the corner: successes, and errors with their hint.

use crate::shown::shown;
use keyden_protocol::ErrorReply;
use yew::prelude::*;

#[derive(Clone, PartialEq)]
pub struct Toast {
    pub text: String,
    pub hint: Option<String>,
    pub error: bool,
}

impl Toast {
    pub fn ok(text: impl Into<String>) -> Self {
        Toast { text: text.into(), hint: None, error: false }
    }

    pub fn error(e: ErrorReply) -> Self {
        Toast { text: e.message, hint: e.hint, error: true }
    }
}

#[derive(Properties, PartialEq)]
pub struct ToastHostProps {
    pub toasts: Vec<Toast>,
}

fn toast_view(t: &Toast) -> Html {
    html! {
        <div class={classes!("toast", t.error.then_some("toast-error"))}>
            <div>{shown(&t.text)}</div>
            if let Some(h) = &t.hint { <div class="toast-hint">{shown(h)}</div> }
        </div>
    }
}

/// Two live regions: successes are announced when the reader is idle, failures at once.
#[function_component(ToastHost)]
pub fn toast_host(props: &ToastHostProps) -> Html {
    html! {
        <div class="toasts">
            <div role="alert" aria-live="assertive" class="toast-stack">
                { for props.toasts.iter().filter(|t| t.error).map(toast_view) }
            </div>
            <div role="status" aria-live="polite" class="toast-stack">
                { for props.toasts.iter().filter(|t| !t.error).map(toast_view) }
            </div>
        </div>
    }
}
