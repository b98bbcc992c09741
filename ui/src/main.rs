//! Keyden's UI: Yew screens over the `ipc` bridge. It holds no secret beyond an explicit reveal, which
//! lives only in the detail panel's state until hidden.

mod app;
mod components;
mod context;
mod first_screen;
mod hooks;
mod ipc;
mod platform;
mod screens;
mod shown;
mod startup;
mod time;

fn main() {
    startup::mark("wasm-main");
    platform::mark();
    yew::Renderer::<app::App>::new().render();
}
