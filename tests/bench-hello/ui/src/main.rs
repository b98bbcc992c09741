//! One page that says hello, and reports its first painted frame exactly as Keyden's key list does.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn invoke(cmd: &str) -> Result<JsValue, JsValue>;
}

#[function_component(App)]
fn app() -> Html {
    use_effect_with((), |_| {
        let window = web_sys::window().expect("a window");
        let painted = Closure::once_into_js(|| {
            wasm_bindgen_futures::spawn_local(async {
                let _ = invoke("ready").await;
            });
        });
        let _ = window.request_animation_frame(painted.unchecked_ref());
    });
    html! { <main><h1>{"Hello, Tauri and Yew"}</h1></main> }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
