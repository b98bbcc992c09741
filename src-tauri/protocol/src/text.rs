//! Text that came from outside (a server, a token, a file, the keyring, another user) made safe to
//! show: one rule for the CLI's terminal output and the app's screens. Control characters (C0, C1,
//! DEL) could drive a terminal; format characters (Unicode Cf: bidi overrides, zero-width spaces) hide
//! or reorder what the reader sees. Both are shown as visible escapes instead.

use std::borrow::Cow;

/// Whether a character acts instead of showing: Unicode's control (Cc) and format (Cf) categories.
pub fn is_hidden(c: char) -> bool {
    c.is_control() || is_format(c)
}

/// Unicode's format characters (general category Cf, Unicode 15.1).
pub fn is_format(c: char) -> bool {
    matches!(c as u32,
        0x00AD | 0x0600..=0x0605 | 0x061C | 0x06DD | 0x070F | 0x0890..=0x0891 | 0x08E2 | 0x180E
        | 0x200B..=0x200F | 0x202A..=0x202E | 0x2060..=0x2064 | 0x2066..=0x206F | 0xFEFF | 0xFFF9..=0xFFFB
        | 0x110BD | 0x110CD | 0x13430..=0x1343F | 0x1BCA0..=0x1BCA3 | 0x1D173..=0x1D17A | 0xE0001
        | 0xE0020..=0xE007F)
}

/// One field shown on one line: every hidden character, line breaks included, as an escape
/// (`\n`, `\u{1b}`, `\u{202e}`).
pub fn escape(s: &str) -> Cow<'_, str> {
    escape_keeping(s, &[])
}

/// A whole block of text (a report Keyden composed around outside fields): the same escapes, but the
/// block's own line breaks and tabs stay as they are.
pub fn escape_block(s: &str) -> Cow<'_, str> {
    escape_keeping(s, &['\n', '\t'])
}

fn escape_keeping<'a>(s: &'a str, keep: &[char]) -> Cow<'a, str> {
    if !s.chars().any(|c| is_hidden(c) && !keep.contains(&c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            c if keep.contains(&c) => out.push(c),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if is_hidden(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_format_characters_are_shown_not_obeyed() {
        assert_eq!(escape("plain ✓ текст 🚀"), "plain ✓ текст 🚀");
        assert_eq!(escape("a\u{1b}[2Jb"), "a\\u{1b}[2Jb");
        assert_eq!(escape("evil\u{202e}txt.exe"), "evil\\u{202e}txt.exe");
        assert_eq!(escape("zero\u{200b}width\nline"), "zero\\u{200b}width\\nline");
        assert_eq!(escape("c1\u{9b}x del\u{7f}"), "c1\\u{9b}x del\\u{7f}");
        assert_eq!(escape("tag\u{e0041}"), "tag\\u{e0041}");
        assert_eq!(escape_block("two\nlines\tand \u{1b}]0;title\u{7}"), "two\nlines\tand \\u{1b}]0;title\\u{7}");
        assert_eq!(escape_block("cr\r"), "cr\\r");
    }
}
