//! Splitting and decoding a compact JWS, saying exactly which part is wrong and why. Never panics.

use base64::engine::general_purpose::{URL_SAFE, URL_SAFE_NO_PAD};
use base64::Engine;
use serde_json::{Map, Value};

/// Larger than any real JWT (Shopify's are under 1 KB; big OIDC ID tokens a few KB), small enough
/// that a pasted file is refused before any parsing.
pub const MAX_TOKEN_BYTES: usize = 64 * 1024;

#[derive(Debug)]
pub struct Decoded {
    pub header: Map<String, Value>,
    pub claims: Map<String, Value>,
    /// `base64url(header) + "." + base64url(claims)`: what the signature covers.
    pub signing_input: String,
    /// The third segment as given (base64url).
    pub signature_b64: String,
    /// Members named more than once ("header.alg", "claims.exp"); the maps keep the last value.
    pub duplicates: Vec<String>,
}

/// Why a token could not be decoded: a sentence naming the part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Malformed(pub String);

/// Removes what pasting adds: surrounding whitespace and newlines, an `Authorization: Bearer` prefix.
pub fn clean(raw: &str) -> &str {
    let t = raw.trim();
    let t = t.strip_prefix("Authorization:").map(str::trim_start).unwrap_or(t);
    match t.get(..7) {
        Some(p) if p.eq_ignore_ascii_case("bearer ") => t[7..].trim_start(),
        _ => t,
    }
}

fn b64(segment: &str) -> Result<Vec<u8>, String> {
    // base64url without padding is the JWS form; padded input is accepted too, as some tools emit it.
    URL_SAFE_NO_PAD.decode(segment).or_else(|_| URL_SAFE.decode(segment)).map_err(|e| match e {
        base64::DecodeError::InvalidByte(pos, byte) => {
            let shown =
                if byte.is_ascii_graphic() { format!("'{}'", byte as char) } else { format!("byte 0x{byte:02x}") };
            format!("{shown} at position {pos} is not base64url (only A–Z a–z 0–9 - _)")
        }
        base64::DecodeError::InvalidLength(n) => format!("its length ({n}) is not a valid base64url length"),
        other => other.to_string(),
    })
}

/// The names of a JSON object's members in order, repeats included (a `Map` keeps only the last).
struct MemberNames(Vec<String>);

impl<'de> serde::Deserialize<'de> for MemberNames {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Names;
        impl<'de> serde::de::Visitor<'de> for Names {
            type Value = MemberNames;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<MemberNames, A::Error> {
                let mut names = Vec::new();
                while let Some((name, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                    names.push(name);
                }
                Ok(MemberNames(names))
            }
        }
        d.deserialize_map(Names)
    }
}

/// Names that occur more than once, each once, as `prefix.name`.
fn repeated(prefix: &str, bytes: &[u8]) -> Vec<String> {
    let Ok(MemberNames(names)) = serde_json::from_slice(bytes) else { return Vec::new() };
    let mut out: Vec<String> = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let shown = format!("{prefix}.{n}");
        if names[..i].contains(n) && !out.contains(&shown) {
            out.push(shown);
        }
    }
    out
}

fn json_object(name: &str, index: usize, segment: &str) -> Result<(Map<String, Value>, Vec<String>), Malformed> {
    let bytes =
        b64(segment).map_err(|why| Malformed(format!("the {name} (segment {index}) is not base64url: {why}")))?;
    let value: Value = serde_json::from_slice(&bytes)
        .map_err(|e| Malformed(format!("the {name} (segment {index}) decodes, but is not JSON: {e}")))?;
    match value {
        Value::Object(map) => Ok((map, repeated(name, &bytes))),
        other => Err(Malformed(format!(
            "the {name} (segment {index}) is JSON but not an object (it is {})",
            match other {
                Value::Null => "null",
                Value::Bool(_) => "a boolean",
                Value::Number(_) => "a number",
                Value::String(_) => "a string",
                Value::Array(_) => "an array",
                Value::Object(_) => unreachable!("matched above"),
            }
        ))),
    }
}

