//! Settings: clipboard clear delay, theme, reminders, "expiring soon" horizon. Saved through tauri-plugin-store.

use crate::context::AppContext;
use keyden_protocol::{Settings, Theme};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

#[function_component(SettingsScreen)]
pub fn settings_screen() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let s = ctx.settings.clone();
    let save = |f: fn(&mut Settings, String)| {
        let (s, set) = (s.clone(), ctx.set_settings.clone());
        Callback::from(move |v: String| {
            let mut next = s.clone();
            f(&mut next, v);
            set.emit(next);
        })
    };
    let on_seconds = save(|s, v| s.clipboard_clear_seconds = v.parse().unwrap_or(30))
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_days = save(|s, v| s.expiring_soon_days = v.parse().unwrap_or(14))
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().value());
    let on_reminders = save(|s, v| s.reminders = v == "true")
        .reform(|e: Event| e.target_unchecked_into::<HtmlInputElement>().checked().to_string());
    let on_theme = save(|s, v| {
        s.theme = match v.as_str() {
            "light" => Theme::Light,
            "dark" => Theme::Dark,
            _ => Theme::System,
        }
    })
    .reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value());
    html! {
        <div class="settings-screen">
            <header class="toolbar"><div class="toolbar-row"><h1>{"Settings"}</h1></div></header>
            <div class="settings-body">
                <label class="setting">
                    <div><strong>{"Clear clipboard after"}</strong><div class="muted small">{"Seconds a copied key stays on the clipboard (5–600). The CLI's `keyden copy` honours it too."}</div></div>
                    <input id="set-clipboard" type="number" min="5" max="600" value={s.clipboard_clear_seconds.to_string()} onchange={on_seconds} />
                </label>
                <label class="setting">
                    <div><strong>{"Theme"}</strong><div class="muted small">{"System follows your OS's light or dark mode."}</div></div>
                    <select id="set-theme" onchange={on_theme}>
                        <option value="system" selected={s.theme == Theme::System}>{"System"}</option>
                        <option value="light" selected={s.theme == Theme::Light}>{"Light"}</option>
                        <option value="dark" selected={s.theme == Theme::Dark}>{"Dark"}</option>
                    </select>
                </label>
                <label class="setting">
                    <div><strong>{"Reminders"}</strong><div class="muted small">{"A desktop notification when a key expires within the \"expiring soon\" days, or its last health check failed."}</div></div>
                    <input id="set-reminders" class="toggle" type="checkbox" checked={s.reminders} onchange={on_reminders} />
                </label>
                <label class="setting">
                    <div><strong>{"Expiring soon"}</strong><div class="muted small">{"Days before expiry a key is marked in the list."}</div></div>
                    <input id="set-soon" type="number" min="1" max="365" value={s.expiring_soon_days.to_string()} onchange={on_days} />
                </label>
            </div>
        </div>
    }
}
