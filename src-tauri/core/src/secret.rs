//! The secret value: redacts itself in `Debug`/`Display`, zeroizes on drop, and is validated once,
//! at the edge, so the rest of the core never sees a malformed one.

use zeroize::Zeroizing;

/// Large enough for any API key, client secret or PEM; small enough that a mistaken pipe of a file
/// is refused instead of stored.
pub const MAX_SECRET_BYTES: usize = 64 * 1024;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SecretError {
    #[error("the secret is empty")]
    Empty,
    #[error("the secret is {0} bytes; the limit is {MAX_SECRET_BYTES}")]
    TooLarge(usize),
    #[error("the secret contains a NUL byte at position {0}")]
    NulByte(usize),
    #[error("the secret is not valid UTF-8 text")]
    NotUtf8,
}

impl crate::Coded for SecretError {
    fn code(&self) -> &'static str {
        match self {
            SecretError::Empty => "secret_empty",
            SecretError::TooLarge(_) => "secret_too_large",
            SecretError::NulByte(_) => "secret_nul_byte",
            SecretError::NotUtf8 => "secret_not_utf8",
        }
    }

    fn hint(&self) -> Option<String> {
        Some(
            match self {
                SecretError::Empty => "paste the whole key; nothing was stored",
                SecretError::TooLarge(_) => "API keys are short; check that you piped the key and not a file",
                SecretError::NulByte(_) | SecretError::NotUtf8 => {
                    "API keys are text; check that you piped the key and not a binary file"
                }
            }
            .to_string(),
        )
    }
}

pub struct SecretValue(Zeroizing<String>);

impl SecretValue {
    /// Validates raw input: one trailing newline (`\n` or `\r\n`, as `echo` and editors add) and
    /// surrounding spaces are trimmed; empty, oversized, NUL-bearing or non-UTF-8 input is refused.
    pub fn from_input(raw: Vec<u8>) -> Result<Self, SecretError> {
        let raw = Zeroizing::new(raw);
        if raw.len() > MAX_SECRET_BYTES {
            return Err(SecretError::TooLarge(raw.len()));
        }
        if let Some(pos) = raw.iter().position(|b| *b == 0) {
            return Err(SecretError::NulByte(pos));
        }
        let text = std::str::from_utf8(&raw).map_err(|_| SecretError::NotUtf8)?;
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(SecretValue(Zeroizing::new(trimmed.to_string())))
    }

    /// For values that come back from the keyring or a provider's answer, trusted as they are.
    pub fn from_stored(value: String) -> Self {
        SecretValue(Zeroizing::new(value))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }

    /// First 6 + `…` + last 4 characters; short values show less so that most of them stays hidden.
    pub fn redacted(&self) -> String {
        let chars: Vec<char> = self.0.chars().collect();
        let n = chars.len();
        let (head, tail) = match n {
            0..=7 => (0, 0),
            8..=15 => (2, 2),
            16..=23 => (4, 2),
            _ => (6, 4),
        };
        // A character that would act on a terminal or reorder text shows as '?': the redacted form is
        // shown everywhere, and it is the secret's own text.
        let visible = |c: &char| if keyden_protocol::text::is_hidden(*c) { '?' } else { *c };
        let head: String = chars[..head].iter().map(visible).collect();
        let tail: String = chars[n - tail..].iter().map(visible).collect();
        format!("{head}…{tail}")
    }
}

impl std::fmt::Debug for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SecretValue(<redacted>)")
    }
}

impl std::fmt::Display for SecretValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trailing_newline_is_trimmed() {
        let s = SecretValue::from_input(b"sk_live_abc123\r\n".to_vec()).unwrap();
        assert_eq!(s.expose(), "sk_live_abc123");
    }

    #[test]
    fn nul_bytes_are_refused_with_their_position() {
        assert_eq!(SecretValue::from_input(b"abc\0def".to_vec()).unwrap_err(), SecretError::NulByte(3));
    }

    #[test]
    fn empty_and_whitespace_only_are_refused() {
        assert_eq!(SecretValue::from_input(b" \n".to_vec()).unwrap_err(), SecretError::Empty);
    }

    #[test]
    fn oversized_input_is_refused_before_parsing() {
        let err = SecretValue::from_input(vec![b'a'; MAX_SECRET_BYTES + 1]).unwrap_err();
        assert_eq!(err, SecretError::TooLarge(MAX_SECRET_BYTES + 1));
    }

    #[test]
    fn non_utf8_is_refused() {
        assert_eq!(SecretValue::from_input(vec![0xff, 0xfe, b'a']).unwrap_err(), SecretError::NotUtf8);
    }

    #[test]
    fn debug_and_display_never_show_the_value() {
        let s = SecretValue::from_input(b"sk_live_supersecretvalue".to_vec()).unwrap();
        assert!(!format!("{s:?} {s}").contains("supersecret"));
    }

    #[test]
    fn redacted_form_is_first_six_and_last_four() {
        let s = SecretValue::from_input(b"sk_live_0123456789abcdefWXYZ".to_vec()).unwrap();
        assert_eq!(s.redacted(), "sk_liv…WXYZ");
        let hostile =
            SecretValue::from_input("\u{1b}]0;x\u{7}_live_0123456789\u{202e}\u{9b}".as_bytes().to_vec()).unwrap();
        assert_eq!(hostile.redacted(), "?]0;x?…89??");
        let short = SecretValue::from_input(b"abc".to_vec()).unwrap();
        assert_eq!(short.redacted(), "…");
    }
}
