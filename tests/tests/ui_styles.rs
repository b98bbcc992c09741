//! The page's styles name only fonts every platform resolves without a search.
//!
//! WebKitGTK asks fontconfig for each family of a stack in turn until one is installed, once for every
//! size and weight the page uses, on the page's main thread before its first frame. With the old
//! stacks (six families for the text, seven for code, most of them absent on Linux), `perf` counted
//! 260–390 samples of fontconfig in the web process during start-up and the first list took 105–150 ms
//! to come back to the page; with these, 110–140 samples and 20–70 ms (a local build, launched
//! alternately, `KEYDEN_STARTUP_PROBE` traces). `system-ui` and `ui-monospace` are each platform's own
//! fonts (`ui-monospace` where WebKit knows it, macOS); the generic families cover the rest.

use std::path::Path;

/// What a `font-family` list may name.
const ALLOWED: &[&str] =
    &["system-ui", "ui-monospace", "sans-serif", "serif", "monospace", "inherit", "var(--sans)", "var(--mono)"];

/// Every font family list in `css`: `font-family:` values, the family part of `font:` shorthands and
/// the `--sans` and `--mono` tokens.
fn family_lists(css: &str) -> Vec<String> {
    let mut out = Vec::new();
    for declaration in css.split([';', '{', '}']) {
        let Some((property, value)) = declaration.split_once(':') else { continue };
        let (property, value) = (property.trim(), value.trim());
        match property {
            "font-family" | "--sans" | "--mono" => out.push(value.to_string()),
            // `font: 14px/1.45 system-ui, sans-serif`: the families follow the size.
            "font" if value != "inherit" => {
                let is_size = |t: &&str| {
                    t.starts_with(|c: char| c.is_ascii_digit())
                        && t.contains(|c: char| c.is_ascii_alphabetic() || c == '%')
                };
                let families = value.split_whitespace().skip_while(|t| !is_size(t)).skip(1);
                out.push(families.collect::<Vec<_>>().join(" "));
            }
            _ => {}
        }
    }
    out
}

#[test]
fn font_stacks_name_only_system_and_generic_families() {
    let styles = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/styles");
    let mut lists = Vec::new();
    for entry in std::fs::read_dir(&styles).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "css") {
            lists.extend(family_lists(&std::fs::read_to_string(&path).unwrap()));
        }
    }
    assert!(lists.len() >= 3, "the body's font, the --mono token and its uses are found: {lists:?}");
    for list in &lists {
        for family in list.split(',').map(str::trim) {
            assert!(
                ALLOWED.contains(&family),
                "{family:?} in `{list}`: name system-ui, ui-monospace or a generic family"
            );
        }
    }
}

/// On Linux the tokens name generic families only: WebKitGTK hands `system-ui` to fontconfig's alias
/// list and probes it family by family when its first is missing, and does not know `ui-monospace`
/// (ui/src/platform.rs).
#[test]
fn on_linux_the_tokens_name_generic_families_only() {
    let tokens =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/styles/tokens.css")).unwrap();
    let selector = ":root[data-platform=\"linux\"]";
    let rule = tokens.split_once(selector).expect("a rule for Linux").1;
    let rule = &rule[..rule.find('}').unwrap()];
    let lists = family_lists(rule);
    assert_eq!(lists.len(), 2, "--sans and --mono: {rule}");
    for family in lists.iter().flat_map(|l| l.split(',')).map(str::trim) {
        assert!(["sans-serif", "monospace"].contains(&family), "{family:?} in the Linux tokens: {rule}");
    }
}

#[test]
fn the_family_lists_are_read_from_every_form_they_take() {
    let css = "body { font: 14px/1.45 system-ui, \"Segoe UI\", sans-serif; } :root { --mono: Menlo, monospace; }\n\
               code { font-family: var(--mono); } input { font: inherit; } h1 { font: 600 20px serif; }";
    assert_eq!(family_lists(css), ["system-ui, \"Segoe UI\", sans-serif", "Menlo, monospace", "var(--mono)", "serif"]);
}
