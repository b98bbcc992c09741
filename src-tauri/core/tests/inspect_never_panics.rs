//! Property test: whatever the input — arbitrary bytes, or a valid token mutated at random — the
//! inspector never panics and always answers with exactly one verdict. Bounded by case count so it
//! takes a few seconds in CI (PROPTEST_CASES raises it for a longer run).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use keyden_core::inspect::{analyze, keys, Options};
use keyden_core::protocol::Verdict;
use proptest::prelude::*;

const VALID: &str = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";

fn options(with_key: bool) -> Options {
    Options {
        at: 1_300_819_370,
        key: with_key.then(|| keys::secret(b"some secret", "k").unwrap()),
        audience: Some("a".into()),
        ..Default::default()
    }
}

fn judged(input: &str, with_key: bool) -> Verdict {
    let i = analyze(input, &options(with_key)).inspection;
    assert_eq!(i.findings.first(), Some(&i.verdict), "the verdict is the first finding");
    assert!(!i.diagnosis.is_empty());
    i.verdict
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000),
        ..Default::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600), key in any::<bool>()) {
        judged(&String::from_utf8_lossy(&bytes), key);
    }

    #[test]
    fn three_arbitrary_segments_never_panic(a in "[A-Za-z0-9_=+/-]{0,80}", b in "[A-Za-z0-9_=+/-]{0,80}", c in "[A-Za-z0-9_-]{0,90}", key in any::<bool>()) {
        judged(&format!("{a}.{b}.{c}"), key);
    }

    #[test]
    fn mutated_valid_tokens_never_panic(pos in 0usize..VALID.len(), byte in any::<u8>(), cut in 0usize..VALID.len(), key in any::<bool>()) {
        let mut bytes = VALID.as_bytes().to_vec();
        bytes[pos] = byte;
        judged(&String::from_utf8_lossy(&bytes), key);
        judged(&VALID[..cut], key);
    }

    #[test]
    fn arbitrary_json_headers_and_claims_never_panic(header in json(), claims in json(), sig in "[A-Za-z0-9_-]{0,64}", key in any::<bool>()) {
        let t = format!("{}.{}.{sig}", URL_SAFE_NO_PAD.encode(header.to_string()), URL_SAFE_NO_PAD.encode(claims.to_string()));
        judged(&t, key);
    }
}

/// JSON values biased toward what JOSE headers and claims hold: alg, kid, exp, nbf, aud…
fn json() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f).map(serde_json::Value::Number).unwrap_or_default()),
        prop_oneof![
            Just("HS256".to_string()),
            Just("none".to_string()),
            Just("RS256".to_string()),
            Just("EdDSA".to_string()),
            "[a-zA-Z0-9]{0,8}"
        ]
        .prop_map(serde_json::Value::from),
    ];
    let keys = prop_oneof![
        Just("alg"),
        Just("kid"),
        Just("exp"),
        Just("nbf"),
        Just("iat"),
        Just("aud"),
        Just("iss"),
        Just("dest"),
        Just("x")
    ];
    leaf.prop_recursive(3, 24, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            proptest::collection::btree_map(keys.clone().prop_map(str::to_string), inner, 0..6)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn the_valid_token_is_valid_under_its_own_key() {
    let key = URL_SAFE_NO_PAD
        .decode("AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow")
        .unwrap();
    let opts = Options { at: 1_300_819_370, key: Some(keys::secret(&key, "k").unwrap()), ..Default::default() };
    assert_eq!(analyze(VALID, &opts).inspection.verdict, Verdict::Valid);
}
