//! What the screens share besides components: the hooks (`use_latest`) and `run_command`, the
//! send-a-command-and-toast-its-failure pattern.

use crate::components::toast::Toast;
use crate::ipc;
use keyden_protocol::commands::Command;
use std::cell::Cell;
use std::rc::Rc;
use yew::prelude::*;

/// Only the newest of overlapping requests may land (typing in a search box or the Inspector sends
/// one per key press, and their answers can arrive out of order).
#[derive(Clone)]
pub struct Latest(Rc<Cell<u64>>);

impl Latest {
    /// A new request starts: every earlier one is now stale.
    pub fn begin(&self) -> u64 {
        let next = self.0.get() + 1;
        self.0.set(next);
        next
    }

    /// Whether no request started after the one holding `ticket`.
    pub fn is_current(&self, ticket: u64) -> bool {
        self.0.get() == ticket
    }
}

#[hook]
pub fn use_latest() -> Latest {
    let counter = use_memo((), |_| Rc::new(Cell::new(0u64)));
    Latest((*counter).clone())
}

/// Sends `command` off the render path: its reply goes to `then`, a failure to the error toast.
pub fn run_command<C: Command + 'static>(command: C, toast: Callback<Toast>, then: impl FnOnce(C::Reply) + 'static) {
    wasm_bindgen_futures::spawn_local(async move {
        match ipc::invoke(command).await {
            Ok(reply) => then(reply),
            Err(e) => toast.emit(Toast::error(e)),
        }
    });
}
