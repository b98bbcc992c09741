//! Plain words for every verdict, with what to do about it — and which clock ran out.

use super::{Facts, Options};
use keyden_protocol::{relative_time, TokenKind, TokenTimes, Verdict};

/// Shopify's own libraries forgive this much skew on exp/nbf.
pub const SHOPIFY_SKEW_SECONDS: i64 = 10;

/// A Unix time as RFC 3339 UTC (the raw number when out of range).
pub fn utc(t: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .and_then(|d| d.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_else(|| t.to_string())
}

fn duration(s: i64) -> String {
    let a = s.unsigned_abs();
    match a {
        0..120 => format!("{a} s"),
        120..7200 => format!("{} min", a / 60),
        7200..172_800 => format!("{} h", a / 3600),
        _ => format!("{} days", a / 86_400),
    }
}

/// "60 s — a Shopify session token: fetch a fresh one per request".
pub fn lifetime(times: &TokenTimes, kind: &TokenKind) -> Option<String> {
    let l = times.lifetime_seconds?;
    Some(match kind {
        TokenKind::ShopifySessionToken { .. } => {
            format!(
                "lifetime {} — a Shopify session token: fetch a fresh one per request (App Bridge idToken())",
                duration(l)
            )
        }
        _ => format!("lifetime {}", duration(l)),
    })
}

pub fn opaque(kind: &TokenKind) -> String {
    match kind {
        TokenKind::OpaqueKey { provider, kind, redacted } => format!(
            "Not a JWT: a {provider} {kind} ({redacted}). Opaque keys carry no expiry or signature to check offline; \
             ask the provider whether it is still accepted."
        ),
        _ => "Not a JWT.".into(),
    }
}

pub(super) fn sentence(
    verdict: Verdict,
    findings: &[Verdict],
    f: &Facts,
    times: &TokenTimes,
    kind: &TokenKind,
    opts: &Options,
) -> String {
    let life = lifetime(times, kind).map(|l| format!(" ({l})")).unwrap_or_default();
    let main = match verdict {
        Verdict::Malformed => format!(
            "Malformed: {}. Copy the whole token again.",
            f.malformed.as_deref().unwrap_or("the token could not be decoded")
        ),
        Verdict::UnsupportedAlgorithm => format!("Unsupported algorithm: {}.", f.unsupported.as_deref().unwrap_or("")),
        Verdict::UnknownCritical => format!(
            "Unknown critical extension: {}. RFC 7515 §4.1.11 says a verifier that does not understand a critical \
             header member must reject the token, whatever its signature.",
            f.critical.as_deref().unwrap_or("")
        ),
        Verdict::KeyMismatch => format!(
            "Key mismatch: {}. Check that you picked the right key for this token.",
            f.mismatch.as_deref().unwrap_or("")
        ),
        Verdict::InvalidSignature => format!(
            "Invalid signature: {}. The token was signed with another key — often another app's secret, or a \
             rotated one.",
            f.invalid.as_deref().unwrap_or("")
        ),
        Verdict::Expired => {
            let exp = times.exp.unwrap_or_default();
            let by = times.at.saturating_sub(exp);
            let mut s = format!(
                "Expired {} ago, at {}{life}. The token's own clock ran out, not your API key's: get a new token.",
                duration(by),
                utc(exp)
            );
            if matches!(kind, TokenKind::ShopifySessionToken { .. }) && by < SHOPIFY_SKEW_SECONDS {
                s.push_str(&format!(
                    " Shopify's own libraries allow {SHOPIFY_SKEW_SECONDS} s of clock skew and would still accept it; \
                     Keyden's leeway is {} s.",
                    f.leeway
                ));
            }
            s
        }
        Verdict::NotYetValid => {
            let nbf = times.nbf.unwrap_or_default();
            format!(
                "Not yet valid: usable from {} ({}). The issuer's clock is ahead of this machine's — check both clocks \
                 (NTP), or allow a few seconds of leeway (5 s will do; Shopify's libraries allow {SHOPIFY_SKEW_SECONDS} s).",
                utc(nbf),
                relative_time(nbf, times.at)
            )
        }
        Verdict::WrongAudience => {
            let (aud, expected) = f.wrong_audience.clone().unwrap_or_default();
            match aud.filter(|a| !a.is_empty()) {
                Some(a) => format!(
                    "Wrong audience: the token is for {} (aud), not for {expected}. It was issued to another app: \
                     use that app's credentials, or request a token for {expected}.",
                    a.join(", ")
                ),
                None => format!("Wrong audience: the token has no aud claim, and {expected} was required."),
            }
        }
        Verdict::WrongIssuer => {
            let (iss, expected) = f.wrong_issuer.clone().unwrap_or_default();
            format!(
                "Wrong issuer: iss is {}, expected {expected}.",
                iss.map(|i| format!("\"{i}\"")).unwrap_or_else(|| "missing".into())
            )
        }
        Verdict::Valid => {
            let exp = match times.exp {
                Some(e) => format!("; expires {} ({})", relative_time(e, times.at), utc(e)),
                None => "; it has no exp, so it never expires".into(),
            };
            format!(
                "Valid: signature verified with {}{exp}{life}.",
                f.verified_by.as_deref().unwrap_or("the given key")
            )
        }
        Verdict::Unverified => {
            let exp = match times.exp {
                Some(e) => format!(" It expires {} ({}){life}.", relative_time(e, times.at), utc(e)),
                None => " It has no exp, so it never expires.".into(),
            };
            format!(
                "Decoded, not verified: give a key (an HMAC secret, a vault key, a PEM public key, a JWK or a JWKS) to \
                 check the signature.{exp}"
            )
        }
    };
    let also: Vec<&str> = findings.iter().skip(1).map(|v| v.as_str()).collect();
    let _ = opts;
    if also.is_empty() {
        main
    } else {
        format!("{main} Also: {}.", also.join(", ").replace('_', " "))
    }
}
