//! Environment files: open a `.env` and see each line for what it is — a reference (and whether it
//! resolves), a secret that an import would move into the vault, or a plain setting — then import it
//! with one click; and scan a folder for copies of vault secrets. Paths are picked with the system
//! dialog or typed. No value is ever shown here: secrets appear redacted, plain values not at all.

use crate::components::icon::Icon;
use crate::components::toast::Toast;
use crate::context::AppContext;
use crate::ipc;
use crate::shown::shown;
use keyden_protocol::commands::*;
use keyden_protocol::{EnvFileView, EnvLine, EnvLineClass, FindingKind, ImportAction, KeyStatus, ScanReport};
use serde::Serialize;
use web_sys::HtmlInputElement;
use yew::prelude::*;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DialogFilter {
    name: &'static str,
    extensions: Vec<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct DialogOptions {
    title: &'static str,
    directory: bool,
    filters: Vec<DialogFilter>,
}

#[derive(Serialize)]
struct DialogArgs {
    options: DialogOptions,
}

/// The system's own file or folder picker (tauri-plugin-dialog); `None` when cancelled.
async fn pick(directory: bool) -> Option<String> {
    let options = DialogOptions {
        title: if directory { "Folder to scan" } else { "Open a .env file" },
        directory,
        filters: Vec::new(),
    };
    ipc::call::<_, Option<String>>("plugin:dialog|open", &DialogArgs { options }).await.ok().flatten()
}

fn input_value(node: &NodeRef) -> String {
    node.cast::<HtmlInputElement>().map(|i| i.value()).unwrap_or_default()
}

#[function_component(EnvFilesScreen)]
pub fn env_files_screen() -> Html {
    let ctx = use_context::<AppContext>().expect("AppContext");
    let env_path = use_node_ref();
    let scan_path = use_node_ref();
    let file = use_state(|| None::<EnvFileView>);
    let busy = use_state(|| false);
    let scan = use_state(|| None::<ScanReport>);
    let scanning = use_state(|| false);

    let open = {
        let (file, toast) = (file.clone(), ctx.toast.clone());
        Callback::from(move |path: String| {
            let (file, toast) = (file.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(EnvFilePreview { path: path.to_string() }).await {
                    Ok(v) => file.set(Some(v)),
                    Err(e) => {
                        file.set(None);
                        toast.emit(Toast::error(e));
                    }
                }
            });
        })
    };
    let on_open = {
        let (open, env_path) = (open.clone(), env_path.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            open.emit(input_value(&env_path));
        })
    };
    let browse_file = {
        let (open, env_path) = (open.clone(), env_path.clone());
        Callback::from(move |_: MouseEvent| {
            let (open, env_path) = (open.clone(), env_path.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = pick(false).await {
                    if let Some(i) = env_path.cast::<HtmlInputElement>() {
                        i.set_value(&p);
                    }
                    open.emit(p);
                }
            });
        })
    };
    let on_import = {
        let (file, busy, toast) = (file.clone(), busy.clone(), ctx.toast.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(path) = file.as_ref().map(|f| f.path.clone()) else { return };
            busy.set(true);
            let (file, busy, toast) = (file.clone(), busy.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(EnvFileImport { path: path.to_string() }).await {
                    Ok(report) => {
                        let moved = report.file.lines.iter().filter(|l| moved(l)).count();
                        toast.emit(Toast::ok(format!(
                            "{moved} secret(s) moved into the vault; the file now holds keyden:// references."
                        )));
                        // Read it again: the lines now show the references just written.
                        match ipc::invoke(EnvFilePreview { path: path.to_string() }).await {
                            Ok(v) => file.set(Some(v)),
                            Err(e) => toast.emit(Toast::error(e)),
                        }
                    }
                    Err(e) => toast.emit(Toast::error(e)),
                }
                busy.set(false);
            });
        })
    };

    let run_scan = {
        let (scan, scanning, toast) = (scan.clone(), scanning.clone(), ctx.toast.clone());
        Callback::from(move |path: String| {
            scanning.set(true);
            let (scan, scanning, toast) = (scan.clone(), scanning.clone(), toast.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match ipc::invoke(ScanFolder { path: path.to_string() }).await {
                    Ok(r) => scan.set(Some(r)),
                    Err(e) => toast.emit(Toast::error(e)),
                }
                scanning.set(false);
            });
        })
    };
    let on_scan = {
        let (run_scan, scan_path) = (run_scan.clone(), scan_path.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            run_scan.emit(input_value(&scan_path));
        })
    };
    let browse_folder = {
        let (run_scan, scan_path) = (run_scan.clone(), scan_path.clone());
        Callback::from(move |_: MouseEvent| {
            let (run_scan, scan_path) = (run_scan.clone(), scan_path.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(p) = pick(true).await {
                    if let Some(i) = scan_path.cast::<HtmlInputElement>() {
                        i.set_value(&p);
                    }
                    run_scan.emit(p);
                }
            });
        })
    };

    let importable = file.as_ref().map_or(0, |f| f.lines.iter().filter(|l| importable(l)).count());
    html! {
        <div class="env-screen">
            <header class="toolbar"><div class="toolbar-row"><h1>{"Environment files"}</h1></div></header>
            <div class="env-body">
                <section class="env-card">
                    <h2>{Icon::File.view()}{".env file"}</h2>
                    <p class="muted small">{"Keyden reads the file and shows what each line holds. Importing moves its secrets into the vault and leaves keyden:// references in their place — every other byte of the file stays as it was; `keyden run -- your command` fills them in."}</p>
                    <form class="row path-row" onsubmit={on_open}>
                        <input id="env-path" ref={env_path} class="path-input" placeholder="/path/to/project/.env" spellcheck="false" />
                        <button type="button" class="btn" id="env-browse" onclick={browse_file}>{"Browse…"}</button>
                        <button type="submit" class="btn" id="env-open">{"Open"}</button>
                    </form>
                    if let Some(f) = &*file {
                        <div class="env-file" id="env-file" data-path={f.path.clone()}>
                            <div class="row env-file-head">
                                <code class="small">{&f.path}</code>
                                <span class="muted small">{format!("project “{}”", f.project)}</span>
                                <span class="spacer" />
                                <button class="btn btn-primary" id="env-import" disabled={importable == 0 || *busy} onclick={on_import}>
                                    {if importable == 0 { "Nothing to import".to_string() } else { format!("Import {importable} secret{}", if importable == 1 { "" } else { "s" }) }}
                                </button>
                            </div>
                            <table class="key-table env-lines">
                                <thead><tr><th>{"Line"}</th><th>{"Variable"}</th><th>{"Holds"}</th><th>{"Import"}</th></tr></thead>
                                <tbody>{ for f.lines.iter().map(line_row) }</tbody>
                            </table>
                        </div>
                    }
                </section>
                <section class="env-card">
                    <h2>{Icon::Scan.view()}{"Scan a folder"}</h2>
                    <p class="muted small">{"Finds copies of vault secrets before they are committed — by keyed fingerprint, without reading a secret from the keyring — and keys of known shapes the vault does not hold. Honours .gitignore, skips binaries. `keyden scan --install-hook` runs it before every commit."}</p>
                    <form class="row path-row" onsubmit={on_scan}>
                        <input id="scan-path" ref={scan_path} class="path-input" placeholder="/path/to/project" spellcheck="false" />
                        <button type="button" class="btn" id="scan-browse" onclick={browse_folder}>{"Browse…"}</button>
                        <button type="submit" class="btn" id="scan-run" disabled={*scanning}>{if *scanning { "Scanning…" } else { "Scan" }}</button>
                    </form>
                    if let Some(r) = &*scan { {scan_results(r)} }
                </section>
            </div>
        </div>
    }
}

