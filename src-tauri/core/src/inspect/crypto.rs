//! jsonwebtoken's cryptography, backed by `ring`.
//!
//! Why not the crate's own `rust_crypto` backend: `ring` is already linked for TLS (rustls), and it
//! verifies an RS256 signature in a fraction of the work of the `rsa` crate's generic big integers
//! (callgrind, one `keyden inspect` process: 2.4 M instructions in `num-bigint-dig`'s `modpow` alone,
//! against 3.7 M for the whole process). Dropping `rust_crypto` also takes `rsa`, `p256`, `p384` and
//! `ed25519-dalek` out of every binary. jsonwebtoken 10 asks for exactly this seam: a
//! [`CryptoProvider`] installed once per process ([`install`]); every call into jsonwebtoken that signs
//! or verifies goes through [`verify`] or [`sign_hs256`] here, which install it first.
//!
//! Keyden signs only HMAC tokens (test tokens it mints); it verifies every JWS algorithm. RSA keys must
//! have 2048 to 8192 bits, as in `ring` (and jsonwebtoken's aws-lc backend): a shorter key is said to be
//! unusable, rather than its valid signature being called invalid.

use jsonwebtoken::crypto::{CryptoProvider, JwkUtils, JwtSigner, JwtVerifier};
use jsonwebtoken::errors::{Error, ErrorKind};
use jsonwebtoken::jwk::{EllipticCurve, ThumbprintHash};
use jsonwebtoken::signature::{self, Signer, Verifier};
use jsonwebtoken::{Algorithm, AlgorithmFamily, DecodingKey, DecodingKeyKind, EncodingKey};
use ring::signature::{self as sig, VerificationAlgorithm};
use ring::{digest, hmac};

/// The RSA modulus sizes `ring` verifies with (its `RSA_*_2048_8192_*` parameters).
const RSA_BITS: std::ops::RangeInclusive<usize> = 2048..=8192;

static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory: new_signer,
    verifier_factory: new_verifier,
    jwk_utils: JwkUtils { extract_rsa_public_key_components, extract_ec_public_key_coordinates, compute_digest },
};

/// Makes [`PROVIDER`] the process's jsonwebtoken backend. Idempotent; cheap after the first call.
pub fn install() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    // Err means a provider is already installed: only this module installs one, so it is this one.
    ONCE.call_once(|| {
        let _ = PROVIDER.install_default();
    });
}

/// Whether `signature_b64` is `key`'s signature of `message` under `alg`. `Err` when the key cannot be
/// used for `alg` at all (wrong family, malformed, an RSA key outside 2048–8192 bits).
pub fn verify(signature_b64: &str, message: &[u8], key: &DecodingKey, alg: Algorithm) -> Result<bool, Error> {
    install();
    jsonwebtoken::crypto::verify(signature_b64, message, key, alg)
}

/// An HS256 token over `claims`.
pub fn sign_hs256<T: serde::Serialize>(secret: &[u8], claims: &T) -> Result<String, Error> {
    install();
    jsonwebtoken::encode(&jsonwebtoken::Header::new(Algorithm::HS256), claims, &EncodingKey::from_secret(secret))
}

/// The HMAC behind an `HS*` algorithm.
fn hmac_for(alg: Algorithm) -> Option<hmac::Algorithm> {
    match alg {
        Algorithm::HS256 => Some(hmac::HMAC_SHA256),
        Algorithm::HS384 => Some(hmac::HMAC_SHA384),
        Algorithm::HS512 => Some(hmac::HMAC_SHA512),
        _ => None,
    }
}

/// `ring`'s parameters for an `RS*` or `PS*` algorithm.
fn rsa_for(alg: Algorithm) -> Option<&'static sig::RsaParameters> {
    match alg {
        Algorithm::RS256 => Some(&sig::RSA_PKCS1_2048_8192_SHA256),
        Algorithm::RS384 => Some(&sig::RSA_PKCS1_2048_8192_SHA384),
        Algorithm::RS512 => Some(&sig::RSA_PKCS1_2048_8192_SHA512),
        Algorithm::PS256 => Some(&sig::RSA_PSS_2048_8192_SHA256),
        Algorithm::PS384 => Some(&sig::RSA_PSS_2048_8192_SHA384),
        Algorithm::PS512 => Some(&sig::RSA_PSS_2048_8192_SHA512),
        _ => None,
    }
}

