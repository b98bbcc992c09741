//! Inline SVG icons: they render the same on every OS, without icon fonts or emoji fonts.

use yew::prelude::*;

#[derive(Clone, Copy, PartialEq)]
pub enum Icon {
    Key,
    Settings,
    Search,
    Hourglass,
    Lock,
    Alert,
    Close,
    Plus,
    Scan,
    Cloud,
    Refresh,
    Pulse,
    File,
}

impl Icon {
    fn body(self) -> Html {
        match self {
            Icon::Key => {
                html! { <><circle cx="7.5" cy="15.5" r="5.5" /><path d="M11.5 11.5 21 2M16 7l3 3M18.5 4.5l2 2" /></> }
            }
            Icon::Settings => {
                html! { <path d="M4 21v-7M4 10V3M12 21v-9M12 8V3M20 21v-5M20 12V3M1 14h6M9 8h6M17 16h6" /> }
            }
            Icon::Search => {
                html! { <><circle cx="11" cy="11" r="7" /><path d="m21 21-4.3-4.3" /></> }
            }
            Icon::Hourglass => {
                html! { <path d="M6 2h12M6 22h12M7 2v4l5 6 5-6V2M7 22v-4l5-6 5 6v4" /> }
            }
            Icon::Lock => {
                html! { <><rect x="5" y="11" width="14" height="10" rx="2" /><path d="M8 11V7a4 4 0 0 1 8 0v4" /></> }
            }
            Icon::Alert => html! { <path d="M12 3 22 20H2ZM12 9v5M12 17h.01" /> },
            Icon::Close => html! { <path d="M18 6 6 18M6 6l12 12" /> },
            Icon::Plus => html! { <path d="M12 5v14M5 12h14" /> },
            Icon::Cloud => html! { <path d="M7 18a5 5 0 0 1-.6-9.96A6 6 0 0 1 18 9a4.5 4.5 0 0 1-.5 9Z" /> },
            Icon::Refresh => {
                html! { <path d="M21 12a9 9 0 0 1-15.5 6.2M3 12A9 9 0 0 1 18.5 5.8M18 2v4h-4M6 22v-4h4" /> }
            }
            Icon::Pulse => html! { <path d="M3 12h4l3-8 4 16 3-8h4" /> },
            Icon::File => {
                html! { <path d="M14 3H6a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2V9ZM14 3v6h6M8 13h8M8 17h5" /> }
            }
            Icon::Scan => {
                html! { <path d="M3 7V5a2 2 0 0 1 2-2h2M17 3h2a2 2 0 0 1 2 2v2M21 17v2a2 2 0 0 1-2 2h-2M7 21H5a2 2 0 0 1-2-2v-2M7 12h10M7 8h6M7 16h8" /> }
            }
        }
    }

    pub fn view(self) -> Html {
        self.sized("icon")
    }

    /// With another size class (`icon-lg` for empty states).
    pub fn sized(self, class: &'static str) -> Html {
        html! { <svg class={class} viewBox="0 0 24 24" aria-hidden="true">{ self.body() }</svg> }
    }
}