fn importable(l: &EnvLine) -> bool {
    matches!(&l.class, EnvLineClass::Secret { action: ImportAction::Store { .. } | ImportAction::Reuse { .. }, .. })
}

fn moved(l: &EnvLine) -> bool {
    matches!(&l.class, EnvLineClass::Secret { action: ImportAction::Stored { .. } | ImportAction::Reuse { .. }, .. })
}

fn status_word(s: KeyStatus) -> &'static str {
    if s == KeyStatus::Revoked {
        "revoked"
    } else {
        "active"
    }
}

fn line_row(l: &EnvLine) -> Html {
    let broken = matches!(&l.class, EnvLineClass::Reference { problem: Some(_), .. });
    let (kind, holds, import) = match &l.class {
        EnvLineClass::Reference { key, resolves_to, problem } => {
            let holds = match (resolves_to, problem) {
                (Some(k), None) => {
                    html! { <>{"reference → "}<strong>{shown(&k.title)}</strong>{" "}<span class="badge badge-active">{"resolves"}</span></> }
                }
                (_, Some(p)) => html! { <>{format!("reference to “{key}”")}<div class="bad-text small">{p}</div></> },
                (None, None) => html! { {format!("reference to “{key}”")} },
            };
            ("reference", holds, html! { <span class="muted">{"—"}</span> })
        }
        EnvLineClass::Secret { redacted, why, action } => {
            let holds = html! { <><span class="badge badge-soon">{"secret"}</span><code class="redacted">{shown(redacted)}</code><div class="muted small">{why}</div></> };
            let import = match action {
                ImportAction::Store { title, .. } => html! { <>{"will be stored as “"}{title}{"”"}</> },
                ImportAction::Stored { key } => html! { <>{"stored as “"}{shown(&key.title)}{"”"}</> },
                ImportAction::Reuse { key } => {
                    html! { <>{"refers to “"}{shown(&key.title)}{"” (already in the vault)"}</> }
                }
                ImportAction::Skip { reason } => html! { <span class="bad-text">{"stays: "}{reason}</span> },
            };
            ("secret", holds, import)
        }
        EnvLineClass::Plain { note } => {
            let holds = html! { <span class="muted">{note.clone().unwrap_or_else(|| "plain value".into())}</span> };
            ("plain", holds, html! { <span class="muted">{"—"}</span> })
        }
    };
    html! {
        <tr class={classes!("env-line", kind, broken.then_some("broken"))} data-name={l.name.clone()} data-kind={kind}>
            <td class="muted">{l.line}</td>
            <td><code>{&l.name}</code></td>
            <td>{holds}</td>
            <td class="small">{import}</td>
        </tr>
    }
}

