//! Recognising a vault secret among a file's tokens without reading one from the keyring: each
//! candidate is fingerprinted with the install's key and looked up among the stored fingerprints.
//!
//! Fingerprinting every token would cost a keyed hash per word; the redacted form each key keeps
//! (first and last characters, and for Keyden's own form the length range) rules out almost every
//! token first, so only a candidate that already starts and ends like a stored secret is hashed.

use crate::fingerprint::Fingerprinter;
use crate::secret::MAX_SECRET_BYTES;
use keyden_protocol::{KeyRecord, KeyStatus};
use std::collections::HashMap;
use std::sync::Arc;

/// Secrets shorter than this are not searched for: every short word would be a candidate, and no
/// API key is that short.
pub const MIN_SCANNED_CHARS: usize = 8;

struct Shape {
    tail: Vec<u8>,
    min_chars: usize,
    max_chars: usize,
}

pub struct SecretIndex {
    fingerprinter: Arc<Fingerprinter>,
    by_fingerprint: HashMap<String, KeyRecord>,
    by_head: HashMap<Vec<u8>, Vec<Shape>>,
    /// Distinct head lengths in bytes, longest first.
    head_lengths: Vec<usize>,
    shortest: usize,
    /// Bytes a stored secret may start / end with (all of them when some head / tail is empty): the
    /// cheapest way to rule a token out.
    first_bytes: [bool; 256],
    last_bytes: [bool; 256],
}

impl SecretIndex {
    pub fn new(fingerprinter: Arc<Fingerprinter>, keys: Vec<(KeyRecord, String)>) -> Self {
        let mut by_fingerprint: HashMap<String, KeyRecord> = HashMap::new();
        let mut by_head: HashMap<Vec<u8>, Vec<Shape>> = HashMap::new();
        for (key, fingerprint) in keys {
            let (head, shape) = shape_of(&key.redacted);
            if shape.max_chars < MIN_SCANNED_CHARS {
                continue;
            }
            by_head.entry(head).or_default().push(shape);
            // Two keys with one value: name the active one.
            match by_fingerprint.get(&fingerprint) {
                Some(kept) if kept.status == KeyStatus::Active => {}
                _ => {
                    by_fingerprint.insert(fingerprint, key);
                }
            }
        }
        let mut head_lengths: Vec<usize> = by_head.keys().map(Vec::len).collect();
        head_lengths.sort_unstable_by(|a, b| b.cmp(a));
        head_lengths.dedup();
        let shortest =
            by_head.values().flatten().map(|s| s.min_chars.max(MIN_SCANNED_CHARS)).min().unwrap_or(usize::MAX);
        let mut first_bytes = [false; 256];
        let mut last_bytes = [false; 256];
        for (head, shapes) in &by_head {
            match head.first() {
                Some(b) => first_bytes[usize::from(*b)] = true,
                None => first_bytes = [true; 256],
            }
            for shape in shapes {
                match shape.tail.last() {
                    Some(b) => last_bytes[usize::from(*b)] = true,
                    None => last_bytes = [true; 256],
                }
            }
        }
        SecretIndex { fingerprinter, by_fingerprint, by_head, head_lengths, shortest, first_bytes, last_bytes }
    }

    pub fn is_empty(&self) -> bool {
        self.by_fingerprint.is_empty()
    }

    /// The vault key whose value is exactly `candidate`, if any.
    pub fn lookup(&self, candidate: &[u8]) -> Option<&KeyRecord> {
        let (Some(first), Some(last)) = (candidate.first(), candidate.last()) else { return None };
        if !self.first_bytes[usize::from(*first)] || !self.last_bytes[usize::from(*last)] {
            return None;
        }
        if candidate.len() < self.shortest || candidate.len() > MAX_SECRET_BYTES || !self.may_match(candidate) {
            return None;
        }
        self.by_fingerprint.get(&self.fingerprinter.of_bytes(candidate))
    }

