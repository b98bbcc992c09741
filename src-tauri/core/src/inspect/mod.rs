//! The token inspector: decode, verify, diagnose. Pure and offline — the vault lookups (which stored
//! secret signed this? which key is this audience?) live in `vault_lookup`, the JWKS fetching in
//! `jwks`. Contract: DESIGN.md "CLI contract for `keyden inspect`" — verdict names, precedence, and the
//! rules that are easy to get wrong are implemented here and tested in `tests`.
//!
//! jsonwebtoken's `decode` is not used on purpose: its defaults (60 s leeway, `exp` required, `aud`
//! rejected when not configured, `none` unparseable) differ from the contract. The header and claims
//! are parsed here; only the signature check is delegated (`crypto::verify`: jsonwebtoken's, backed by `ring`).

pub mod crypto;
pub mod decode;
pub mod diagnose;
pub mod history;
pub mod jwks;
pub mod keys;
pub mod mint;
pub mod recognize;
mod signature;
#[cfg(test)]
mod tests;

use decode::{Decoded, Malformed};
use keyden_protocol::{Inspection, TokenKind, TokenTimes, Verdict};
pub use keys::VerifyKey;
use serde_json::{Map, Value};
use signature::SignatureOutcome;
use std::str::FromStr;

pub use jsonwebtoken::Algorithm;

/// How to judge a token.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// "Now", Unix seconds.
    pub at: i64,
    /// Seconds of clock skew forgiven on exp and nbf (default 0).
    pub leeway: i64,
    pub key: Option<VerifyKey>,
    pub audience: Option<String>,
    pub issuer: Option<String>,
    /// The Shopify profile: aud must be this client id, iss must be dest + "/admin".
    pub shopify_api_key: Option<String>,
}

/// An inspection plus what the vault lookups need to try other secrets.
pub struct Analysis {
    pub inspection: Inspection,
    /// The decoded token and its algorithm, when it got that far.
    pub token: Option<(Decoded, Algorithm)>,
    /// The input with pasting artefacts removed (for fingerprinting opaque keys).
    pub cleaned: String,
    /// Whether the signature was checked, and how that went.
    pub signature: SignatureState,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignatureState {
    /// No key given, or the token never got that far.
    NotChecked,
    Verified,
    Invalid,
    Mismatch,
}

/// Everything the diagnosis sentence is built from.
pub(crate) struct Facts {
    pub malformed: Option<String>,
    pub unsupported: Option<String>,
    pub critical: Option<String>,
    pub mismatch: Option<String>,
    pub invalid: Option<String>,
    pub verified_by: Option<String>,
    pub wrong_audience: Option<(Option<Vec<String>>, String)>,
    pub wrong_issuer: Option<(Option<String>, String)>,
    pub leeway: i64,
}

fn empty(verdict: Verdict, diagnosis: String, kind: TokenKind, at: i64) -> Inspection {
    Inspection {
        verdict,
        alg: None,
        header: None,
        claims: None,
        diagnosis,
        kind,
        times: TokenTimes { at, ..Default::default() },
        signer: None,
        secrets_tried: None,
        vault_matches: Vec::new(),
        findings: vec![verdict],
        duplicate_members: Vec::new(),
    }
}

/// A NumericDate claim: absent, a number (fractions floored), or malformed.
fn numeric_date(claims: &Map<String, Value>, name: &str) -> Result<Option<i64>, String> {
    match claims.get(name) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| n.as_f64().filter(|f| f.is_finite() && f.abs() < 1e15).map(|f| f.floor() as i64))
            .map(Some)
            .ok_or_else(|| format!("the claim {name} ({n}) is out of range")),
        Some(other) => Err(format!("the claim {name} is {other}, not a NumericDate (seconds since 1970)")),
    }
}

/// `aud` as a list: a string or an array of strings.
fn audiences(claims: &Map<String, Value>) -> Option<Vec<String>> {
    match claims.get("aud")? {
        Value::String(s) => Some(vec![s.clone()]),
        Value::Array(a) => Some(a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect()),
        _ => Some(Vec::new()),
    }
}

/// JWS header parameters RFC 7515 §4.1 registers; `crit` may not name them.
const REGISTERED: [&str; 11] = ["alg", "jku", "jwk", "kid", "x5u", "x5c", "x5t", "x5t#S256", "typ", "cty", "crit"];