fn scan_results(r: &ScanReport) -> Html {
    let vault = r.vault_secrets();
    let summary = format!(
        "{} file(s) scanned, {} skipped (binary or too large). {}",
        r.files_scanned,
        r.files_skipped,
        match (vault, r.findings.len()) {
            (0, 0) => "No secrets found.".to_string(),
            (0, n) => format!("{n} key(s) of known shapes, none from the vault."),
            (v, _) => format!("{v} cop{} of vault secrets.", if v == 1 { "y" } else { "ies" }),
        }
    );
    html! {
        <div id="scan-results" class="scan-results" data-vault-findings={vault.to_string()}>
            <div class={classes!("scan-summary", (vault > 0).then_some("bad-text"))}>{summary}</div>
            if !r.findings.is_empty() {
                <table class="key-table">
                    <thead><tr><th>{"File"}</th><th>{"Line"}</th><th>{"Key"}</th><th>{"Redacted"}</th></tr></thead>
                    <tbody>
                        { for r.findings.iter().map(|f| {
                            let key = match &f.what {
                                FindingKind::VaultSecret { key } => html! {
                                    <><strong>{shown(&key.title)}</strong>{" "}
                                    <span class={classes!("badge", if key.status == KeyStatus::Revoked { "badge-revoked" } else { "badge-expired" })}>{format!("vault secret, {}", status_word(key.status))}</span></>
                                },
                                FindingKind::KnownShape { provider, description } => html! {
                                    <>{format!("{provider} {description} ")}<span class="badge badge-soon">{"not in the vault"}</span></>
                                },
                            };
                            html! {
                                <tr class="finding" data-path={f.path.clone()}>
                                    <td><code class="small">{&f.path}</code></td>
                                    <td>{f.line}</td>
                                    <td>{key}</td>
                                    <td><code class="redacted">{shown(&f.redacted)}</code></td>
                                </tr>
                            }
                        }) }
                    </tbody>
                </table>
            }
        </div>
    }
}
