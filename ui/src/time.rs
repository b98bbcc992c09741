//! Dates as people read them, in the local time zone.

pub fn now() -> i64 {
    (js_sys::Date::now() / 1000.0) as i64
}

pub fn date(t: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(t as f64 * 1000.0));
    String::from(d.to_locale_string("default", &wasm_bindgen::JsValue::UNDEFINED))
}

/// "in 3 d", "2 h ago", "just now".
pub fn relative(t: i64, now: i64) -> String {
    let d = t - now;
    let a = d.unsigned_abs();
    let amount = match a {
        0..5 => return "just now".into(),
        5..60 => format!("{a} s"),
        60..3600 => format!("{} min", a / 60),
        3600..86_400 => format!("{} h", a / 3600),
        _ => format!("{} d", a / 86_400),
    };
    if d >= 0 {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}

/// Midnight UTC of a `YYYY-MM-DD` date input, or `None`.
pub fn parse_date_input(s: &str) -> Option<i64> {
    if s.is_empty() {
        return None;
    }
    let ms = js_sys::Date::parse(&format!("{s}T00:00:00Z"));
    (!ms.is_nan()).then(|| (ms / 1000.0) as i64)
}
