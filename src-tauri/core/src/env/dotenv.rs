//! dotenv files as people write them: `KEY=VALUE`, `export `, `#` comments, blank lines, single quotes
//! (literal), double quotes (escapes), backticks (literal), values over several lines inside quotes,
//! inline ` # comments` after unquoted values, CRLF line ends and a UTF-8 byte-order mark.
//!
//! The parser keeps each value's byte range in the text, so `env import` can replace one value and
//! leave every other byte as it was, and every error says the line and column. Values are taken
//! literally: no `${VAR}` expansion (Keyden passes such text through for the program to expand).
//!
//! No crate on crates.io both parses this syntax and reports positions (dotenvy, the best kept, gives
//! values only), hence this small module.

use std::ops::Range;
use zeroize::Zeroizing;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Quote {
    None,
    Single,
    Double,
    Backtick,
}

/// One `NAME=value` assignment.
#[derive(Debug, PartialEq, Eq)]
pub struct Entry {
    /// 1-based line of the assignment's name.
    pub line: usize,
    pub name: String,
    /// The value as the program sees it (quotes removed, escapes applied).
    pub value: Zeroizing<String>,
    /// Where the value's text sits in the file, inside its quotes.
    pub raw: Range<usize>,
    pub quote: Quote,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}, column {column}: {reason}")]
pub struct SyntaxError {
    pub line: usize,
    pub column: usize,
    pub reason: String,
}

const BOM: &str = "\u{feff}";

/// Parses a whole file. Later assignments of the same name are kept too (the last one wins when the
/// file is applied, as in a shell).
pub fn parse(text: &str) -> Result<Vec<Entry>, SyntaxError> {
    Parser { text, bytes: text.as_bytes(), pos: if text.starts_with(BOM) { BOM.len() } else { 0 }, line: 1 }.run()
}

/// The text with each range replaced by its new value; every other byte kept.
pub fn rewrite(text: &str, replacements: &[(Range<usize>, String)]) -> Zeroizing<String> {
    let mut sorted: Vec<&(Range<usize>, String)> = replacements.iter().collect();
    sorted.sort_by_key(|(r, _)| r.start);
    let mut out = Zeroizing::new(String::with_capacity(text.len()));
    let mut at = 0;
    for (range, new) in sorted {
        out.push_str(&text[at..range.start]);
        out.push_str(new);
        at = range.end;
    }
    out.push_str(&text[at..]);
    out
}

struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
}