fn new_signer(alg: &Algorithm, key: &EncodingKey) -> Result<Box<dyn JwtSigner>, Error> {
    // Keyden never signs with a private key.
    let hmac_alg = hmac_for(*alg).ok_or(ErrorKind::InvalidAlgorithm)?;
    Ok(Box::new(HmacSigner { alg: *alg, key: hmac::Key::new(hmac_alg, key.try_get_hmac_secret()?) }))
}

fn new_verifier(alg: &Algorithm, key: &DecodingKey) -> Result<Box<dyn JwtVerifier>, Error> {
    use AlgorithmFamily as F;
    let want = |family: F| if key.family() == family { Ok(()) } else { Err(Error::from(ErrorKind::InvalidKeyFormat)) };
    let check = if let Some(h) = hmac_for(*alg) {
        Check::Hmac(hmac::Key::new(h, key.try_get_hmac_secret()?))
    } else if let Some(params) = rsa_for(*alg) {
        want(F::Rsa)?;
        let bits = rsa_modulus_bits(key)?;
        if !RSA_BITS.contains(&bits) {
            return Err(ErrorKind::InvalidRsaKey(format!(
                "the key has {bits} bits; RSA signatures are checked with keys of {} to {} bits",
                RSA_BITS.start(),
                RSA_BITS.end()
            ))
            .into());
        }
        Check::Rsa(params)
    } else {
        match alg {
            Algorithm::ES256 => want(F::Ec).map(|_| Check::Raw(&sig::ECDSA_P256_SHA256_FIXED))?,
            Algorithm::ES384 => want(F::Ec).map(|_| Check::Raw(&sig::ECDSA_P384_SHA384_FIXED))?,
            Algorithm::EdDSA => want(F::Ed).map(|_| Check::Raw(&sig::ED25519))?,
            _ => return Err(ErrorKind::InvalidAlgorithm.into()),
        }
    };
    Ok(Box::new(RingVerifier { alg: *alg, key: key.clone(), check }))
}

