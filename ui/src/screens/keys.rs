//! The key list: search, filters, sort, status badges, the detail panel beside it, and the shortcuts
//! (Ctrl/Cmd+K search, Ctrl/Cmd+N new key). Everything here works offline from the SQLite mirror.

use crate::components::create_dialog::CreateDialog;
use crate::components::icon::Icon;
use crate::components::key_filters::KeyFilters;
use crate::components::key_table::KeyTable;
use crate::components::toast::Toast;
use crate::context::AppContext;
use crate::ipc;
use crate::screens::key_detail::KeyDetailPanel;
use keyden_protocol::commands::*;
use keyden_protocol::{ErrorReply, FirstScreen, KeyList, KeyQuery, KeyRecord, Reminder};
use std::rc::Rc;
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

/// Keys asked of the backend (and put in the DOM) at a time; "Show more" asks for the next page.
const PAGE: usize = 100;
/// Keys asked for and rendered for the first paint: a screenful. The first page follows right after
/// that frame, so the window shows its list as soon as what fits on screen is ready.
const FIRST_PAINT_ROWS: usize = FirstScreen::ROWS as usize;

/// The list for `query` (its first `wanted` keys), loaded again whenever the query, `reload` or
/// `wanted` changes. Answers can arrive out of order while typing: only the newest request's lands.
#[hook]
fn use_key_list(
    query: KeyQuery,
    reload: u32,
    wanted: usize,
) -> (UseStateHandle<Option<Rc<KeyList>>>, UseStateHandle<Option<ErrorReply>>) {
    // The first screenful may already be in the page (first_screen): then the first render draws it and
    // the first request is not sent. Every later one is.
    let list = use_state(|| {
        let first = crate::first_screen::take_list(&KeyQuery { limit: Some(wanted as u32), ..query.clone() })?;
        crate::startup::mark("list-given");
        Some(Rc::new(first))
    });
    let given = use_mut_ref(|| list.is_some());
    let error = use_state(|| None::<ErrorReply>);
    let latest = crate::hooks::use_latest();
    {
        let (list, error) = (list.clone(), error.clone());
        use_effect_with((query, reload, wanted), move |(q, _, wanted)| {
            if std::mem::take(&mut *given.borrow_mut()) {
                return;
            }
            let q = KeyQuery { limit: Some(*wanted as u32), ..q.clone() };
            let ticket = latest.begin();
            wasm_bindgen_futures::spawn_local(async move {
                crate::startup::mark("list-asked");
                let result = ipc::invoke(ListKeys { query: q }).await;
                crate::startup::mark("list-answered");
                if !latest.is_current(ticket) {
                    return;
                }
                match result {
                    Ok(l) => {
                        list.set(Some(Rc::new(l)));
                        error.set(None);
                    }
                    Err(e) => error.set(Some(e)),
                }
            });
        });
    }
    (list, error)
}