    fn may_match(&self, c: &[u8]) -> bool {
        let chars =
            || if c.is_ascii() { Some(c.len()) } else { std::str::from_utf8(c).ok().map(|s| s.chars().count()) };
        self.head_lengths.iter().filter(|&&n| n <= c.len()).any(|&n| {
            self.by_head.get(&c[..n]).is_some_and(|shapes| {
                shapes
                    .iter()
                    .any(|s| c.ends_with(&s.tail) && chars().is_some_and(|n| (s.min_chars..=s.max_chars).contains(&n)))
            })
        })
    }
}

/// What a redacted form says about the value: its head, tail and length range. Keyden's own form
/// (see `SecretValue::redacted`) fixes the length range; a provider's (`sk_eab***577`) only the ends.
fn shape_of(redacted: &str) -> (Vec<u8>, Shape) {
    let split = redacted.split_once('…').or_else(|| redacted.split_once("***")).or_else(|| redacted.split_once("..."));
    let Some((head, tail)) = split else {
        return (Vec::new(), Shape { tail: Vec::new(), min_chars: 1, max_chars: MAX_SECRET_BYTES });
    };
    let keyden_form = redacted.contains('…');
    let range = match (head.chars().count(), tail.chars().count()) {
        (0, 0) if keyden_form => (1, 7),
        (2, 2) if keyden_form => (8, 15),
        (4, 2) if keyden_form => (16, 23),
        (6, 4) if keyden_form => (24, MAX_SECRET_BYTES),
        (h, t) => (h + t + 1, MAX_SECRET_BYTES),
    };
    (head.as_bytes().to_vec(), Shape { tail: tail.as_bytes().to_vec(), min_chars: range.0, max_chars: range.1 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::SecretValue;
    use crate::secret_store::MemoryStore;

    fn index(values: &[&str]) -> SecretIndex {
        let f = Arc::new(Fingerprinter::load_or_create(&MemoryStore::default(), "t").unwrap());
        let keys = values
            .iter()
            .enumerate()
            .map(|(i, v)| {
                let s = SecretValue::from_stored(v.to_string());
                (record(&format!("key_{i}"), &s.redacted()), f.of(&s))
            })
            .collect();
        SecretIndex::new(f, keys)
    }

    fn record(id: &str, redacted: &str) -> KeyRecord {
        KeyRecord {
            id: id.into(),
            title: id.into(),
            provider: "generic".into(),
            account: String::new(),
            environment: String::new(),
            owner: String::new(),
            kind: keyden_protocol::KeyKind::Token,
            redacted: redacted.into(),
            status: KeyStatus::Active,
            created_at: 0,
            revoked_at: None,
            expires_at: None,
            last_verified_at: None,
            remote_id: None,
            notes: String::new(),
            remote_state: None,
            synced_at: None,
            has_secret: true,
            last_checked_at: None,
            last_check: None,
            probe_url: None,
            probe_header: None,
            team: None,
        }
    }

    #[test]
    fn exact_copies_are_found_and_near_misses_are_not() {
        let ix = index(&["sk_live_0123456789abcdefXYZW", "medium-secret-12", "tiny"]);
        assert_eq!(ix.lookup(b"sk_live_0123456789abcdefXYZW").unwrap().id, "key_0");
        assert_eq!(ix.lookup(b"medium-secret-12").unwrap().id, "key_1");
        assert!(ix.lookup(b"sk_live_0123456789abcdefXYZ").is_none());
        assert!(ix.lookup(b"sk_live_0123456789abcdeXYZW").is_none());
        assert!(ix.lookup(b"tiny").is_none(), "secrets under 8 characters are not searched for");
    }

    #[test]
    fn a_providers_redacted_form_still_narrows_the_search() {
        let (head, shape) = shape_of("sk_eab***577");
        assert_eq!((head.as_slice(), shape.tail.as_slice(), shape.min_chars), (&b"sk_eab"[..], &b"577"[..], 10));
        let (head, shape) = shape_of("opaque");
        assert!(head.is_empty() && shape.tail.is_empty() && shape.min_chars == 1);
    }
}
