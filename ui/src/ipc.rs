//! The bridge to the backend: `invoke` bound with `catch`, so a rejected command arrives as a typed
//! `ErrorReply` instead of a JS exception.

use keyden_protocol::commands::Command;
use keyden_protocol::ErrorReply;
use serde::{de::DeserializeOwned, Serialize};
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(catch, js_namespace = ["window", "__TAURI__", "core"], js_name = invoke)]
    async fn tauri_invoke(cmd: &str, args: JsValue) -> Result<JsValue, JsValue>;
}

fn bridge_error(message: String) -> ErrorReply {
    ErrorReply { code: "ipc".into(), message, hint: Some("restart Keyden; if it persists, report it".into()) }
}

/// Sends a typed command: its name, its arguments and its reply type all come from `protocol`.
pub async fn invoke<C: Command>(command: C) -> Result<C::Reply, ErrorReply> {
    #[derive(Serialize)]
    struct Wire<C> {
        args: C,
    }
    call(C::NAME, &Wire { args: command }).await
}

/// A plugin's command (`plugin:dialog|open`), whose types are the plugin's, not Keyden's.
pub async fn call<A: Serialize, R: DeserializeOwned>(cmd: &str, args: &A) -> Result<R, ErrorReply> {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let args = args.serialize(&serializer).map_err(|e| bridge_error(e.to_string()))?;
    match tauri_invoke(cmd, args).await {
        Ok(value) => serde_wasm_bindgen::from_value(value).map_err(|e| bridge_error(e.to_string())),
        Err(err) => Err(serde_wasm_bindgen::from_value::<ErrorReply>(err.clone())
            .unwrap_or_else(|_| bridge_error(err.as_string().unwrap_or_else(|| format!("{err:?}"))))),
    }
}