#[function_component(KeysScreen)]
pub fn keys_screen() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let query = use_state(KeyQuery::default);
    let selected = use_state(|| None::<String>);
    let creating = use_state(|| false);
    let reload = use_state(|| 0u32);
    let search_ref = use_node_ref();
    // Rows rendered: thousands of keys stay searchable, but only a page of them is put in the DOM.
    let shown = use_state(|| FIRST_PAINT_ROWS);
    let rendered = use_state(|| FIRST_PAINT_ROWS);
    let painted = use_state(|| false);
    let reminders = use_state(Vec::<Reminder>::new);
    {
        let reminders = reminders.clone();
        use_effect_with((*reload, *painted), move |(_, painted)| {
            if !*painted {
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(r) = ipc::invoke(Reminders {}).await {
                    reminders.set(r);
                }
            });
        });
    }

    {
        // A new query starts again from the first page (not on mount: the first page is already asked).
        let (shown, mounted) = (shown.clone(), use_mut_ref(|| false));
        use_effect_with((*query).clone(), move |_| {
            if std::mem::replace(&mut *mounted.borrow_mut(), true) {
                shown.set(PAGE);
            }
        });
    }
    let (list, error) = use_key_list((*query).clone(), *reload, *shown);

    {
        let ready = list.is_some() || error.is_some();
        let (rendered, painted, shown_for_paint) = (rendered.clone(), painted.clone(), shown.clone());
        use_effect_with(ready, move |ready| {
            if *ready {
                // The rest of the page, and the work that can wait (reminders), once that frame is painted.
                let shown = shown_for_paint;
                mark_first_paint(move || {
                    rendered.set(usize::MAX);
                    painted.set(true);
                    if *shown < PAGE {
                        shown.set(PAGE);
                    }
                });
            }
        });
    }

    // Global shortcuts.
    {
        let (search_ref, creating) = (search_ref.clone(), creating.clone());
        use_effect_with((), move |_| {
            let document = web_sys::window().and_then(|w| w.document()).expect("a document");
            let listener = gloo_events::EventListener::new(&document, "keydown", move |e| {
                let e: &KeyboardEvent = wasm_bindgen::JsCast::unchecked_ref(e);
                if !(e.ctrl_key() || e.meta_key()) {
                    return;
                }
                match e.key().to_lowercase().as_str() {
                    "k" => {
                        e.prevent_default();
                        if let Some(input) = search_ref.cast::<HtmlInputElement>() {
                            let _ = input.focus();
                            input.select();
                        }
                    }
                    "n" => {
                        e.prevent_default();
                        creating.set(true);
                    }
                    _ => {}
                }
            });
            move || drop(listener)
        });
    }

    let on_search = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| {
            let v = e.target_unchecked_into::<HtmlInputElement>().value();
            query.set(KeyQuery { search: (!v.is_empty()).then_some(v), ..(*query).clone() });
        })
    };
    let on_query = {
        let query = query.clone();
        Callback::from(move |q: KeyQuery| query.set(q))
    };
    let clear_filters = {
        let (query, search_ref) = (query.clone(), search_ref.clone());
        Callback::from(move |_: ()| {
            if let Some(i) = search_ref.cast::<HtmlInputElement>() {
                i.set_value("");
            }
            query.set(KeyQuery { sort: query.sort, desc: query.desc, ..Default::default() });
        })
    };
    let open_create = {
        let creating = creating.clone();
        Callback::from(move |_: MouseEvent| creating.set(true))
    };
    let bump = {
        let reload = reload.clone();
        Callback::from(move |_: ()| reload.set(*reload + 1))
    };
    let on_created = {
        let (creating, selected, bump, toast) = (creating.clone(), selected.clone(), bump.clone(), ctx.toast.clone());
        Callback::from(move |k: KeyRecord| {
            creating.set(false);
            toast.emit(Toast::ok(format!("Saved '{}' to the keyring.", k.title)));
            selected.set(Some(k.id));
            bump.emit(());
        })
    };
    let on_deleted = {
        let (selected, bump) = (selected.clone(), bump.clone());
        Callback::from(move |_: ()| {
            selected.set(None);
            bump.emit(());
        })
    };

    let facets = list.as_ref().map(|l| l.facets.clone()).unwrap_or_default();
    // The badge counts the vault; a search or a filter that narrows it says how far: "1 of 5".
    let count = match list.as_ref().map(|l| l.matched) {
        Some(matched) if matched < facets.total => format!("{matched} of {}", facets.total),
        _ => facets.total.to_string(),
    };
    let soon_days = ctx.settings.expiring_soon_days;

    let body = match (&*list, &*error) {
        (_, Some(e)) => html! {
            <div class="empty" id="list-error">
                <div class="empty-icon">{Icon::Alert.sized("icon-lg")}</div>
                <h3>{&e.message}</h3>
                if let Some(h) = &e.hint { <p class="muted">{h}</p> }
            </div>
        },
        (None, None) => html! { <div class="empty muted">{"Opening the vault…"}</div> },
        (Some(l), None) if l.facets.total == 0 => html! {
            <div class="empty" id="empty-vault">
                <div class="empty-icon">{Icon::Lock.sized("icon-lg")}</div>
                <h3>{"Your vault is empty"}</h3>
                <p class="muted">{"Add an API key: its value goes into the OS keyring, its metadata stays here, searchable offline."}</p>
                <button class="btn btn-primary" onclick={open_create.clone()}>{"Add your first key"}</button>
            </div>
        },
        (Some(l), None) if l.keys.is_empty() => html! {
            <div class="empty" id="no-match">
                <div class="empty-icon">{Icon::Search.sized("icon-lg")}</div>
                <h3>{"No keys match"}</h3>
                <p class="muted">{format!("{} keys in the vault; none fits the search and filters.", l.facets.total)}</p>
                <button class="btn" onclick={clear_filters.reform(|_: MouseEvent| ())}>{"Clear search and filters"}</button>
            </div>
        },
        (Some(l), None) => html! { <>
            <KeyTable list={l.clone()} limit={*rendered} selected={(*selected).clone()} {soon_days}
                on_select={{ let selected = selected.clone(); Callback::from(move |id: String| selected.set(Some(id))) }} />
            if l.matched as usize > l.keys.len() {
                <div class="more">
                    <button class="btn" id="show-more" onclick={{ let shown = shown.clone(); Callback::from(move |_| shown.set(*shown + PAGE)) }}>
                        {format!("Show {} more of {}", (l.matched as usize - l.keys.len()).min(PAGE), l.matched as usize - l.keys.len())}
                    </button>
                </div>
            }
        </> },
    };

    html! {
        <div class={classes!("keys-screen", selected.is_some().then_some("with-detail"))}>
            <section class="list-pane">
                <header class="toolbar">
                    <div class="toolbar-row">
                        <h1>{"Keys"}<span class="count" id="key-count">{count}</span></h1>
                        <div class="search">
                            <span class="search-icon">{Icon::Search.view()}</span>
                            <input id="search" ref={search_ref} type="search" placeholder="Search title, provider or key prefix"
                                   oninput={on_search} aria-label="Search keys" spellcheck="false" />
                            <kbd>{"Ctrl K"}</kbd>
                        </div>
                        <button class="btn btn-primary" id="new-key" onclick={open_create} title="New key (Ctrl+N)">{Icon::Plus.view()}{"New key"}</button>
                    </div>
                    <KeyFilters query={(*query).clone()} facets={facets.clone()} on_change={on_query} on_clear={clear_filters} />
                </header>
                if !reminders.is_empty() {
                    <div class="reminders" id="reminders" role="status">
                        <strong>{format!("{} reminder{}", reminders.len(), if reminders.len() == 1 { "" } else { "s" })}</strong>
                        <ul>{ for reminders.iter().take(5).map(|r| html!{ <li>{&r.title}</li> }) }</ul>
                    </div>
                }
                <div class="list-body">{body}</div>
            </section>
            if let Some(id) = &*selected {
                <KeyDetailPanel id={id.clone()} on_changed={bump} on_deleted={on_deleted}
                    on_close={{ let selected = selected.clone(); Callback::from(move |_| selected.set(None)) }} />
            }
            if *creating {
                <CreateDialog providers={facets.providers.clone()} on_created={on_created}
                    on_cancel={{ let creating = creating.clone(); Callback::from(move |_| creating.set(false)) }} />
            }
        </div>
    }
}

/// Marks the first painted list on <body> (data-ready="list") so WebDriver can tell "window mapped"
/// from "keys on screen", and tells the backend (which reports it when the start-up probe is on).
/// Runs from an effect, so the list is in the DOM; the animation frame waits for it to be painted.
/// `then` runs after that frame has been painted (a timeout queued from the frame callback).
fn mark_first_paint(then: impl FnOnce() + 'static) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Some(body) = window.document().and_then(|d| d.body()) else {
        return;
    };
    if body.dataset().get("ready").is_some() {
        then();
        return;
    }
    // Yew's render is done: what follows until the frame is the browser's style, layout and paint.
    crate::startup::mark("in-dom");
    let painted = wasm_bindgen::closure::Closure::once_into_js(move || {
        let _ = body.dataset().set("ready", "list");
        crate::startup::mark("frame");
        wasm_bindgen_futures::spawn_local(async {
            let _ = ipc::invoke(UiReady { trace: crate::startup::trace() }).await;
        });
        gloo_timers::callback::Timeout::new(0, then).forget();
    });
    let _ = window.request_animation_frame(painted.unchecked_ref());
}
