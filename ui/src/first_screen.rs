//! The first screen the app hands the page before its scripts run (`FirstScreen` in the protocol):
//! read once at start, each half taken once by the part of the page that draws it. A later list or
//! settings read (a remount, a reload of the screen) goes over IPC as always: this data is never reused.

use keyden_protocol::{FirstScreen, KeyList, KeyQuery, Settings, FIRST_SCREEN_GLOBAL};
use std::cell::RefCell;

thread_local! {
    static FIRST: RefCell<(Option<Settings>, Option<KeyList>)> = RefCell::new(read());
}

/// Reads and deletes the global: whatever the page asks later, it asks the backend.
fn read() -> (Option<Settings>, Option<KeyList>) {
    let Some(window) = web_sys::window() else { return (None, None) };
    let key = wasm_bindgen::JsValue::from_str(FIRST_SCREEN_GLOBAL);
    let value = js_sys::Reflect::get(&window, &key).ok().filter(|v| !v.is_undefined());
    let _ = js_sys::Reflect::delete_property(&window, &key);
    match value.map(serde_wasm_bindgen::from_value::<FirstScreen>) {
        Some(Ok(first)) => (Some(first.settings), Some(first.list)),
        _ => (None, None),
    }
}

/// The settings, the first time they are asked for, if the app sent them.
pub fn take_settings() -> Option<Settings> {
    FIRST.with(|f| f.borrow_mut().0.take())
}

/// The first screenful of keys, the first time a list for exactly `query` is asked for.
pub fn take_list(query: &KeyQuery) -> Option<KeyList> {
    if *query != FirstScreen::query() {
        return None;
    }
    FIRST.with(|f| f.borrow_mut().1.take())
}
