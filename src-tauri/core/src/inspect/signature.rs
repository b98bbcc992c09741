//! Checking the signature with what the user gave: fit first (key_mismatch), then the signature
//! itself (invalid_signature). JWKS `kid` rules: the header's `kid` picks the key and only that key;
//! without a `kid`, every key that fits the algorithm is tried.

use super::decode::Decoded;
use super::keys::{family_for, Candidate, Family, VerifyKey};
use jsonwebtoken::Algorithm;

#[derive(Debug, PartialEq, Eq)]
pub enum SignatureOutcome {
    Verified { by: String },
    Mismatch(String),
    Invalid(String),
}

/// Why `c` cannot verify `alg`, if it cannot: the wrong kind of key, or a JWK whose own `use`,
/// `key_ops` or `alg` forbids it.
fn misfit(alg: Algorithm, c: &Candidate) -> Option<String> {
    let needed = family_for(alg);
    if c.family == needed {
        return c.limits.forbid(alg).map(|why| format!("the key may not verify this token: {why}"));
    }
    let alg_name = format!("{alg:?}");
    Some(match (needed, c.family) {
        (Family::Hmac, _) => format!(
            "{alg_name} is an HMAC algorithm but {} was given. A token that asks to be checked with a public key \
             as an HMAC secret is the algorithm-confusion attack: a server must never accept it",
            c.family.describe()
        ),
        (_, Family::Hmac) => format!("{alg_name} is verified with {}, but an HMAC secret was given", needed.describe()),
        _ => format!("{alg_name} needs {}, but {} was given", needed.describe(), c.family.describe()),
    })
}

fn verify_with(decoded: &Decoded, alg: Algorithm, c: &Candidate) -> Result<bool, jsonwebtoken::errors::Error> {
    super::crypto::verify(&decoded.signature_b64, decoded.signing_input.as_bytes(), &c.key, alg)
}

/// The diagnosis when a key of the right family still cannot verify (a malformed key, a curve mismatch).
fn unusable(alg: Algorithm, e: &jsonwebtoken::errors::Error) -> SignatureOutcome {
    SignatureOutcome::Mismatch(format!("the key could not be used for {alg:?}: {e}"))
}

pub fn check(decoded: &Decoded, alg: Algorithm, key: &VerifyKey) -> SignatureOutcome {
    match key {
        VerifyKey::Single { candidate, label } => {
            if let Some(why) = misfit(alg, candidate) {
                return SignatureOutcome::Mismatch(why);
            }
            match verify_with(decoded, alg, candidate) {
                Ok(true) => SignatureOutcome::Verified { by: label.clone() },
                Ok(false) => SignatureOutcome::Invalid(format!("the signature does not match {label}")),
                Err(e) => unusable(alg, &e),
            }
        }
        VerifyKey::Set { candidates, skipped, label } => {
            let kid = decoded.header.get("kid").and_then(|k| k.as_str());
            if let Some(kid) = kid {
                let Some(c) = candidates.iter().find(|c| c.kid.as_deref() == Some(kid)) else {
                    let known: Vec<_> = candidates.iter().filter_map(|c| c.kid.as_deref()).collect();
                    return SignatureOutcome::Mismatch(format!(
                        "the token's kid \"{kid}\" is not in {label} (its kids: {}{})",
                        if known.is_empty() { "none".into() } else { known.join(", ") },
                        if *skipped > 0 { format!("; {skipped} unusable keys skipped") } else { String::new() }
                    ));
                };
                if let Some(why) = misfit(alg, c) {
                    return SignatureOutcome::Mismatch(format!("key \"{kid}\": {why}"));
                }
                return match verify_with(decoded, alg, c) {
                    Ok(true) => SignatureOutcome::Verified { by: format!("key \"{kid}\" of {label}") },
                    Ok(false) => SignatureOutcome::Invalid(format!(
                        "the signature does not match key \"{kid}\" of {label}, the key the token names"
                    )),
                    Err(e) => unusable(alg, &e),
                };
            }
            let fitting: Vec<&Candidate> = candidates.iter().filter(|c| misfit(alg, c).is_none()).collect();
            if fitting.is_empty() {
                let restricted =
                    candidates.iter().filter(|c| c.family == family_for(alg) && c.limits.forbid(alg).is_some()).count();
                return SignatureOutcome::Mismatch(format!(
                    "{label} has no key for {alg:?} (it needs {}){}",
                    family_for(alg).describe(),
                    if restricted > 0 {
                        format!("; {restricted} such key(s) may not verify it, by their use, key_ops or alg")
                    } else {
                        String::new()
                    }
                ));
            }
            for c in &fitting {
                if matches!(verify_with(decoded, alg, c), Ok(true)) {
                    let name =
                        c.kid.as_deref().map(|k| format!("key \"{k}\" of {label}")).unwrap_or_else(|| label.clone());
                    return SignatureOutcome::Verified { by: name };
                }
            }
            SignatureOutcome::Invalid(format!(
                "none of the {} {alg:?} keys in {label} matches the signature",
                fitting.len()
            ))
        }
    }
}