impl Parser<'_> {
    fn run(mut self) -> Result<Vec<Entry>, SyntaxError> {
        let mut entries = Vec::new();
        loop {
            self.skip_blanks();
            match self.peek() {
                None => return Ok(entries),
                Some(b'\n') => self.newline(),
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    self.pos += 1;
                    self.newline();
                }
                // A last line that ends in a lone CR.
                Some(b'\r') if self.peek_at(1).is_none() => self.pos += 1,
                Some(b'#') => self.skip_to_eol(),
                Some(_) => entries.push(self.assignment()?),
            }
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.bytes.get(self.pos + ahead).copied()
    }

    fn newline(&mut self) {
        self.pos += 1;
        self.line += 1;
    }

    /// Spaces and tabs; true when there were any.
    fn skip_blanks(&mut self) -> bool {
        let start = self.pos;
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
        self.pos > start
    }

    fn skip_to_eol(&mut self) {
        while !matches!(self.peek(), None | Some(b'\n')) {
            self.pos += 1;
        }
    }

    /// Whether the cursor is at a line end (`\n`, `\r\n`) or the end of the text.
    fn at_eol(&self) -> bool {
        match self.peek() {
            None | Some(b'\n') => true,
            Some(b'\r') => matches!(self.peek_at(1), None | Some(b'\n')),
            _ => false,
        }
    }

    fn error(&self, reason: impl Into<String>) -> SyntaxError {
        let line_start = self.text[..self.pos].rfind('\n').map_or(0, |i| i + 1);
        let line_start = if line_start == 0 && self.text.starts_with(BOM) { BOM.len() } else { line_start };
        let column = self.text[line_start..self.pos].chars().count() + 1;
        SyntaxError { line: self.line, column, reason: reason.into() }
    }

    fn assignment(&mut self) -> Result<Entry, SyntaxError> {
        let line = self.line;
        if self.text[self.pos..].starts_with("export") && matches!(self.peek_at(6), Some(b' ' | b'\t')) {
            self.pos += 6;
            self.skip_blanks();
        }
        let name = self.name()?;
        self.skip_blanks();
        if self.peek() != Some(b'=') {
            return Err(self.error(format!("expected '=' after {name}")));
        }
        self.pos += 1;
        let blank_before = self.skip_blanks();
        let (value, raw, quote) = match self.peek() {
            Some(q @ (b'\'' | b'`')) => self.literal(q)?,
            Some(b'"') => self.double_quoted()?,
            Some(b'#') if blank_before => {
                self.skip_to_eol();
                (Zeroizing::new(String::new()), self.pos..self.pos, Quote::None)
            }
            _ => self.unquoted(),
        };
        if quote != Quote::None {
            self.skip_blanks();
            if self.peek() == Some(b'#') {
                self.skip_to_eol();
            } else if !self.at_eol() {
                return Err(self.error("unexpected text after the closing quote (quote the whole value)"));
            }
        }
        Ok(Entry { line, name, value, raw, quote })
    }

    fn name(&mut self) -> Result<String, SyntaxError> {
        let start = self.pos;
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => self.pos += 1,
            _ => {
                return Err(self.error("expected a variable name (letters, digits and '_', not starting with a digit)"))
            }
        }
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-')) {
            self.pos += 1;
        }
        Ok(self.text[start..self.pos].to_string())
    }

    /// `'…'` or `` `…` ``: everything up to the same quote, line breaks included, taken as it is.
    fn literal(&mut self, quote: u8) -> Result<(Zeroizing<String>, Range<usize>, Quote), SyntaxError> {
        let (open_line, open_at) = (self.line, self.pos);
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek() {
                None => {
                    self.pos = open_at;
                    self.line = open_line;
                    return Err(self.error(format!("the quote {} opened here is never closed", quote as char)));
                }
                Some(c) if c == quote => break,
                Some(b'\n') => self.newline(),
                Some(_) => self.pos += 1,
            }
        }
        let raw = start..self.pos;
        self.pos += 1;
        let kind = if quote == b'\'' { Quote::Single } else { Quote::Backtick };
        Ok((Zeroizing::new(self.text[raw.clone()].to_string()), raw, kind))
    }

    /// `"…"`: `\n`, `\r`, `\t`, `\"`, `\\` and `\$` are escapes; any other backslash stays as written.
    fn double_quoted(&mut self) -> Result<(Zeroizing<String>, Range<usize>, Quote), SyntaxError> {
        let (open_line, open_at) = (self.line, self.pos);
        self.pos += 1;
        let start = self.pos;
        let mut value = Zeroizing::new(String::new());
        loop {
            let rest = &self.text[self.pos..];
            let Some(c) = rest.chars().next() else {
                self.pos = open_at;
                self.line = open_line;
                return Err(self.error("the double quote opened here is never closed"));
            };
            match c {
                '"' => break,
                '\\' => {
                    let next = rest[1..].chars().next();
                    let (decoded, width) = match next {
                        Some('n') => ("\n", 2),
                        Some('r') => ("\r", 2),
                        Some('t') => ("\t", 2),
                        Some('"') => ("\"", 2),
                        Some('\\') => ("\\", 2),
                        Some('$') => ("$", 2),
                        _ => ("\\", 1),
                    };
                    value.push_str(decoded);
                    self.pos += width;
                }
                '\n' => {
                    value.push('\n');
                    self.newline();
                }
                c => {
                    value.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
        let raw = start..self.pos;
        self.pos += 1;
        Ok((value, raw, Quote::Double))
    }

    /// To the line end; a `#` after a space or tab starts a comment; surrounding blanks are not part of
    /// the value.
    fn unquoted(&mut self) -> (Zeroizing<String>, Range<usize>, Quote) {
        let start = self.pos;
        let mut end = start;
        while !self.at_eol() {
            let c = self.bytes[self.pos];
            if c == b'#' && self.pos > start && matches!(self.bytes[self.pos - 1], b' ' | b'\t') {
                self.skip_to_eol();
                break;
            }
            self.pos += 1;
            if !matches!(c, b' ' | b'\t') {
                end = self.pos;
            }
        }
        (Zeroizing::new(self.text[start..end].to_string()), start..end, Quote::None)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text).unwrap().into_iter().map(|e| (e.name, e.value.to_string())).collect()
    }

    fn pair(n: &str, v: &str) -> (String, String) {
        (n.to_string(), v.to_string())
    }

    #[test]
    fn the_files_people_write() {
        let text =
            "# Stripe\nexport STRIPE_KEY=sk_test_123\n\nPORT = 3000   # the dev port\nEMPTY=\nURL=http://x/#anchor\n";
        assert_eq!(
            pairs(text),
            [
                pair("STRIPE_KEY", "sk_test_123"),
                pair("PORT", "3000"),
                pair("EMPTY", ""),
                pair("URL", "http://x/#anchor")
            ]
        );
    }

    #[test]
    fn quotes_single_literal_double_escaped_backtick_literal() {
        let text = "A='a \\n $B # not a comment'\nB=\"line\\none \\\"q\\\" \\$HOME \\x\"\nC=`tick 'n' \"q\"`\n";
        assert_eq!(
            pairs(text),
            [
                pair("A", "a \\n $B # not a comment"),
                pair("B", "line\none \"q\" $HOME \\x"),
                pair("C", "tick 'n' \"q\"")
            ]
        );
    }

    #[test]
    fn quoted_values_may_span_lines_and_carry_comments_after() {
        let text = "KEY=\"-----BEGIN KEY-----\nabc\n-----END KEY-----\" # pem\nNEXT=1\n";
        let entries = parse(text).unwrap();
        assert_eq!(entries[0].value.as_str(), "-----BEGIN KEY-----\nabc\n-----END KEY-----");
        assert_eq!((entries[1].name.as_str(), entries[1].line), ("NEXT", 4));
    }

    #[test]
    fn crlf_and_a_byte_order_mark() {
        let text = "\u{feff}A=1\r\nB=\"two\"\r\n# c\r\nC=three # x\r\nD=4\r";
        assert_eq!(pairs(text), [pair("A", "1"), pair("B", "two"), pair("C", "three"), pair("D", "4")]);
        let e = parse(text).unwrap();
        assert_eq!(&text[e[0].raw.clone()], "1");
        assert_eq!(e[3].line, 5);
    }

    #[test]
    fn a_hash_right_after_the_equals_sign_is_part_of_the_value() {
        assert_eq!(pairs("A=#abc\nB= #comment\nC=a#b\n"), [pair("A", "#abc"), pair("B", ""), pair("C", "a#b")]);
    }

    #[test]
    fn titles_with_equals_and_hash_survive_in_references() {
        assert_eq!(pairs("K=keyden://a=b#c\n"), [pair("K", "keyden://a=b#c")]);
        assert_eq!(pairs("K=\"keyden://Stripe # prod\"\n"), [pair("K", "keyden://Stripe # prod")]);
    }

    #[test]
    fn errors_name_the_line_and_column() {
        let e = parse("A=1\nB 2\n").unwrap_err();
        assert_eq!((e.line, e.column), (2, 3), "{e}");
        assert!(e.reason.contains("expected '=' after B"));
        let e = parse("A=1\n\nB=\"open\nstill open\n").unwrap_err();
        assert_eq!((e.line, e.column), (3, 3), "{e}");
        assert!(e.reason.contains("never closed"));
        let e = parse("A='x' y\n").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.reason.contains("after the closing quote"));
        let e = parse("\u{feff}1A=x\n").unwrap_err();
        assert_eq!((e.line, e.column), (1, 1));
        let e = parse("export\n").unwrap_err();
        assert!(e.reason.contains("expected '=' after export"), "{e}");
    }

    #[test]
    fn rewriting_one_value_keeps_every_other_byte() {
        let text = "\u{feff}# keep me\r\nexport  A = 'sk_live_xyz'  # inline\r\nB=plain\r\nC=\"tok\\n\"\r\n";
        let e = parse(text).unwrap();
        let out = rewrite(text, &[(e[0].raw.clone(), "keyden://key_1".into()), (e[2].raw.clone(), "R".into())]);
        assert_eq!(
            out.as_str(),
            "\u{feff}# keep me\r\nexport  A = 'keyden://key_1'  # inline\r\nB=plain\r\nC=\"R\"\r\n"
        );
    }

    #[test]
    fn the_last_assignment_is_kept_beside_the_first() {
        assert_eq!(pairs("A=1\nA=2\n"), [pair("A", "1"), pair("A", "2")]);
    }

    #[test]
    fn non_ascii_values_and_columns_count_characters() {
        assert_eq!(pairs("GREETING=héllo wörld\n"), [pair("GREETING", "héllo wörld")]);
        let e = parse("É=1\n").unwrap_err();
        assert_eq!(e.column, 1);
    }
}
