//! `keyden://KEY` references, in a `.env` value and in `{{ keyden://KEY }}` templates. KEY is a key's
//! id or exact title, percent-decoded (`keyden://Stripe%20prod`), so any title can be written.

use super::EnvError;
use std::ops::Range;

pub const SCHEME: &str = "keyden://";

/// The key a value refers to; `None` when the value is not a reference (it then passes through).
pub fn parse(value: &str) -> Option<Result<String, EnvError>> {
    let rest = value.trim().strip_prefix(SCHEME)?;
    Some(decode(rest))
}

fn decode(encoded: &str) -> Result<String, EnvError> {
    let bad = |reason: &str| EnvError::BadReference { reference: format!("{SCHEME}{encoded}"), reason: reason.into() };
    let name = percent_encoding::percent_decode_str(encoded)
        .decode_utf8()
        .map_err(|_| bad("its percent-encoding does not decode to UTF-8 text"))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(bad("it names no key"));
    }
    Ok(name.to_string())
}

/// A reference written for a key: its id needs no encoding.
pub fn to_key(id: &str) -> String {
    format!("{SCHEME}{id}")
}

/// A template: literal text and `{{ keyden://KEY }}` placeholders, in order.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Text(Range<usize>),
    Reference { key: String, line: usize },
}

/// Splits a template. Only `{{ keyden://… }}` is a placeholder; any other `{{ … }}` is text, so
/// templates written for another engine keep their own syntax.
pub fn template(text: &str) -> Result<Vec<Piece>, EnvError> {
    let mut pieces = Vec::new();
    let mut at = 0;
    let mut search = 0;
    while let Some(found) = text[search..].find("{{") {
        let open = search + found;
        let inner_start = open + 2;
        let inner = text[inner_start..].trim_start();
        let Some(after_scheme) = inner.strip_prefix(SCHEME) else {
            search = inner_start;
            continue;
        };
        let line = text[..open].matches('\n').count() + 1;
        let Some(close) = after_scheme.find("}}") else {
            return Err(EnvError::Template {
                line,
                reason: "a {{ keyden://… placeholder is never closed with }}".into(),
            });
        };
        let encoded = &after_scheme[..close];
        if encoded.contains('\n') {
            return Err(EnvError::Template { line, reason: "a {{ keyden://… }} placeholder spans lines".into() });
        }
        let key = decode(encoded.trim_end()).map_err(|e| EnvError::Template { line, reason: e.to_string() })?;
        if at < open {
            pieces.push(Piece::Text(at..open));
        }
        pieces.push(Piece::Reference { key, line });
        let end = text.len() - after_scheme.len() + close + 2;
        at = end;
        search = end;
    }
    if at < text.len() {
        pieces.push(Piece::Text(at..text.len()));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_percent_decoded_and_trimmed() {
        assert_eq!(parse("keyden://key_0123").unwrap().unwrap(), "key_0123");
        assert_eq!(parse("keyden://Stripe%20prod").unwrap().unwrap(), "Stripe prod");
        assert_eq!(parse("keyden://Stripe prod ").unwrap().unwrap(), "Stripe prod");
        assert_eq!(parse("keyden://a=b#c").unwrap().unwrap(), "a=b#c");
        assert_eq!(parse("keyden://%F0%9F%94%91").unwrap().unwrap(), "🔑");
    }

    #[test]
    fn plain_values_are_not_references() {
        assert!(parse("sk_live_123").is_none());
        assert!(parse("https://keyden.dev").is_none());
        assert!(parse("KEYDEN://x").is_none());
    }

    #[test]
    fn empty_and_undecodable_references_are_refused() {
        assert!(parse("keyden://").unwrap().unwrap_err().to_string().contains("names no key"));
        assert!(parse("keyden://%20").unwrap().is_err());
        assert!(parse("keyden://%FF").unwrap().unwrap_err().to_string().contains("UTF-8"));
    }

    #[test]
    fn templates_split_into_text_and_references() {
        let t = "a: {{ keyden://One }}\nb: {{keyden://Two%20x}}{{ other }}\n";
        let pieces = template(t).unwrap();
        let shown: Vec<String> = pieces
            .iter()
            .map(|p| match p {
                Piece::Text(r) => format!("T({})", &t[r.clone()]),
                Piece::Reference { key, line } => format!("R({key}@{line})"),
            })
            .collect();
        assert_eq!(shown, ["T(a: )", "R(One@1)", "T(\nb: )", "R(Two x@2)", "T({{ other }}\n)"]);
    }

    #[test]
    fn an_unclosed_placeholder_names_its_line() {
        let e = template("ok\n{{ keyden://x\n").unwrap_err();
        assert!(e.to_string().contains("line 2"), "{e}");
    }
}
