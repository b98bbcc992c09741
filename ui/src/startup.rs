//! Where the page's start-up time goes: the instants of its first steps (navigation, wasm running, the
//! first list asked and answered, the frame that shows it), sent with `ui_ready`. The app prints them
//! when the start-up bench asks (`KEYDEN_STARTUP_PROBE`); otherwise they are dropped.

use keyden_protocol::StartupMark;
use std::cell::RefCell;

thread_local! {
    static MARKS: RefCell<Vec<StartupMark>> = const { RefCell::new(Vec::new()) };
}

/// Records `step` now, once: later calls with the same step (a second list) are ignored.
pub fn mark(step: &'static str) {
    MARKS.with(|m| {
        let mut m = m.borrow_mut();
        if m.len() < 16 && !m.iter().any(|x| x.step == step) {
            m.push(StartupMark { step: step.into(), epoch_ms: js_sys::Date::now() });
        }
    });
}

/// The marks so far, with the navigation's start (the page's time origin) first.
pub fn trace() -> Vec<StartupMark> {
    let origin = web_sys::window().and_then(|w| w.performance()).map(|p| p.time_origin());
    let mut out: Vec<StartupMark> =
        origin.map(|o| StartupMark { step: "navigation".into(), epoch_ms: o }).into_iter().collect();
    MARKS.with(|m| out.extend(m.borrow().iter().cloned()));
    out
}
