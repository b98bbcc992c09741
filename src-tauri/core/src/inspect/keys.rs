//! The keys a token can be checked with, and whether a key fits an algorithm at all. A key of the
//! wrong kind is `key_mismatch`, never a mere failed signature: a public key offered for HS256 is the
//! algorithm-confusion attack, and must be named as such.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk};
use jsonwebtoken::{Algorithm, DecodingKey};
use zeroize::Zeroizing;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    Hmac,
    Rsa,
    Ec(Curve),
    Ed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Curve {
    P256,
    P384,
    Other,
}

impl Family {
    pub fn describe(self) -> &'static str {
        match self {
            Family::Hmac => "an HMAC secret",
            Family::Rsa => "an RSA public key",
            Family::Ec(Curve::P256) => "an EC P-256 public key",
            Family::Ec(Curve::P384) => "an EC P-384 public key",
            Family::Ec(Curve::Other) => "an EC public key on an unsupported curve",
            Family::Ed => "an Ed25519 public key",
        }
    }
}

/// What the algorithm needs.
pub fn family_for(alg: Algorithm) -> Family {
    use Algorithm::*;
    match alg {
        HS256 | HS384 | HS512 => Family::Hmac,
        RS256 | RS384 | RS512 | PS256 | PS384 | PS512 => Family::Rsa,
        ES256 => Family::Ec(Curve::P256),
        ES384 => Family::Ec(Curve::P384),
        EdDSA => Family::Ed,
    }
}

/// One key, ready to verify with.
#[derive(Clone)]
pub struct Candidate {
    pub family: Family,
    pub key: DecodingKey,
    pub kid: Option<String>,
    pub limits: KeyLimits,
}

/// What a JWK says it may be used for (RFC 7517 §4.2–4.4); a secret or a PEM key has no such limits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyLimits {
    /// `use`: "sig" or "enc" (or another registered value).
    pub public_key_use: Option<String>,
    /// `key_ops`: "verify", "encrypt", …
    pub key_ops: Option<Vec<String>>,
    /// `alg`: the one algorithm the key is for.
    pub alg: Option<String>,
}

impl KeyLimits {
    fn of(jwk: &serde_json::Value) -> Self {
        let text = |name: &str| jwk.get(name).and_then(|v| v.as_str()).map(str::to_string);
        KeyLimits {
            public_key_use: text("use"),
            key_ops: jwk
                .get("key_ops")
                .and_then(|v| v.as_array())
                .map(|ops| ops.iter().filter_map(|o| o.as_str().map(str::to_string)).collect()),
            alg: text("alg"),
        }
    }

    /// Why the key may not verify a signature made with `alg`, if it may not.
    pub fn forbid(&self, alg: Algorithm) -> Option<String> {
        if let Some(u) = self.public_key_use.as_deref().filter(|u| *u != "sig") {
            return Some(format!(
                "its \"use\" is \"{u}\", not \"sig\": it is not for verifying signatures (RFC 7517 §4.2)"
            ));
        }
        if let Some(ops) = self.key_ops.as_ref().filter(|ops| !ops.iter().any(|o| o == "verify")) {
            return Some(format!(
                "its \"key_ops\" ({}) do not include \"verify\" (RFC 7517 §4.3)",
                if ops.is_empty() { "none".to_string() } else { ops.join(", ") }
            ));
        }
        if let Some(a) = self.alg.as_deref().filter(|a| *a != format!("{alg:?}")) {
            return Some(format!("it is for {a} only, and the token says {alg:?} (RFC 7517 §4.4)"));
        }
        None
    }
}

impl std::fmt::Debug for Candidate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Candidate").field("family", &self.family).field("kid", &self.kid).finish_non_exhaustive()
    }
}

/// What the user gave to verify with.
#[derive(Clone, Debug)]
pub enum VerifyKey {
    /// One key (a secret, a PEM public key, a single JWK): used whatever the token's `kid` says.
    Single { candidate: Candidate, label: String },
    /// A JWKS: the token's `kid` picks the key; without one, every key that fits is tried.
    Set { candidates: Vec<Candidate>, skipped: usize, label: String },
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum KeyError {
    #[error("the key file is not a PEM public key Keyden can read (RSA, EC P-256/P-384 or Ed25519): {0}")]
    BadPem(String),
    #[error("the JWK is not usable: {0}")]
    BadJwk(String),
    #[error("the key is empty")]
    Empty,
}

impl crate::Coded for KeyError {
    fn code(&self) -> &'static str {
        "invalid_key"
    }