pub fn decode(token: &str) -> Result<Decoded, Malformed> {
    if token.len() > MAX_TOKEN_BYTES {
        return Err(Malformed(format!(
            "the input is {} bytes; Keyden refuses tokens over {} KiB without parsing them",
            token.len(),
            MAX_TOKEN_BYTES / 1024
        )));
    }
    if token.is_empty() {
        return Err(Malformed("the input is empty".into()));
    }
    let parts: Vec<&str> = token.split('.').collect();
    match parts.len() {
        3 => {}
        5 => {
            return Err(Malformed(
                "this has 5 segments: an encrypted JWT (JWE). Keyden inspects signed JWTs (JWS, 3 segments)".into(),
            ))
        }
        1 => {
            return Err(Malformed(
                "not a JWT: a JWT is three base64url segments separated by dots, and this has no dot".into(),
            ))
        }
        n => return Err(Malformed(format!("not a JWT: a JWT has 3 segments separated by dots, this has {n}"))),
    }
    if let Some(pos) = token.find(|c: char| c.is_whitespace()) {
        return Err(Malformed(format!(
            "the token contains whitespace at position {pos}: was it wrapped or pasted in pieces?"
        )));
    }
    let (header, mut duplicates) = json_object("header", 1, parts[0])?;
    let (claims, more) = json_object("claims", 2, parts[1])?;
    duplicates.extend(more);
    b64(parts[2]).map_err(|why| Malformed(format!("the signature (segment 3) is not base64url: {why}")))?;
    Ok(Decoded {
        header,
        claims,
        signing_input: format!("{}.{}", parts[0], parts[1]),
        signature_b64: parts[2].to_string(),
        duplicates,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pasted_prefixes_and_whitespace_are_removed() {
        assert_eq!(clean("  Bearer abc.def.ghi\n"), "abc.def.ghi");
        assert_eq!(clean("Authorization: Bearer abc.def.ghi"), "abc.def.ghi");
        assert_eq!(clean("abc.def.ghi\r\n"), "abc.def.ghi");
    }

    #[test]
    fn each_malformed_part_is_named() {
        let e = |t: &str| decode(t).unwrap_err().0;
        assert!(e("abc").contains("no dot"));
        assert!(e("a.b").contains("has 2"));
        assert!(e("a.b.c.d.e").contains("JWE"));
        assert!(e("e30$.e30.").contains("header (segment 1) is not base64url"), "{}", e("e30$.e30."));
        assert!(e("bm90IGpzb24.e30.").contains("header (segment 1) decodes, but is not JSON"));
        assert!(e("WzFd.e30.").contains("not an object (it is an array)"));
        assert!(e("e30.WzFd.").contains("claims (segment 2)"));
        assert!(e("e30.e30.a*b").contains("signature (segment 3)"));
        assert!(e(&"a".repeat(MAX_TOKEN_BYTES + 1)).contains("refuses"));
    }

    #[test]
    fn repeated_members_are_named_and_the_last_one_counts() {
        let b = |s: &str| URL_SAFE_NO_PAD.encode(s);
        let token =
            format!("{}.{}.", b(r#"{"alg":"none","alg":"HS256","kid":"a"}"#), b(r#"{"exp":1,"exp":2,"exp":3}"#));
        let d = decode(&token).unwrap();
        assert_eq!(d.header["alg"], "HS256");
        assert_eq!(d.claims["exp"], 3);
        assert_eq!(d.duplicates, ["header.alg", "claims.exp"]);
    }

    #[test]
    fn an_empty_signature_decodes() {
        let d = decode("e30.e30.").unwrap();
        assert!(d.header.is_empty() && d.claims.is_empty());
        assert_eq!(d.signing_input, "e30.e30");
    }
}