/// How one algorithm checks a signature.
enum Check {
    Hmac(hmac::Key),
    Rsa(&'static sig::RsaParameters),
    /// The key's bytes are the public key as `ring` reads it (an EC point, an Ed25519 key).
    Raw(&'static dyn VerificationAlgorithm),
}

struct RingVerifier {
    alg: Algorithm,
    key: DecodingKey,
    check: Check,
}

impl Verifier<Vec<u8>> for RingVerifier {
    fn verify(&self, msg: &[u8], signature: &Vec<u8>) -> Result<(), signature::Error> {
        use DecodingKeyKind as K;
        let checked = match (&self.check, self.key.kind()) {
            (Check::Hmac(k), _) => hmac::verify(k, msg, signature),
            (Check::Rsa(p), K::SecretOrDer(der)) => sig::UnparsedPublicKey::new(*p, der).verify(msg, signature),
            (Check::Rsa(p), K::RsaModulusExponent { n, e }) => {
                sig::RsaPublicKeyComponents { n, e }.verify(p, msg, signature)
            }
            (Check::Raw(a), _) => sig::UnparsedPublicKey::new(*a, self.key.as_bytes()).verify(msg, signature),
        };
        // A mismatch has no more to say: `ring` reports only that it is one.
        checked.map_err(|_| signature::Error::new())
    }
}

impl JwtVerifier for RingVerifier {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
}

struct HmacSigner {
    alg: Algorithm,
    key: hmac::Key,
}

impl Signer<Vec<u8>> for HmacSigner {
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, signature::Error> {
        Ok(hmac::sign(&self.key, msg).as_ref().to_vec())
    }
}

impl JwtSigner for HmacSigner {
    fn algorithm(&self) -> Algorithm {
        self.alg
    }
}

/// The RSA modulus's size in bits: from the JWK's `n`, or from the PKCS#1 `RSAPublicKey` that
/// jsonwebtoken keeps for a PEM key (SEQUENCE { modulus INTEGER, publicExponent INTEGER }).
fn rsa_modulus_bits(key: &DecodingKey) -> Result<usize, Error> {
    let bad = || Error::from(ErrorKind::InvalidRsaKey("not an RSA public key".into()));
    let n = match key.kind() {
        DecodingKeyKind::RsaModulusExponent { n, .. } => n.as_slice(),
        DecodingKeyKind::SecretOrDer(der) => {
            let (seq, _) = der_element(der, 0x30).ok_or_else(bad)?;
            der_element(seq, 0x02).ok_or_else(bad)?.0
        }
    };
    let n = &n[n.iter().take_while(|b| **b == 0).count()..];
    Ok(n.first().map_or(0, |top| n.len() * 8 - top.leading_zeros() as usize))
}

/// The contents of the DER element with `tag` at the start of `der`, and what follows it.
fn der_element(der: &[u8], tag: u8) -> Option<(&[u8], &[u8])> {
    let (&t, rest) = der.split_first()?;
    let (&first, rest) = rest.split_first()?;
    if t != tag {
        return None;
    }
    let (len, rest) = if first < 0x80 {
        (first as usize, rest)
    } else {
        let count = (first & 0x7f) as usize;
        if count == 0 || count > 4 || rest.len() < count {
            return None;
        }
        (rest[..count].iter().fold(0usize, |l, b| l << 8 | *b as usize), &rest[count..])
    };
    (rest.len() >= len).then(|| rest.split_at(len))
}

// JWK helpers: jsonwebtoken uses them only to build a JWK from a private key, which Keyden never does;
// they answer with an error (or, for the digest, compute it) rather than panic.
fn extract_rsa_public_key_components(_: &[u8]) -> Result<(Vec<u8>, Vec<u8>), Error> {
    Err(ErrorKind::InvalidAlgorithm.into())
}

fn extract_ec_public_key_coordinates(_: &[u8], _: Algorithm) -> Result<(EllipticCurve, Vec<u8>, Vec<u8>), Error> {
    Err(ErrorKind::InvalidAlgorithm.into())
}

fn compute_digest(data: &[u8], hash: ThumbprintHash) -> Vec<u8> {
    let alg = match hash {
        ThumbprintHash::SHA256 => &digest::SHA256,
        ThumbprintHash::SHA384 => &digest::SHA384,
        ThumbprintHash::SHA512 => &digest::SHA512,
    };
    digest::digest(alg, data).as_ref().to_vec()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn der_elements_with_short_and_long_lengths_and_truncated_input() {
        assert_eq!(der_element(&[0x02, 0x01, 0x05, 0xff], 0x02), Some((&[0x05][..], &[0xff][..])));
        let long: Vec<u8> = [0x02, 0x81, 0x80].into_iter().chain([7; 0x80]).collect();
        assert_eq!(der_element(&long, 0x02).map(|(v, rest)| (v.len(), rest.len())), Some((0x80, 0)));
        assert_eq!(der_element(&[0x02, 0x82, 0x01], 0x02), None, "length cut short");
        assert_eq!(der_element(&[0x02, 0x03, 0x01], 0x02), None, "contents cut short");
        assert_eq!(der_element(&[0x30, 0x01, 0x00], 0x02), None, "another tag");
        assert_eq!(der_element(&[0x02, 0x80], 0x02), None, "indefinite length is not DER");
        assert_eq!(der_element(&[], 0x02), None);
    }

    #[test]
    fn rsa_sizes_are_read_from_a_pem_key_and_from_a_jwk() {
        // 0x00 0xC1 ...: the sign byte does not count, the top bit of 0xC1 does.
        let n = [&[0u8, 0xC1][..], &[0xAB; 127][..]].concat();
        assert_eq!(rsa_modulus_bits(&DecodingKey::from_rsa_raw_components(&n, &[1, 0, 1])).unwrap(), 1024);
        let fixtures: serde_json::Value =
            serde_json::from_str(include_str!("../../../../tests/fixtures/jwt/fixtures.json")).unwrap();
        let rs = fixtures["cases"].as_array().unwrap().iter().find(|c| c["alg"] == "RS256").unwrap();
        let key = DecodingKey::from_rsa_pem(rs["public_pem"].as_str().unwrap().as_bytes()).unwrap();
        assert_eq!(rsa_modulus_bits(&key).unwrap(), 2048);
        assert!(rsa_modulus_bits(&DecodingKey::from_rsa_der(&[0x30, 0x00])).is_err());
    }

    #[test]
    fn keyden_signs_hmac_only_and_verifies_what_it_signed() {
        let token = sign_hs256(b"k", &serde_json::json!({"sub": "x"})).unwrap();
        let (input, sig) = token.rsplit_once('.').unwrap();
        assert_eq!(verify(sig, input.as_bytes(), &DecodingKey::from_secret(b"k"), Algorithm::HS256), Ok(true));
        assert_eq!(verify(sig, input.as_bytes(), &DecodingKey::from_secret(b"j"), Algorithm::HS256), Ok(false));
        let rsa = EncodingKey::from_rsa_der(&[0x30, 0x00]);
        let refused = jsonwebtoken::encode(&jsonwebtoken::Header::new(Algorithm::RS256), &serde_json::json!({}), &rsa);
        assert_eq!(refused.unwrap_err().kind(), &ErrorKind::InvalidAlgorithm);
    }
}
