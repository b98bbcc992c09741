//! Dates as people read them, in the local time zone.

pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

pub fn date(t: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t as f64 * 1000.0));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

pub use keyden_protocol::relative_time as relative;

/// Midnight UTC of a `YYYY-MM-DD` date input, or `None`.
pub fn parse_date_input(s: &str) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    let ms = js_sys::Date::parse(&format!("{s}T00:00:00Z"));
    (!ms.is_nan()).then(|| (ms / 1000.0) as i64)
}
