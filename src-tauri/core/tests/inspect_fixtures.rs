//! Tokens made by an independent implementation (PyJWT, tests/fixtures/jwt/make_fixtures.py) for every
//! algorithm Keyden verifies, judged the way the contract says.

use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use keyden_core::inspect::{analyze, keys, Options, VerifyKey};
use keyden_core::protocol::Verdict;
use serde_json::Value;

fn fixtures() -> Value {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/jwt/fixtures.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("fixtures.json")).unwrap()
}

fn key_of(case: &Value) -> VerifyKey {
    match (case.get("secret_b64"), case.get("public_pem")) {
        (Some(s), _) => keys::secret(&STANDARD.decode(s.as_str().unwrap()).unwrap(), "the fixture secret").unwrap(),
        (_, Some(p)) => keys::pem(p.as_str().unwrap(), "the fixture key").unwrap(),
        _ => panic!("a case without a key"),
    }
}

fn judge(token: &str, at: i64, key: Option<VerifyKey>, aud: Option<&str>) -> Verdict {
    analyze(token, &Options { at, key, audience: aud.map(str::to_string), ..Default::default() }).inspection.verdict
}

/// Replaces the claims segment, keeping header and signature: a tampered token.
fn tampered(token: &str) -> String {
    let parts: Vec<&str> = token.split('.').collect();
    let claims = URL_SAFE_NO_PAD.encode(r#"{"sub":"admin","exp":1700000060}"#);
    format!("{}.{claims}.{}", parts[0], parts[2])
}

#[test]
fn every_algorithm_from_pyjwt_verifies_and_is_judged_by_the_contract() {
    let f = fixtures();
    let at = f["at"].as_i64().unwrap();
    let exp = f["claims"]["exp"].as_i64().unwrap();
    let nbf = f["claims"]["nbf"].as_i64().unwrap();
    let jwks = keys::jwk_or_set(&f["jwks"].to_string(), "the fixture JWKS").unwrap();
    let cases = f["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 12);
    for case in cases {
        let alg = case["alg"].as_str().unwrap();
        let token = case["token"].as_str().unwrap();
        let v = |at: i64, key: Option<VerifyKey>, aud: Option<&str>| judge(token, at, key, aud);
        assert_eq!(v(at, Some(key_of(case)), None), Verdict::Valid, "{alg}");
        assert_eq!(v(at, Some(key_of(case)), Some("keyden-tests")), Verdict::Valid, "{alg} aud");
        assert_eq!(v(at, Some(key_of(case)), Some("someone-else")), Verdict::WrongAudience, "{alg} aud");
        assert_eq!(v(exp, Some(key_of(case)), None), Verdict::Expired, "{alg} at exp");
        assert_eq!(v(nbf - 1, Some(key_of(case)), None), Verdict::NotYetValid, "{alg} before nbf");
        assert_eq!(v(at, None, None), Verdict::Unverified, "{alg} without a key");
        assert_eq!(judge(&tampered(token), at, Some(key_of(case)), None), Verdict::InvalidSignature, "{alg} tampered");
        let from_set = v(at, Some(jwks.clone()), None);
        if alg.starts_with("HS") {
            assert_eq!(from_set, Verdict::KeyMismatch, "{alg}: the public JWKS has no key for its kid");
        } else {
            assert_eq!(from_set, Verdict::Valid, "{alg}: the kid picks the key from the JWKS");
        }
    }
}

#[test]
fn keys_of_the_wrong_kind_are_key_mismatch() {
    let f = fixtures();
    let at = f["at"].as_i64().unwrap();
    let case = |alg: &str| f["cases"].as_array().unwrap().iter().find(|c| c["alg"] == alg).unwrap().clone();
    // A secret for RS256; an RSA key for ES256; a P-384 key for ES256; a public key for HS256.
    for (token_alg, key_alg) in
        [("RS256", "HS256"), ("ES256", "RS256"), ("ES256", "ES384"), ("HS256", "RS256"), ("EdDSA", "ES256")]
    {
        let verdict = judge(case(token_alg)["token"].as_str().unwrap(), at, Some(key_of(&case(key_alg))), None);
        assert_eq!(verdict, Verdict::KeyMismatch, "{token_alg} checked with the {key_alg} key");
    }
    // Same family, other key: a plain invalid signature.
    let other_secret = keys::secret(b"another secret", "s").unwrap();
    assert_eq!(
        judge(case("HS512")["token"].as_str().unwrap(), at, Some(other_secret), None),
        Verdict::InvalidSignature
    );
}
