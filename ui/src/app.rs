//! The shell: sidebar navigation, theme, toasts, and the screen in view.

use crate::components::icon::Icon;
use crate::components::toast::{Toast, ToastHost};
use crate::context::AppContext;
use crate::ipc;
use crate::screens::{
    accounts::AccountsScreen, env_files::EnvFilesScreen, inspector::InspectorScreen, keys::KeysScreen,
    settings::SettingsScreen,
};
use crate::shown::shown;
use keyden_protocol::commands::*;
use keyden_protocol::{ErrorReply, Settings, Theme};
use yew::prelude::*;

#[derive(Clone, Copy, PartialEq)]
enum Screen {
    Keys,
    Accounts,
    EnvFiles,
    Inspector,
    Settings,
}

thread_local! {
    /// Follows the OS's light/dark preference while the setting is "System".
    static OS_THEME: std::cell::RefCell<Option<gloo_events::EventListener>> = const { std::cell::RefCell::new(None) };
}

fn set_theme_attribute(dark: bool) {
    if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
        let _ = root.set_attribute("data-theme", if dark { "dark" } else { "light" });
    }
}

/// The stylesheet knows two palettes, chosen by `data-theme`; "System" is resolved here, and kept in
/// step with the OS while it is the setting.
fn apply_theme(theme: Theme) {
    let query = web_sys::window().and_then(|w| w.match_media("(prefers-color-scheme: dark)").ok().flatten());
    let os_dark = query.as_ref().is_some_and(|q| q.matches());
    set_theme_attribute(match theme {
        Theme::System => os_dark,
        Theme::Light => false,
        Theme::Dark => true,
    });
    let follow = match (theme, query) {
        (Theme::System, Some(q)) => {
            let watched = q.clone();
            Some(gloo_events::EventListener::new(&q, "change", move |_| set_theme_attribute(watched.matches())))
        }
        _ => None,
    };
    OS_THEME.with(|listener| *listener.borrow_mut() = follow);
}

#[function_component(App)]
pub fn app() -> Html {
    // The saved settings and theme from the first frame, when the app handed them to the page
    // (first_screen); otherwise the OS's theme until they arrive.
    let given = use_state(crate::first_screen::take_settings);
    use_state(|| apply_theme(given.as_ref().map_or(Theme::System, |s| s.theme)));
    let screen = use_state(|| Screen::Keys);
    let settings = use_state(|| (*given).clone().unwrap_or_default());
    let toasts = use_reducer(Toasts::default);
    let toast_seq = use_mut_ref(|| 0u32);

    {
        let settings = settings.clone();
        let given = given.is_some();
        use_effect_with((), move |_| {
            if given {
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(s) = ipc::invoke(GetSettings {}).await {
                    apply_theme(s.theme);
                    settings.set(s);
                }
            });
        });
    }

    // After the first paint, not before it: is there a keyring to keep secrets in? A first run on a
    // Linux box without a Secret Service gets a banner that says how to fix it.
    let keyring_problem = use_state(|| None::<ErrorReply>);
    {
        let keyring_problem = keyring_problem.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                gloo_timers::future::TimeoutFuture::new(300).await;
                if let Err(e) = ipc::invoke(KeyringStatus {}).await {
                    keyring_problem.set(Some(e));
                }
            });
        });
    }

    let toast = {
        let toasts = toasts.dispatcher();
        Callback::from(move |t: Toast| {
            let id = {
                let mut seq = toast_seq.borrow_mut();
                *seq += 1;
                *seq
            };
            toasts.dispatch(ToastAction::Push(id, t));
            let toasts = toasts.clone();
            gloo_timers::callback::Timeout::new(4_000, move || toasts.dispatch(ToastAction::Expire(id))).forget();
        })
    };

    // Applied at once (so a second change made before the save returns builds on the first), then
    // saved; the backend's answer (clamped values) wins, and a failed save reverts.
    let set_settings = {
        let settings = settings.clone();
        let toast = toast.clone();
        Callback::from(move |next: Settings| {
            let before = (*settings).clone();
            apply_theme(next.theme);
            settings.set(next.clone());
            let settings = settings.clone();
            let toast = toast.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(SetSettings { settings: next }).await {
                    Ok(saved) => {
                        apply_theme(saved.theme);
                        settings.set(saved);
                    }
                    Err(e) => {
                        apply_theme(before.theme);
                        settings.set(before);
                        toast.emit(Toast::error(e));
                    }
                }
            });
        })
    };

    let context = AppContext { settings: (*settings).clone(), set_settings, toast };
    let nav = |target: Screen, label: &'static str, icon: Icon| {
        let screen = screen.clone();
        let active = *screen == target;
        html! {
            <button class={classes!("nav-item", active.then_some("active"))} id={format!("nav-{}", label.to_lowercase().replace(' ', "-"))}
                    aria-current={active.then_some("page")}
                    onclick={Callback::from(move |_| screen.set(target))}>
                {icon.view()}{label}
            </button>
        }
    };

    html! {
        <ContextProvider<AppContext> context={context}>
            <div class="shell">
                <aside class="sidebar">
                    <div class="brand"><span class="brand-mark">{Icon::Key.view()}</span>{"Keyden"}</div>
                    <nav>
                        { nav(Screen::Keys, "Keys", Icon::Key) }
                        { nav(Screen::Accounts, "Accounts", Icon::Cloud) }
                        { nav(Screen::EnvFiles, "Env files", Icon::File) }
                        { nav(Screen::Inspector, "Inspector", Icon::Scan) }
                        { nav(Screen::Settings, "Settings", Icon::Settings) }
                    </nav>
                    <div class="sidebar-foot">
                        <kbd>{"Ctrl K"}</kbd>{" search"}<br/><kbd>{"Ctrl N"}</kbd>{" new key"}
                    </div>
                </aside>
                <main class="content">
                    if let Some(e) = &*keyring_problem {
                        <div class="keyring-banner" id="keyring-banner" role="alert">
                            {Icon::Alert.view()}
                            <div><strong>{"Keyden cannot reach the OS keyring, so it cannot store or read secrets. "}</strong>{shown(&e.message)}
                                if let Some(h) = &e.hint { <div class="small" id="keyring-fix">{shown(h)}</div> }
                                <div class="small muted">{"Everything else — the list, search, the Inspector — works meanwhile."}</div>
                            </div>
                        </div>
                    }
                    { match *screen {
                        Screen::Keys => html! { <KeysScreen /> },
                        Screen::Accounts => html! { <AccountsScreen /> },
                        Screen::EnvFiles => html! { <EnvFilesScreen /> },
                        Screen::Inspector => html! { <InspectorScreen /> },
                        Screen::Settings => html! { <SettingsScreen /> },
                    } }
                </main>
                <ToastHost toasts={toasts.shown.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>()} />
            </div>
        </ContextProvider<AppContext>>
    }
}

/// The toasts on screen. A reducer, not a state handle: the timer that removes a toast runs seconds
/// later and must act on the list as it is then, not as it was when the toast was pushed.
#[derive(Default, PartialEq)]
struct Toasts {
    shown: Vec<(u32, Toast)>,
}

enum ToastAction {
    Push(u32, Toast),
    Expire(u32),
}

impl Reducible for Toasts {
    type Action = ToastAction;

    fn reduce(self: std::rc::Rc<Self>, action: ToastAction) -> std::rc::Rc<Self> {
        let mut next = Toasts { shown: self.shown.clone() };
        match action {
            ToastAction::Push(id, t) => next.shown.push((id, t)),
            ToastAction::Expire(id) => next.shown.retain(|(i, _)| *i != id),
        }
        next.into()
    }
}
