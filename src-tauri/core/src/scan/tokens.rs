//! Token-like runs in a file and the candidates they hold. A run is bounded by whitespace, quotes,
//! brackets and the like; inside it, `=`, `:`, `@`, `/`, `?`, `&` and `#` may separate a secret from
//! what surrounds it (`KEY=value`, `"key":"value"` splits at the quotes, `scheme://user:pass@host`),
//! so the candidates are the run and its pieces between those separators.

use super::index::MIN_SCANNED_CHARS;
use crate::inspect::recognize;
use keyden_protocol::{FindingKind, TokenKind};
use std::ops::Range;

const fn token_table() -> [bool; 256] {
    let mut t = [true; 256];
    let stops = b" \t\r\n\x0b\x0c\0\"'`()[]{}<>,;|\\";
    let mut i = 0;
    while i < stops.len() {
        t[stops[i] as usize] = false;
        i += 1;
    }
    let mut c = 0;
    while c < 0x20 {
        t[c] = false;
        c += 1;
    }
    t[0x7f] = false;
    t
}

static TOKEN_BYTE: [bool; 256] = token_table();
const SEPARATORS: &[u8] = b"=:@/?&#";
/// Separators considered per run; a long URL with dozens of slashes adds nothing but work.
const MAX_SEPARATORS: usize = 8;

/// Runs of token bytes long enough to hold a scanned secret.
pub fn tokens(bytes: &[u8]) -> impl Iterator<Item = Range<usize>> + '_ {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < bytes.len() {
            while at < bytes.len() && !TOKEN_BYTE[bytes[at] as usize] {
                at += 1;
            }
            let start = at;
            while at < bytes.len() && TOKEN_BYTE[bytes[at] as usize] {
                at += 1;
            }
            if at - start >= MIN_SCANNED_CHARS {
                return Some(start..at);
            }
        }
        None
    })
}

/// Offers `f` the run itself and every piece of it between separators (and without a sentence's
/// final dot), until `f` answers. No allocation: this runs for every token of every file.
pub fn find_candidate<T>(
    bytes: &[u8],
    token: &Range<usize>,
    mut f: impl FnMut(Range<usize>) -> Option<T>,
) -> Option<T> {
    let run = &bytes[token.clone()];
    let mut seps = [0usize; MAX_SEPARATORS];
    let mut n = 0;
    for (i, b) in run.iter().enumerate() {
        if n == MAX_SEPARATORS {
            break;
        }
        if SEPARATORS.contains(b) {
            seps[n] = i;
            n += 1;
        }
    }
    let trailing_dot = run.ends_with(b".").then(|| run.len() - 1);
    let base = token.start;
    for s in std::iter::once(0).chain(seps[..n].iter().map(|p| p + 1)) {
        for e in std::iter::once(run.len()).chain(seps[..n].iter().copied()).chain(trailing_dot) {
            if e >= s + MIN_SCANNED_CHARS {
                if let Some(found) = f(base + s..base + e) {
                    return Some(found);
                }
            }
        }
    }
    None
}

/// A key of a known shape (the Inspector's prefix table) in the run, publishable keys excepted: they
/// are public by design.
pub fn known_shape(run: &[u8]) -> Option<(FindingKind, Range<usize>)> {
    let starts = std::iter::once(0).chain(
        run.iter().enumerate().filter(|(_, b)| matches!(b, b'=' | b':')).map(|(i, _)| i + 1).take(MAX_SEPARATORS),
    );
    for start in starts {
        if !run.get(start).is_some_and(|b| recognize::may_start_opaque_key(*b)) {
            continue;
        }
        let Ok(text) = std::str::from_utf8(&run[start..]) else { continue };
        let text = text.trim_end_matches('.');
        let Some(TokenKind::OpaqueKey { provider, kind, .. }) = recognize::opaque_kind(text) else { continue };
        let body = text.trim_start_matches(|c: char| c != '_' && c != '-');
        let realistic = text.len() >= 20
            && body.len() >= 12
            && text.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if realistic && !kind.contains("publishable") {
            return Some((FindingKind::KnownShape { provider, description: kind }, start..start + text.len()));
        }
    }
    None
}

/// First 6 + `…` + last 4, as the vault redacts.
pub fn redact(candidate: &[u8]) -> String {
    crate::secret::SecretValue::from_stored(String::from_utf8_lossy(candidate).into_owned()).redacted()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn candidates(src: &[u8], token: &Range<usize>) -> Vec<String> {
        let mut all = Vec::new();
        find_candidate(src, token, |r| {
            all.push(String::from_utf8_lossy(&src[r]).into_owned());
            None::<()>
        });
        all
    }

    fn texts(bytes: &[u8]) -> Vec<String> {
        tokens(bytes).map(|r| String::from_utf8_lossy(&bytes[r]).into_owned()).collect()
    }

    #[test]
    fn runs_stop_at_spaces_quotes_and_brackets() {
        let src = b"let k = \"sk_live_abcdefgh\"; f(ghp_0123456789) {short} KEY=tok_12345678\n";
        assert_eq!(texts(src), ["sk_live_abcdefgh", "ghp_0123456789", "KEY=tok_12345678"]);
    }

    #[test]
    fn candidates_include_the_pieces_between_separators() {
        let src = b"postgres://admin:hunter2hunter2@db.example.com/app.";
        let token = tokens(src).next().unwrap();
        let all = candidates(src, &token);
        assert!(all.contains(&"hunter2hunter2".to_string()), "{all:?}");
        let src = b"API_KEY=c2VjcmV0/c2VjcmV0==";
        let token = tokens(src).next().unwrap();
        let all = candidates(src, &token);
        assert!(all.contains(&"c2VjcmV0/c2VjcmV0==".to_string()), "{all:?}");
    }

    #[test]
    fn known_shapes_are_found_and_publishable_keys_and_examples_are_not() {
        let shape = |s: &str| known_shape(s.as_bytes()).map(|(k, r)| (k, s[r].to_string()));
        let (kind, text) = shape("STRIPE=sk_live_51H8abcdefghijklmnop").unwrap();
        assert_eq!(text, "sk_live_51H8abcdefghijklmnop");
        assert!(matches!(kind, FindingKind::KnownShape { provider, .. } if provider == "stripe"));
        assert!(shape("pk_live_51H8abcdefghijklmnop").is_none());
        assert!(shape("sk_live_xxx").is_none());
        assert!(shape("sk_live_<your-key>").is_none());
    }
}
