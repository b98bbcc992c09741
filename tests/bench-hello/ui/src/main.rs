//! One page that says hello, and reports its first painted frame exactly as Keyden's key list does.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

thread_local! {
    /// When the wasm started running (epoch ms), for the start-up trace.
    static MAIN: std::cell::Cell<f64> = const { std::cell::Cell::new(0.0) };
}

#[function_component(App)]
fn app() -> Html {
    use_effect_with((), |_| {
        let window = web_sys::window().expect("a window");
        let origin = window.performance().map(|p| p.time_origin()).unwrap_or_default();
        let painted = Closure::once_into_js(move || {
            // The same steps Keyden's page reports, those a page without a list has.
            let trace = format!("navigation={origin:.0} wasm-main={:.0} frame={:.0}", MAIN.get(), js_sys::Date::now());
            let args = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&args, &"trace".into(), &trace.into());
            wasm_bindgen_futures::spawn_local(async move {
                let _ = invoke("ready", args.into()).await;
            });
        });
        let _ = window.request_animation_frame(painted.unchecked_ref());
    });
    html! { <main><h1>{"Hello, Tauri and Yew"}</h1></main> }
}

fn main() {
    MAIN.set(js_sys::Date::now());
    yew::Renderer::<App>::new().render();
}
