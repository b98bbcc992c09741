//! Masking a child's output: every injected value becomes `<concealed:VAR>`, even when the value
//! arrives split across two reads. Everything else passes byte for byte, and as soon as it can: only
//! a tail that could still be the start of a value is held back until the next read decides it.
//!
//! Matching is aho-corasick's leftmost-longest search, so overlapping values and a value that is a
//! prefix of another are concealed whole.

use aho_corasick::{AhoCorasick, Input, MatchKind};

/// Shorter values cannot be masked without mangling ordinary output (a one-byte value would replace
/// every such byte); `keyden run` refuses them unless masking is off.
pub const MIN_MASKABLE_BYTES: usize = 4;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum MaskError {
    #[error("the value of {var} is {len} byte(s): too short to be masked in the output without mangling it")]
    TooShort { var: String, len: usize },
    #[error("cannot build the output filter: {0}")]
    Build(String),
}

pub struct Masker {
    matcher: Option<AhoCorasick>,
    replacements: Vec<Vec<u8>>,
    /// The values, sorted, to ask "could this tail still become a value?".
    sorted: Vec<Vec<u8>>,
    longest: usize,
    held: Vec<u8>,
}

impl Masker {
    /// `values`: (variable, value). The same value under two names is concealed under the first.
    pub fn new<'a>(values: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> Result<Self, MaskError> {
        let mut patterns: Vec<&[u8]> = Vec::new();
        let mut replacements = Vec::new();
        for (var, value) in values {
            if value.len() < MIN_MASKABLE_BYTES {
                return Err(MaskError::TooShort { var: var.to_string(), len: value.len() });
            }
            if !patterns.contains(&value) {
                patterns.push(value);
                replacements.push(format!("<concealed:{var}>").into_bytes());
            }
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)
                    .map_err(|e| MaskError::Build(e.to_string()))?,
            )
        };
        let longest = patterns.iter().map(|p| p.len()).max().unwrap_or(0);
        let mut sorted: Vec<Vec<u8>> = patterns.iter().map(|p| p.to_vec()).collect();
        sorted.sort();
        Ok(Masker { matcher, replacements, sorted, longest, held: Vec::new() })
    }

    /// Takes the next bytes read; appends to `out` whatever can already be shown.
    pub fn feed(&mut self, chunk: &[u8], out: &mut Vec<u8>) {
        if self.matcher.is_none() {
            out.extend_from_slice(chunk);
            return;
        }
        self.held.extend_from_slice(chunk);
        let consumed = self.drain(out, false);
        self.held.drain(..consumed);
    }

    /// The stream ended: shows what was held back.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        let consumed = self.drain(out, true);
        self.held.drain(..consumed);
    }

    /// Writes out everything that is decided; returns how many held bytes that used.
    fn drain(&self, out: &mut Vec<u8>, at_end: bool) -> usize {
        let Some(matcher) = &self.matcher else {
            out.extend_from_slice(&self.held);
            return self.held.len();
        };
        let buf = &self.held;
        let mut cursor = 0;
        loop {
            // Positions before `undecided` cannot start a value that continues past what we have.
            let undecided = if at_end { buf.len() } else { self.first_open_prefix(cursor) };
            match matcher.find(Input::new(buf).range(cursor..)) {
                Some(m) if m.start() < undecided => {
                    out.extend_from_slice(&buf[cursor..m.start()]);
                    out.extend_from_slice(&self.replacements[m.pattern().as_usize()]);
                    cursor = m.end();
                }
                _ => {
                    out.extend_from_slice(&buf[cursor..undecided]);
                    return undecided;
                }
            }
        }
    }

    /// The first position at or after `from` whose tail is a proper prefix of some value (it may yet
    /// become one, or a longer one); the buffer's end when there is none.
    fn first_open_prefix(&self, from: usize) -> usize {
        let buf = &self.held;
        let start = from.max(buf.len().saturating_sub(self.longest.saturating_sub(1)));
        (start..buf.len()).find(|&p| self.is_proper_prefix(&buf[p..])).unwrap_or(buf.len())
    }

    fn is_proper_prefix(&self, tail: &[u8]) -> bool {
        let first = self.sorted.partition_point(|v| v.as_slice() < tail);
        self.sorted[first..].iter().take_while(|v| v.starts_with(tail)).any(|v| v.len() > tail.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn mask_in_chunks(values: &[(&str, &str)], input: &[u8], cuts: &[usize]) -> Vec<u8> {
        let mut m = Masker::new(values.iter().map(|(k, v)| (*k, v.as_bytes()))).unwrap();
        let mut out = Vec::new();
        let mut at = 0;
        for &c in cuts {
            let c = c.clamp(at, input.len());
            m.feed(&input[at..c], &mut out);
            at = c;
        }
        m.feed(&input[at..], &mut out);
        m.finish(&mut out);
        out
    }

    fn mask(values: &[(&str, &str)], input: &str) -> String {
        String::from_utf8(mask_in_chunks(values, input.as_bytes(), &[])).unwrap()
    }

    #[test]
    fn a_value_is_concealed_under_its_variable() {
        assert_eq!(mask(&[("API_KEY", "sk_live_abc")], "key=sk_live_abc!\n"), "key=<concealed:API_KEY>!\n");
    }

    #[test]
    fn a_value_split_across_every_possible_read_is_still_concealed() {
        let input = b"start sk_live_abc end";
        for cut in 0..=input.len() {
            let out = mask_in_chunks(&[("K", "sk_live_abc")], input, &[cut]);
            assert_eq!(out, b"start <concealed:K> end", "cut at {cut}");
        }
    }

    #[test]
    fn a_value_that_is_a_prefix_of_another_and_overlapping_values() {
        let vals = [("SHORT", "abcd"), ("LONG", "abcdefgh"), ("OVER", "efghij")];
        assert_eq!(
            mask(&vals, "abcdefgh abcd abcdefghij efghij"),
            "<concealed:LONG> <concealed:SHORT> <concealed:LONG>ij <concealed:OVER>"
        );
        // The shorter value is not shown early while the longer might still follow.
        let mut m = Masker::new(vals.iter().map(|(k, v)| (*k, v.as_bytes()))).unwrap();
        let mut out = Vec::new();
        m.feed(b"x abcd", &mut out);
        assert_eq!(out, b"x ");
        m.feed(b"efgh.", &mut out);
        assert_eq!(out, b"x <concealed:LONG>.");
    }

    #[test]
    fn output_that_cannot_become_a_value_is_shown_at_once() {
        let mut m = Masker::new([("K", b"secret-value".as_slice())]).unwrap();
        let mut out = Vec::new();
        m.feed(b"a log line\n", &mut out);
        assert_eq!(out, b"a log line\n", "nothing held back: a log tail stays live");
        m.feed(b"partial secr", &mut out);
        assert_eq!(out, b"a log line\npartial ");
        m.finish(&mut out);
        assert_eq!(out, b"a log line\npartial secr");
    }

    #[test]
    fn values_too_short_to_mask_are_refused_by_name() {
        let err = Masker::new([("PIN", b"7".as_slice())]).err().unwrap();
        assert_eq!(err, MaskError::TooShort { var: "PIN".into(), len: 1 });
        assert!(err.to_string().contains("PIN"));
        assert!(Masker::new([("E", b"".as_slice())]).is_err());
    }

    #[test]
    fn no_values_means_output_unchanged() {
        assert_eq!(mask(&[], "anything at all"), "anything at all");
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Random values, random text around them, random read boundaries: no value survives, and
        /// the output equals the whole-stream result, whatever the boundaries.
        #[test]
        fn no_value_survives_any_chunking(
            values in proptest::collection::vec("[a-d]{4,9}", 1..4),
            parts in proptest::collection::vec(("[a-e ]{0,6}", 0usize..4), 0..12),
            cuts in proptest::collection::vec(0usize..120, 0..8),
        ) {
            let named: Vec<(String, String)> =
                values.iter().enumerate().map(|(i, v)| (format!("V{i}"), v.clone())).collect();
            let refs: Vec<(&str, &str)> = named.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
            let mut input = String::new();
            for (text, pick) in &parts {
                input.push_str(text);
                if let Some(v) = values.get(*pick) {
                    input.push_str(v);
                }
            }
            let mut cuts = cuts;
            cuts.sort_unstable();
            let whole = mask_in_chunks(&refs, input.as_bytes(), &[]);
            let chunked = mask_in_chunks(&refs, input.as_bytes(), &cuts);
            prop_assert_eq!(&chunked, &whole);
            let shown = String::from_utf8(whole).unwrap();
            // Take the placeholders out; what remains must hold no value.
            let mut rest = shown.clone();
            for (k, _) in &named {
                rest = rest.replace(&format!("<concealed:{k}>"), "\u{0}");
            }
            for v in &values {
                prop_assert!(!rest.contains(v.as_str()), "{v} survives in {shown:?} from {input:?}");
            }
        }

        /// Text that holds no value comes out unchanged, however it is cut.
        #[test]
        fn text_without_values_is_unchanged(
            text in proptest::collection::vec(any::<u8>(), 0..400),
            cuts in proptest::collection::vec(0usize..400, 0..10),
        ) {
            let mut cuts = cuts;
            cuts.sort_unstable();
            // A value of bytes that `any::<u8>()` text of this shape essentially never contains.
            let out = mask_in_chunks(&[("K", "\u{1}\u{2}\u{3}\u{4}\u{5}\u{6}")], &text, &cuts);
            let needle = b"\x01\x02\x03\x04\x05\x06";
            prop_assume!(!text.windows(needle.len()).any(|w| w == needle));
            prop_assert_eq!(out, text);
        }
    }

    #[test]
    fn a_hundred_megabytes_pass_with_every_value_concealed() {
        let values: Vec<(String, String)> =
            (0..50).map(|i| (format!("KEY_{i}"), format!("sk_live_{i:04}_{}", "x".repeat(24)))).collect();
        let mut m = Masker::new(values.iter().map(|(k, v)| (k.as_str(), v.as_bytes()))).unwrap();
        let line = format!("GET /api?token={} HTTP/1.1 200 OK and some more log text here\n", values[7].1);
        let chunk: Vec<u8> = line.as_bytes().iter().copied().cycle().take(64 * 1024 + 7).collect();
        let (mut total_in, mut total_out, mut concealed) = (0usize, 0usize, 0usize);
        let mut out = Vec::with_capacity(128 * 1024);
        while total_in < 100 * 1024 * 1024 {
            m.feed(&chunk, &mut out);
            total_in += chunk.len();
            concealed += out.windows(15).filter(|w| *w == b"<concealed:KEY_").count();
            assert!(!out.windows(values[7].1.len()).any(|w| w == values[7].1.as_bytes()));
            total_out += out.len();
            out.clear();
        }
        m.finish(&mut out);
        total_out += out.len();
        let per_line = line.len();
        let lines = total_in / per_line;
        assert!(concealed + 1 >= lines, "{concealed} of {lines} lines concealed");
        assert!(total_out > 0);
    }
}
