//! The inspect contract, rule by rule, with the published RFC examples reproduced exactly.

use super::keys::{jwk_or_set, pem, secret};
use super::*;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// exp of every RFC 7515 appendix A example.
const RFC_EXP: i64 = 1_300_819_380;
const RFC_BEFORE: i64 = RFC_EXP - 10;

const A1_HS256: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const A1_JWK: &str =
    r#"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#;
const A2_RS256: &str = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqvhJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
const A2_N: &str = "ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ";
const A3_ES256: &str = "eyJhbGciOiJFUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const A3_JWK: &str = r#"{"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}"#;
const A5_NONE: &str = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.";
const RFC8037_A4: &str = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";
const RFC8037_JWK: &str = r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"#;

fn rsa_jwk(kid: Option<&str>) -> String {
    match kid {
        Some(k) => format!(r#"{{"kty":"RSA","kid":"{k}","n":"{A2_N}","e":"AQAB"}}"#),
        None => format!(r#"{{"kty":"RSA","n":"{A2_N}","e":"AQAB"}}"#),
    }
}

fn run(token: &str, at: i64, key: Option<VerifyKey>) -> Inspection {
    analyze(token, &Options { at, key, ..Default::default() }).inspection
}

fn verdict(token: &str, at: i64, key: Option<VerifyKey>) -> Verdict {
    run(token, at, key).verdict
}

#[test]
fn rfc7515_a1_hs256_verifies_and_then_expires() {
    let key = || Some(jwk_or_set(A1_JWK, "the RFC key").unwrap());
    let i = run(A1_HS256, RFC_BEFORE, key());
    assert_eq!(i.verdict, Verdict::Valid, "{}", i.diagnosis);
    assert_eq!(i.alg.as_deref(), Some("HS256"));
    assert_eq!(i.claims.unwrap()["iss"], "joe");
    // The same key as raw bytes, the way --secret-file reads it (need not be UTF-8).
    let raw = URL_SAFE_NO_PAD
        .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
        .unwrap();
    assert!(std::str::from_utf8(&raw).is_err());
    assert_eq!(verdict(A1_HS256, RFC_BEFORE, Some(secret(&raw, "bytes").unwrap())), Verdict::Valid);
    let expired = run(A1_HS256, 1_700_000_000, key());
    assert_eq!(expired.verdict, Verdict::Expired);
    assert!(expired.diagnosis.contains("not your API key's"), "{}", expired.diagnosis);
    assert_eq!(
        verdict(A1_HS256, RFC_BEFORE, Some(secret(b"another app's secret", "s").unwrap())),
        Verdict::InvalidSignature
    );
}

#[test]
fn rfc7515_a2_rs256_verifies_with_its_jwk() {
    assert_eq!(verdict(A2_RS256, RFC_BEFORE, Some(jwk_or_set(&rsa_jwk(None), "jwk").unwrap())), Verdict::Valid);
    // Without a key: decoded, not verified.
    assert_eq!(verdict(A2_RS256, RFC_BEFORE, None), Verdict::Unverified);
    // A secret offered for RS256 does not fit.
    assert_eq!(verdict(A2_RS256, RFC_BEFORE, Some(secret(b"secret", "s").unwrap())), Verdict::KeyMismatch);
}

#[test]
fn rfc7515_a3_es256_verifies_and_an_rsa_key_does_not_fit() {
    assert_eq!(verdict(A3_ES256, RFC_BEFORE, Some(jwk_or_set(A3_JWK, "jwk").unwrap())), Verdict::Valid);
    let i = run(A3_ES256, RFC_BEFORE, Some(jwk_or_set(&rsa_jwk(None), "jwk").unwrap()));
    assert_eq!(i.verdict, Verdict::KeyMismatch);
    assert!(i.diagnosis.contains("ES256 needs an EC P-256 public key"), "{}", i.diagnosis);
}

#[test]
fn rfc7515_a5_alg_none_is_unsupported_with_or_without_a_key() {
    assert_eq!(verdict(A5_NONE, RFC_BEFORE, None), Verdict::UnsupportedAlgorithm);
    assert_eq!(verdict(A5_NONE, RFC_BEFORE, Some(secret(b"k", "s").unwrap())), Verdict::UnsupportedAlgorithm);
    // Any case, and even when the token is also expired: unsupported_algorithm comes first.
    let none_upper =
        format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"NoNe"}"#), URL_SAFE_NO_PAD.encode(r#"{"exp":1}"#));
    let i = run(&none_upper, 1_700_000_000, None);
    assert_eq!(i.verdict, Verdict::UnsupportedAlgorithm);
    assert_eq!(i.findings, [Verdict::UnsupportedAlgorithm, Verdict::Expired]);
    let unknown = format!("{}.{}.", URL_SAFE_NO_PAD.encode(r#"{"alg":"HS1024"}"#), URL_SAFE_NO_PAD.encode("{}"));
    assert_eq!(verdict(&unknown, 0, None), Verdict::UnsupportedAlgorithm);
}

#[test]
fn rfc8037_a4_ed25519_signature_verifies_exactly() {
    // The example signs a sentence, not a claims set: the signature is right, the JWT is malformed.
    let d = decode::Decoded {
        header: Default::default(),
        claims: Default::default(),
        signing_input: "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc".into(),
        signature_b64: RFC8037_A4.rsplit('.').next().unwrap().into(),
        duplicates: Vec::new(),
    };
    let key = jwk_or_set(RFC8037_JWK, "the RFC 8037 key").unwrap();
    assert_eq!(
        signature::check(&d, Algorithm::EdDSA, &key),
        SignatureOutcome::Verified { by: "the RFC 8037 key".into() }
    );
    let tampered = decode::Decoded { signing_input: format!("{}x", d.signing_input), ..d };
    assert!(matches!(signature::check(&tampered, Algorithm::EdDSA, &key), SignatureOutcome::Invalid(_)));
    let i = run(RFC8037_A4, 0, Some(jwk_or_set(RFC8037_JWK, "k").unwrap()));
    assert_eq!(i.verdict, Verdict::Malformed);
    assert!(i.diagnosis.contains("claims (segment 2)"), "{}", i.diagnosis);
}

#[test]
fn a_public_key_offered_for_hs256_is_named_as_algorithm_confusion() {
    let pem_text = "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEf83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEXH8UTNG72bfocs3+257rn0s2ldbqkLJK2KRiMohYjlrQ==\n-----END PUBLIC KEY-----\n";
    let key = pem(pem_text, "key.pem").unwrap();
    let i = run(A1_HS256, RFC_BEFORE, Some(key.clone()));
    assert_eq!(i.verdict, Verdict::KeyMismatch);
    assert!(i.diagnosis.contains("algorithm-confusion"), "{}", i.diagnosis);
    // The same PEM is the RFC's ES256 key: it verifies A.3.
    assert_eq!(verdict(A3_ES256, RFC_BEFORE, Some(key)), Verdict::Valid);
    assert!(pem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----", "p").is_err());
}

#[test]
fn jwks_kid_picks_the_key_and_only_that_key() {
    let set = |keys: &[String]| jwk_or_set(&format!(r#"{{"keys":[{}]}}"#, keys.join(",")), "the JWKS").unwrap();
    let with_kid = |kid: &str| {
        let header = URL_SAFE_NO_PAD.encode(format!(r#"{{"alg":"RS256","kid":"{kid}"}}"#));
        // Re-sign is impossible without the private key: reuse A.2's payload and signature under a new
        // header — the signature then covers another input, exactly what a wrong key looks like.
        let mut parts = A2_RS256.split('.');
        let (_, payload, sig) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
        format!("{header}.{payload}.{sig}")
    };
    let a2_kid = || {
        // A.2 exactly, but the JWKS names its key "a2": a token without kid tries every RSA key.
        set(&[rsa_jwk(Some("other")), rsa_jwk(Some("a2"))])
    };
    assert_eq!(verdict(A2_RS256, RFC_BEFORE, Some(a2_kid())), Verdict::Valid, "no kid: fitting keys are tried");
    assert_eq!(verdict(&with_kid("a2"), RFC_BEFORE, Some(a2_kid())), Verdict::InvalidSignature);
    let missing = run(&with_kid("nope"), RFC_BEFORE, Some(a2_kid()));
    assert_eq!(missing.verdict, Verdict::KeyMismatch);
    assert!(missing.diagnosis.contains("kid \"nope\""), "{}", missing.diagnosis);
    // Only EC keys in the set: nothing fits RS256.
    assert_eq!(verdict(A2_RS256, RFC_BEFORE, Some(set(&[A3_JWK.to_string()]))), Verdict::KeyMismatch);
    // Keys Keyden cannot use are skipped, not fatal.
    let odd = set(&[r#"{"kty":"EC","crv":"P-521","x":"AA","y":"AA"}"#.to_string(), rsa_jwk(None)]);
    assert_eq!(verdict(A2_RS256, RFC_BEFORE, Some(odd)), Verdict::Valid);
}

fn token(claims: &str) -> String {
    crate::inspect::crypto::install();
    let sig = jsonwebtoken::crypto::sign(
        format!("{}.{}", URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#), URL_SAFE_NO_PAD.encode(claims))
            .as_bytes(),
        &jsonwebtoken::EncodingKey::from_secret(b"k"),
        Algorithm::HS256,
    )
    .unwrap();
    format!("{}.{}.{sig}", URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#), URL_SAFE_NO_PAD.encode(claims))
}

fn judged(t: &str, at: i64, leeway: i64) -> Verdict {
    analyze(t, &Options { at, leeway, key: Some(secret(b"k", "k").unwrap()), ..Default::default() }).inspection.verdict
}

#[test]
fn expiry_and_not_before_boundaries_with_leeway() {
    let t = token(r#"{"nbf":1000,"exp":2000}"#);
    assert_eq!(judged(&t, 1999, 0), Verdict::Valid);
    assert_eq!(judged(&t, 2000, 0), Verdict::Expired, "expired when at >= exp + leeway");
    assert_eq!(judged(&t, 2009, 10), Verdict::Valid);
    assert_eq!(judged(&t, 2010, 10), Verdict::Expired);
    assert_eq!(judged(&t, 1000, 0), Verdict::Valid);
    assert_eq!(judged(&t, 999, 0), Verdict::NotYetValid, "not yet valid when at < nbf - leeway");
    assert_eq!(judged(&t, 990, 10), Verdict::Valid);
    assert_eq!(judged(&t, 989, 10), Verdict::NotYetValid);
}

#[test]
fn a_token_without_exp_never_expires_and_aud_is_checked_only_when_asked() {
    let t = token(r#"{"aud":"client-a"}"#);
    assert_eq!(judged(&t, i64::MAX / 2, 0), Verdict::Valid);
    let with_aud = |aud: &str| {
        analyze(
            &t,
            &Options { key: Some(secret(b"k", "k").unwrap()), audience: Some(aud.into()), ..Default::default() },
        )
        .inspection
    };
    assert_eq!(with_aud("client-a").verdict, Verdict::Valid);
    let wrong = with_aud("client-b");
    assert_eq!(wrong.verdict, Verdict::WrongAudience);
    assert!(wrong.diagnosis.contains("client-a") && wrong.diagnosis.contains("client-b"), "{}", wrong.diagnosis);
    let list = token(r#"{"aud":["x","client-b"]}"#);
    let opts =
        Options { key: Some(secret(b"k", "k").unwrap()), audience: Some("client-b".into()), ..Default::default() };
    assert_eq!(analyze(&list, &opts).inspection.verdict, Verdict::Valid);
}

#[test]
fn issuer_is_compared_exactly() {
    let t = token(r#"{"iss":"https://a.example"}"#);
    let with_iss = |iss: &str| {
        analyze(&t, &Options { key: Some(secret(b"k", "k").unwrap()), issuer: Some(iss.into()), ..Default::default() })
            .inspection
            .verdict
    };
    assert_eq!(with_iss("https://a.example"), Verdict::Valid);
    assert_eq!(with_iss("https://b.example"), Verdict::WrongIssuer);
}

#[test]
fn precedence_follows_the_contract() {
    // Signed with "k", judged with "other", expired, wrong audience and issuer: invalid_signature wins.
    let t = token(r#"{"exp":10,"aud":"x","iss":"y"}"#);
    let opts = Options {
        at: 100,
        key: Some(secret(b"other", "o").unwrap()),
        audience: Some("z".into()),
        issuer: Some("w".into()),
        ..Default::default()
    };
    let i = analyze(&t, &opts).inspection;
    assert_eq!(i.findings, [Verdict::InvalidSignature, Verdict::Expired, Verdict::WrongAudience, Verdict::WrongIssuer]);
    assert_eq!(i.verdict, Verdict::InvalidSignature);
    // A claim that is not a NumericDate makes the token malformed, above all else.
    let bad_exp = token(r#"{"exp":"tomorrow"}"#);
    assert_eq!(judged(&bad_exp, 0, 0), Verdict::Malformed);
    // Wrong audience beats wrong issuer.
    let o2 = Options { audience: Some("z".into()), issuer: Some("w".into()), ..Default::default() };
    assert_eq!(analyze(&token(r#"{"aud":"x","iss":"y"}"#), &o2).inspection.verdict, Verdict::WrongAudience);
}

#[test]
fn the_shopify_profile_checks_secret_audience_and_issuer() {
    let claims = mint::shopify_session_claims("client-123", "shop.myshopify.com", "42", 1_000, 60).unwrap();
    let t = mint::hs256(b"app-secret", &claims).unwrap();
    let profile = |secret_bytes: &[u8], api_key: &str, at: i64| {
        analyze(
            &t,
            &Options {
                at,
                key: Some(secret(secret_bytes, "the app secret").unwrap()),
                shopify_api_key: Some(api_key.into()),
                ..Default::default()
            },
        )
        .inspection
    };
    let ok = profile(b"app-secret", "client-123", 1_030);
    assert_eq!(ok.verdict, Verdict::Valid, "{}", ok.diagnosis);
    assert!(matches!(ok.kind, TokenKind::ShopifySessionToken { ref shop } if shop == "shop.myshopify.com"));
    assert_eq!(ok.times.lifetime_seconds, Some(60));
    assert!(ok.diagnosis.contains("fetch a fresh one per request"), "{}", ok.diagnosis);
    assert_eq!(profile(b"app-secret", "client-999", 1_030).verdict, Verdict::WrongAudience);
    assert_eq!(profile(b"other-secret", "client-123", 1_030).verdict, Verdict::InvalidSignature);
    let late = profile(b"app-secret", "client-123", 1_065);
    assert_eq!(late.verdict, Verdict::Expired);
    assert!(late.diagnosis.contains("allow 10 s of clock skew"), "{}", late.diagnosis);
    // iss must be dest + "/admin".
    let mut forged = claims.clone();
    forged["iss"] = serde_json::json!("https://evil.example/admin");
    let forged = mint::hs256(b"app-secret", &forged).unwrap();
    let o = Options {
        at: 1_030,
        key: Some(secret(b"app-secret", "s").unwrap()),
        shopify_api_key: Some("client-123".into()),
        ..Default::default()
    };
    assert_eq!(analyze(&forged, &o).inspection.verdict, Verdict::WrongIssuer);
}

#[test]
fn pasted_tokens_lose_their_whitespace_and_bearer_prefix() {
    let t = format!("Bearer {A1_HS256}\n\n");
    assert_eq!(verdict(&t, RFC_BEFORE, Some(jwk_or_set(A1_JWK, "k").unwrap())), Verdict::Valid);
    assert_eq!(secret(b"k\n", "s").map(|_| ()), secret(b"k", "s").map(|_| ()));
}

#[test]
fn opaque_keys_are_recognised_not_verified() {
    let i = run("shpat_0123456789abcdef0123456789abcdef", 0, None);
    assert_eq!(i.verdict, Verdict::Unverified);
    assert!(matches!(i.kind, TokenKind::OpaqueKey { ref provider, .. } if provider == "shopify"));
    assert!(i.diagnosis.contains("Admin API access token"));
    assert!(!i.diagnosis.contains("0123456789abcdef0123"), "the diagnosis shows the redacted form only");
    assert_eq!(run("hello world", 0, None).verdict, Verdict::Malformed);
}

#[test]
fn huge_input_is_refused_without_parsing() {
    let huge = "a".repeat(1024 * 1024);
    let i = run(&huge, 0, None);
    assert_eq!(i.verdict, Verdict::Malformed);
    assert!(i.diagnosis.contains("refuses"), "{}", i.diagnosis);
}

#[test]
fn extreme_numeric_dates_and_leeway_do_not_overflow() {
    // Found by the property test: exp − iat overflowed i64.
    let t = token(r#"{"exp":-1042354078909764375,"iat":8181017957945011434,"nbf":-9223372036854775808}"#);
    let i = analyze(&t, &Options { at: 0, leeway: i64::MAX, ..Default::default() }).inspection;
    assert_eq!(i.times.lifetime_seconds, Some(i64::MIN));
    assert_eq!(i.verdict, Verdict::Unverified, "an enormous leeway forgives everything: {}", i.diagnosis);
    let i = analyze(&t, &Options { at: i64::MAX, ..Default::default() }).inspection;
    assert_eq!(i.verdict, Verdict::Expired);
}

/// An HS256 token over exactly these header and claims bytes (duplicates and all).
fn hs256(header: &str, claims: &str, key: &[u8]) -> String {
    use hmac::{Mac, SimpleHmac};
    let input = format!("{}.{}", URL_SAFE_NO_PAD.encode(header), URL_SAFE_NO_PAD.encode(claims));
    let mut mac = SimpleHmac::<sha2::Sha256>::new_from_slice(key).unwrap();
    mac.update(input.as_bytes());
    format!("{input}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

#[test]
fn rfc7515_crit_an_unknown_extension_is_rejected_whatever_the_signature() {
    let key = || Some(secret(b"the app secret", "the app secret").unwrap());
    let plain = hs256(r#"{"alg":"HS256"}"#, r#"{"sub":"1"}"#, b"the app secret");
    assert_eq!(verdict(&plain, 0, key()), Verdict::Valid);
    let crit = hs256(r#"{"alg":"HS256","crit":["b64"],"b64":false}"#, r#"{"sub":"1"}"#, b"the app secret");
    let i = run(&crit, 0, key());
    assert_eq!(i.verdict, Verdict::UnknownCritical, "{}", i.diagnosis);
    assert!(i.diagnosis.contains("\"b64\"") && i.diagnosis.contains("4.1.11"), "{}", i.diagnosis);
    for (header, why) in [
        (r#"{"alg":"HS256","crit":[]}"#, "non-empty array"),
        (r#"{"alg":"HS256","crit":"b64","b64":false}"#, "non-empty array"),
        (r#"{"alg":"HS256","crit":[1]}"#, "not a name"),
        (r#"{"alg":"HS256","crit":["alg"]}"#, "standard itself defines"),
        (r#"{"alg":"HS256","crit":["exp"]}"#, "no such member"),
    ] {
        let i = run(&hs256(header, r#"{"sub":"1"}"#, b"the app secret"), 0, key());
        assert_eq!(i.verdict, Verdict::Malformed, "{header}: {}", i.diagnosis);
        assert!(i.diagnosis.contains(why), "{header}: {}", i.diagnosis);
    }
}

#[test]
fn rfc7517_a_jwk_verifies_only_what_its_use_key_ops_and_alg_allow() {
    let with = |extra: &str| format!(r#"{{"kty":"RSA","n":"{A2_N}","e":"AQAB"{extra}}}"#);
    for (extra, why) in [
        (r#","use":"enc""#, "\"use\" is \"enc\""),
        (r#","key_ops":["encrypt","wrapKey"]"#, "encrypt, wrapKey"),
        (r#","alg":"RS384""#, "for RS384 only"),
    ] {
        let i = run(A2_RS256, RFC_BEFORE, Some(jwk_or_set(&with(extra), "the JWK").unwrap()));
        assert_eq!(i.verdict, Verdict::KeyMismatch, "{extra}: {}", i.diagnosis);
        assert!(i.diagnosis.contains(why), "{extra}: {}", i.diagnosis);
        let set = format!(r#"{{"keys":[{}]}}"#, with(extra));
        let i = run(A2_RS256, RFC_BEFORE, Some(jwk_or_set(&set, "the JWKS").unwrap()));
        assert_eq!(i.verdict, Verdict::KeyMismatch, "{extra} in a set: {}", i.diagnosis);
        assert!(i.diagnosis.contains("by their use, key_ops or alg"), "{}", i.diagnosis);
    }
    let allowed = with(r#","use":"sig","key_ops":["verify"],"alg":"RS256""#);
    assert_eq!(verdict(A2_RS256, RFC_BEFORE, Some(jwk_or_set(&allowed, "the JWK").unwrap())), Verdict::Valid);
}

#[test]
fn duplicate_members_are_shown_and_the_last_one_counts() {
    let key = || Some(secret(b"k", "k").unwrap());
    let token = hs256(r#"{"alg":"none","alg":"HS256"}"#, r#"{"sub":"a","sub":"b"}"#, b"k");
    let i = run(&token, 0, key());
    assert_eq!(i.verdict, Verdict::Valid, "{}", i.diagnosis);
    assert_eq!(i.claims.unwrap()["sub"], "b");
    assert_eq!(i.duplicate_members, ["header.alg", "claims.sub"]);
    assert!(i.diagnosis.contains("header.alg, claims.sub more than once"), "{}", i.diagnosis);
}

/// RS256 over {"sub":"weak"} by a 1024-bit RSA key (made with `openssl genrsa 1024` and `openssl dgst`).
const WEAK_RS256: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ3ZWFrIn0.dNry_XBXDCr8EulaDJAyLhUoHZuGq1j2CpeLqZoCbL4SaUG2JNADXk9e6CBiLAhN47U7-11C9yoa9xHItOlO1gcCOCCefxhJimGth5EjltJ8Lzz4_18Ko6NI24OZ0_FxNogu-2LKhv4OX_xryUNF1QxjsxbedtbJEjcTwS8fYsI";
const WEAK_PEM: &str = "-----BEGIN PUBLIC KEY-----
MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDBSVuEZmJPbTkSBudO1giE8SqY
D9I0f67HbXQGTVHLsbuM2Pgj8XbJfVmFZ3YNK0sQxnmJzxD6E7p1TMDi9sQ0GimN
t+TfvuBTQE9dMyA79XSXHdmijE9LRLlbL7SCkkbKg3S8ttzrtKgRDEcVZhF/SG0/
2kzH3kcD3ImbfJBYUQIDAQAB
-----END PUBLIC KEY-----";
const WEAK_N: &str = "wUlbhGZiT205EgbnTtYIhPEqmA_SNH-ux210Bk1Ry7G7jNj4I_F2yX1ZhWd2DStLEMZ5ic8Q-hO6dUzA4vbENBopjbfk377gU0BPXTMgO_V0lx3ZooxPS0S5Wy-0gpJGyoN0vLbc67SoEQxHFWYRf0htP9pMx95HA9yJm3yQWFE";

#[test]
fn an_rsa_key_under_2048_bits_is_named_unusable_not_a_forged_signature() {
    // The signature is genuine: calling it invalid would send the user looking for another key.
    let jwk = format!(r#"{{"kty":"RSA","n":"{WEAK_N}","e":"AQAB"}}"#);
    for key in [pem(WEAK_PEM, "weak.pem").unwrap(), jwk_or_set(&jwk, "the weak JWK").unwrap()] {
        let i = run(WEAK_RS256, 0, Some(key));
        assert_eq!(i.verdict, Verdict::KeyMismatch, "{}", i.diagnosis);
        assert!(i.diagnosis.contains("1024 bits") && i.diagnosis.contains("2048 to 8192"), "{}", i.diagnosis);
    }
}