/// The header's `crit` (RFC 7515 §4.1.11): `Ok(None)` when absent; `Ok(Some(why))` when it names
/// extensions — Keyden understands none, so the token must be rejected; `Err` when `crit` itself is
/// malformed (not a non-empty array of strings, a registered name, a name the header lacks).
fn critical(header: &Map<String, Value>) -> Result<Option<String>, String> {
    let Some(crit) = header.get("crit") else { return Ok(None) };
    let names: Vec<&str> = match crit.as_array() {
        Some(a) if !a.is_empty() => a.iter().map(Value::as_str).collect::<Option<_>>().ok_or_else(|| {
            "the header's crit lists something that is not a name (RFC 7515 §4.1.11: an array of strings)".to_string()
        })?,
        _ => return Err("the header's crit is not a non-empty array of names (RFC 7515 §4.1.11)".into()),
    };
    if let Some(n) = names.iter().find(|n| REGISTERED.contains(n)) {
        return Err(format!("the header's crit names \"{n}\", a parameter the JWS standard itself defines"));
    }
    if let Some(n) = names.iter().find(|n| !header.contains_key(**n)) {
        return Err(format!("the header's crit names \"{n}\", but the header has no such member"));
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    Ok(Some(format!("the header marks {} as critical, and Keyden does not implement it", quoted.join(", "))))
}

pub fn analyze(raw: &str, opts: &Options) -> Analysis {
    let at = opts.at;
    if raw.len() > 2 * decode::MAX_TOKEN_BYTES {
        let why = format!(
            "the input is {} bytes; Keyden refuses tokens over {} KiB without parsing them",
            raw.len(),
            decode::MAX_TOKEN_BYTES / 1024
        );
        return Analysis {
            inspection: empty(Verdict::Malformed, format!("Malformed: {why}."), TokenKind::Unknown, at),
            token: None,
            cleaned: String::new(),
            signature: SignatureState::NotChecked,
        };
    }
    let cleaned = decode::clean(raw).to_string();
    if !cleaned.contains('.') {
        if let Some(kind) = recognize::opaque_kind(&cleaned) {
            let diagnosis = diagnose::opaque(&kind);
            return Analysis {
                inspection: empty(Verdict::Unverified, diagnosis, kind, at),
                token: None,
                cleaned,
                signature: SignatureState::NotChecked,
            };
        }
    }
    let decoded = match decode::decode(&cleaned) {
        Ok(d) => d,
        Err(Malformed(why)) => {
            let diagnosis =
                format!("Malformed: {why}. Copy the whole token again (three dot-separated parts, nothing added).");
            return Analysis {
                inspection: empty(Verdict::Malformed, diagnosis, TokenKind::Unknown, at),
                token: None,
                cleaned,
                signature: SignatureState::NotChecked,
            };
        }
    };

    let mut facts = Facts {
        malformed: None,
        unsupported: None,
        critical: None,
        mismatch: None,
        invalid: None,
        verified_by: None,
        wrong_audience: None,
        wrong_issuer: None,
        leeway: opts.leeway,
    };
    let alg_text = match decoded.header.get("alg") {
        Some(Value::String(s)) => Some(s.clone()),
        Some(other) => {
            facts.malformed = Some(format!("the header's alg is {other}, not a string"));
            None
        }
        None => {
            facts.malformed = Some("the header has no alg".into());
            None
        }
    };
    let alg = match alg_text.as_deref() {
        Some(a) if a.eq_ignore_ascii_case("none") => {
            facts.unsupported = Some(format!(
                "alg \"{a}\" means the token is not signed at all; anyone can write one. Never accept it"
            ));
            None
        }
        Some(a) => match Algorithm::from_str(a) {
            Ok(alg) => Some(alg),
            Err(_) => {
                facts.unsupported = Some(format!(
                    "alg \"{a}\" is not one Keyden verifies (HS256/384/512, RS256/384/512, PS256/384/512, ES256/384, EdDSA)"
                ));
                None
            }
        },
        None => None,
    };

    let mut times = TokenTimes { at, ..Default::default() };
    for (name, slot) in [("iat", &mut times.iat), ("nbf", &mut times.nbf), ("exp", &mut times.exp)] {
        match numeric_date(&decoded.claims, name) {
            Ok(v) => *slot = v,
            Err(why) => facts.malformed = facts.malformed.take().or(Some(why)),
        }
    }
    times.lifetime_seconds = times.exp.zip(times.iat).map(|(e, i)| e.saturating_sub(i));
    times.expires_in_seconds = times.exp.map(|e| e.saturating_sub(at));

    let mut findings = Vec::new();
    if facts.malformed.is_some() {
        findings.push(Verdict::Malformed);
    }
    if facts.unsupported.is_some() {
        findings.push(Verdict::UnsupportedAlgorithm);
    }
    match critical(&decoded.header) {
        Ok(None) => {}
        Ok(Some(why)) => {
            facts.critical = Some(why);
            findings.push(Verdict::UnknownCritical);
        }
        Err(why) => {
            facts.malformed = facts.malformed.take().or(Some(why));
            findings.push(Verdict::Malformed);
        }
    }
    if let (Some(alg), Some(key)) = (alg, opts.key.as_ref()) {
        match signature::check(&decoded, alg, key) {
            SignatureOutcome::Verified { by } => facts.verified_by = Some(by),
            SignatureOutcome::Mismatch(why) => {
                facts.mismatch = Some(why);
                findings.push(Verdict::KeyMismatch);
            }
            SignatureOutcome::Invalid(why) => {
                facts.invalid = Some(why);
                findings.push(Verdict::InvalidSignature);
            }
        }
    }
    if times.nbf.is_some_and(|nbf| at < nbf.saturating_sub(opts.leeway)) {
        findings.push(Verdict::NotYetValid);
    }
    if times.exp.is_some_and(|exp| at >= exp.saturating_add(opts.leeway)) {
        findings.push(Verdict::Expired);
    }
    if let Some(expected) = opts.audience.as_ref().or(opts.shopify_api_key.as_ref()) {
        let aud = audiences(&decoded.claims);
        if !aud.as_ref().is_some_and(|a| a.iter().any(|x| x == expected)) {
            facts.wrong_audience = Some((aud, expected.clone()));
            findings.push(Verdict::WrongAudience);
        }
    }
    let iss = decoded.claims.get("iss").and_then(Value::as_str).map(str::to_string);
    if let Some(expected) = &opts.issuer {
        if iss.as_deref() != Some(expected.as_str()) {
            facts.wrong_issuer = Some((iss.clone(), expected.clone()));
            findings.push(Verdict::WrongIssuer);
        }
    } else if opts.shopify_api_key.is_some() {
        let dest = decoded.claims.get("dest").and_then(Value::as_str);
        let expected = dest.map(|d| format!("{}/admin", d.trim_end_matches('/')));
        let same_host = iss.as_deref().and_then(recognize::host) == dest.and_then(recognize::host);
        if expected.is_none() || iss != expected || !same_host {
            facts.wrong_issuer =
                Some((iss.clone(), expected.unwrap_or_else(|| "dest + \"/admin\" (the token has no dest)".into())));
            findings.push(Verdict::WrongIssuer);
        }
    }
    findings.sort();
    let verdict = findings.first().copied().unwrap_or(if facts.verified_by.is_some() {
        Verdict::Valid
    } else {
        Verdict::Unverified
    });
    if findings.is_empty() {
        findings.push(verdict);
    }
    let kind = recognize::jwt_kind(&decoded.claims);
    let mut diagnosis = diagnose::sentence(verdict, &findings, &facts, &times, &kind, opts);
    if !decoded.duplicates.is_empty() {
        diagnosis.push_str(&format!(
            " Note: the token holds {} more than once; the last value counts, but a verifier that takes the \
             first would read it differently.",
            decoded.duplicates.join(", ")
        ));
    }
    let inspection = Inspection {
        verdict,
        alg: alg_text,
        header: Some(Value::Object(decoded.header.clone())),
        claims: Some(Value::Object(decoded.claims.clone())),
        diagnosis,
        kind,
        times,
        signer: None,
        secrets_tried: None,
        vault_matches: Vec::new(),
        findings,
        duplicate_members: decoded.duplicates.clone(),
    };
    let signature = if facts.verified_by.is_some() {
        SignatureState::Verified
    } else if facts.invalid.is_some() {
        SignatureState::Invalid
    } else if facts.mismatch.is_some() {
        SignatureState::Mismatch
    } else {
        SignatureState::NotChecked
    };
    Analysis { inspection, token: alg.map(|a| (decoded, a)), cleaned, signature }
}
