//! Input rules for key metadata, checked before anything is written.

use super::VaultError;
use keyden_protocol::text::is_format;
use unicode_normalization::UnicodeNormalization;

pub const MAX_TITLE_CHARS: usize = 200;
pub const MAX_FIELD_CHARS: usize = 200;
pub const MAX_NOTES_CHARS: usize = 10_000;

fn invalid(field: &'static str, reason: impl Into<String>) -> VaultError {
    VaultError::InvalidInput { field, reason: reason.into() }
}

/// A title is one line of 1–200 characters; emoji and any script are welcome.
pub fn title(raw: &str) -> Result<String, VaultError> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(invalid("title", "a title is required"));
    }
    if t.chars().any(|c| c == '\n' || c == '\r') {
        return Err(invalid("title", "a title is one line; it contains a line break"));
    }
    if t.chars().any(char::is_control) {
        return Err(invalid("title", "the title contains a control character"));
    }
    if let Some(c) = t.chars().find(|c| is_format(*c)) {
        return Err(invalid("title", invisible(c)));
    }
    let n = t.chars().count();
    if n > MAX_TITLE_CHARS {
        return Err(invalid("title", format!("the title is {n} characters; the limit is {MAX_TITLE_CHARS}")));
    }
    Ok(t.nfc().collect())
}

/// Invisible characters (bidi overrides, zero-width spaces) would make two names that look alike
/// differ, or make one look like another.
fn invisible(c: char) -> String {
    format!("it contains an invisible formatting character (U+{:04X}); type it without", c as u32)
}

/// Short single-line labels: account, environment, owner.
pub fn label(field: &'static str, raw: &str) -> Result<String, VaultError> {
    let t = raw.trim();
    if t.chars().any(char::is_control) {
        return Err(invalid(field, "must be one line without control characters"));
    }
    if let Some(c) = t.chars().find(|c| is_format(*c)) {
        return Err(invalid(field, invisible(c)));
    }
    let n = t.chars().count();
    if n > MAX_FIELD_CHARS {
        return Err(invalid(field, format!("{n} characters; the limit is {MAX_FIELD_CHARS}")));
    }
    Ok(t.nfc().collect())
}

/// Providers are slugs (`medusa`, `shopify`, `stripe`), so filters and the one-active rule compare
/// them exactly; empty means `generic`.
pub fn provider(raw: &str) -> Result<String, VaultError> {
    let t = raw.trim().to_lowercase();
    if t.is_empty() {
        return Ok("generic".to_string());
    }
    if t.len() > 40 || !t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Err(invalid(
            "provider",
            "use a short name of letters, digits, '-', '_' or '.' (e.g. medusa, shopify, stripe)",
        ));
    }
    Ok(t)
}

pub fn notes(raw: &str) -> Result<String, VaultError> {
    let n = raw.chars().count();
    if n > MAX_NOTES_CHARS {
        return Err(invalid("notes", format!("{n} characters; the limit is {MAX_NOTES_CHARS}")));
    }
    if raw.chars().any(|c| c.is_control() && c != '\n' && c != '\t' && c != '\r') {
        return Err(invalid("notes", "the notes contain a control character"));
    }
    Ok(raw.trim_end().to_string())
}

/// A health-probe URL: http(s), no credentials in it (the key goes in the header).
pub fn probe_url(raw: &str) -> Result<(), VaultError> {
    let url = reqwest::Url::parse(raw).map_err(|e| invalid("probe url", format!("{raw:?} is not a URL: {e}")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(invalid("probe url", "only http:// and https:// URLs"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid("probe url", "no credentials in the URL; the header carries the key"));
    }
    Ok(())
}

/// A health-probe header: one `Name: value` line with `{key}` where the key's value goes, so the value
/// itself is never stored here.
pub fn probe_header(raw: &str) -> Result<(), VaultError> {
    let Some((name, value)) = raw.split_once(':') else {
        return Err(invalid("probe header", "write it as `Name: value`, e.g. `Authorization: Bearer {key}`"));
    };
    if name.trim().is_empty() || !name.trim().bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(invalid("probe header", format!("{:?} is not a header name", name.trim())));
    }
    if !value.contains("{key}") {
        return Err(invalid("probe header", "the value must contain {key}, where the key's value goes"));
    }
    if raw.chars().any(char::is_control) || raw.len() > 1000 {
        return Err(invalid("probe header", "one line of at most 1000 characters"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_with_emoji_are_kept_and_trimmed() {
        assert_eq!(title("  Stripe 🔑 prod ").unwrap(), "Stripe 🔑 prod");
    }

    #[test]
    fn titles_that_are_empty_long_or_multiline_are_refused() {
        assert!(matches!(title("   "), Err(VaultError::InvalidInput { field: "title", .. })));
        assert!(title(&"x".repeat(10_000)).unwrap_err().to_string().contains("10000 characters"));
        assert!(title("a\nb").unwrap_err().to_string().contains("line break"));
        assert!(title("a\u{7}b").is_err());
    }

    #[test]
    fn invisible_characters_are_refused_and_names_are_compared_in_nfc() {
        for raw in ["prod\u{200b}", "evil\u{202e}gpj", "soft\u{ad}hyphen"] {
            assert!(label("environment", raw).unwrap_err().to_string().contains("invisible"), "{raw:?}");
            assert!(title(raw).is_err(), "{raw:?}");
        }
        // "é" typed as one character or as e + a combining accent is one name.
        assert_eq!(label("account", "caf\u{65}\u{301}").unwrap(), label("account", "caf\u{e9}").unwrap());
        assert_eq!(title("Cafe\u{301}").unwrap(), "Caf\u{e9}");
    }

    #[test]
    fn provider_is_a_lowercase_slug() {
        assert_eq!(provider("Medusa").unwrap(), "medusa");
        assert_eq!(provider("").unwrap(), "generic");
        assert!(provider("my provider").is_err());
    }
}
