//! Which desktop the page runs on, for the stylesheet: `data-platform="linux"` on the root element.
//!
//! Why: the type names `system-ui` and `ui-monospace`, the platform's own fonts in WKWebView (macOS)
//! and WebView2 (Windows). WebKitGTK hands `system-ui` to fontconfig's alias of that name (Cantarell,
//! Noto Sans UI, …) and, when its first family is not installed, then tries each family of that list
//! in turn; it does not know `ui-monospace` and does the same again. That is paid for every size and
//! weight of the page before its first frame: 212 font matches a size and weight against 91 for
//! `sans-serif`, 154 against 62 for `monospace` (FC_DEBUG=1 in WebKitGTK's MiniBrowser; the start-up
//! bench counts the app's, `scripts/startup-bench.sh`). On Linux the tokens name the generic families
//! (styles/tokens.css), which fontconfig resolves as the user's desktop configures them.

/// Marks the root before the first render, so the first style the page computes is the right one.
pub fn mark() {
    let Some(window) = web_sys::window() else { return };
    let agent = window.navigator().user_agent().unwrap_or_default();
    if let (Some(platform), Some(root)) = (platform(&agent), window.document().and_then(|d| d.document_element())) {
        let _ = root.set_attribute("data-platform", platform);
    }
}

/// WebKitGTK's user agent names Linux ("X11; Linux x86_64"); Android's does too, and is not a
/// platform Keyden runs on. (tests/tests/app_webdriver.rs checks the root and the fonts it gets.)
fn platform(user_agent: &str) -> Option<&'static str> {
    (user_agent.contains("Linux") && !user_agent.contains("Android")).then_some("linux")
}