    fn hint(&self) -> Option<String> {
        Some("give an HMAC secret, a PEM public key, or a JWK/JWKS".into())
    }
}

/// An HMAC secret: raw bytes, one trailing newline (or CRLF) trimmed, as editors and `echo` add.
pub fn secret(bytes: &[u8], label: impl Into<String>) -> Result<VerifyKey, KeyError> {
    let trimmed = bytes.strip_suffix(b"\r\n").or_else(|| bytes.strip_suffix(b"\n")).unwrap_or(bytes);
    if trimmed.is_empty() {
        return Err(KeyError::Empty);
    }
    let bytes = Zeroizing::new(trimmed.to_vec());
    Ok(VerifyKey::Single {
        candidate: Candidate {
            family: Family::Hmac,
            key: DecodingKey::from_secret(&bytes),
            kid: None,
            limits: KeyLimits::default(),
        },
        label: label.into(),
    })
}

/// The curve of an EC SubjectPublicKeyInfo, read from its OID.
fn pem_curve(pem: &str) -> Curve {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    let der = STANDARD.decode(body.trim()).unwrap_or_default();
    const P256: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
    const P384: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22];
    let has = |oid: &[u8]| der.windows(oid.len()).any(|w| w == oid);
    if has(P256) {
        Curve::P256
    } else if has(P384) {
        Curve::P384
    } else {
        Curve::Other
    }
}

/// A PEM public key (SPKI, or PKCS#1 RSA), or a certificate's key is not accepted: say so.
pub fn pem(text: &str, label: impl Into<String>) -> Result<VerifyKey, KeyError> {
    if text.contains("PRIVATE KEY") {
        return Err(KeyError::BadPem(
            "this is a private key; verify with the public key (never paste a private key)".into(),
        ));
    }
    let bytes = text.trim().as_bytes();
    let (family, key) = if let Ok(k) = DecodingKey::from_rsa_pem(bytes) {
        (Family::Rsa, k)
    } else if let Ok(k) = DecodingKey::from_ec_pem(bytes) {
        (Family::Ec(pem_curve(text)), k)
    } else if let Ok(k) = DecodingKey::from_ed_pem(bytes) {
        (Family::Ed, k)
    } else {
        return Err(KeyError::BadPem("no RSA, EC or Ed25519 public key found".into()));
    };
    Ok(VerifyKey::Single {
        candidate: Candidate { family, key, kid: None, limits: KeyLimits::default() },
        label: label.into(),
    })
}

fn candidate_from_jwk(raw: &serde_json::Value) -> Result<Candidate, KeyError> {
    let jwk: Jwk = serde_json::from_value(raw.clone()).map_err(|e| KeyError::BadJwk(e.to_string()))?;
    let family = match &jwk.algorithm {
        AlgorithmParameters::RSA(_) => Family::Rsa,
        AlgorithmParameters::EllipticCurve(p) => Family::Ec(match p.curve {
            EllipticCurve::P256 => Curve::P256,
            EllipticCurve::P384 => Curve::P384,
            _ => Curve::Other,
        }),
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => Family::Ed,
        AlgorithmParameters::OctetKeyPair(_) => return Err(KeyError::BadJwk("an OKP key that is not Ed25519".into())),
        AlgorithmParameters::OctetKey(_) => Family::Hmac,
    };
    let key = DecodingKey::from_jwk(&jwk).map_err(|e| KeyError::BadJwk(e.to_string()))?;
    Ok(Candidate { family, key, kid: jwk.common.key_id.clone(), limits: KeyLimits::of(raw) })
}

/// A JWK (one key) or a JWKS (`{"keys": [...]}`). Keys Keyden cannot use are skipped and counted,
/// so one exotic key does not make a whole provider's set unusable.
pub fn jwk_or_set(text: &str, label: impl Into<String>) -> Result<VerifyKey, KeyError> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| KeyError::BadJwk(format!("not JSON: {e}")))?;
    let label = label.into();
    if let Some(keys) = value.get("keys").and_then(|k| k.as_array()) {
        let mut candidates = Vec::new();
        let mut skipped = 0;
        for k in keys {
            match candidate_from_jwk(k) {
                Ok(c) => candidates.push(c),
                Err(_) => skipped += 1,
            }
        }
        return Ok(VerifyKey::Set { candidates, skipped, label });
    }
    Ok(VerifyKey::Single { candidate: candidate_from_jwk(&value)?, label })
}
