//! Decode + verify throughput inside the core, per algorithm, on the PyJWT fixtures.
//!   cargo bench -p keyden-core --bench inspect

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use keyden_core::inspect::{analyze, keys, Options};

fn bench(c: &mut Criterion) {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/fixtures/jwt/fixtures.json");
    let f: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let at = f["at"].as_i64().unwrap();
    let mut g = c.benchmark_group("decode_and_verify");
    g.throughput(Throughput::Elements(1));
    for alg in ["HS256", "RS256", "ES256"] {
        let case = f["cases"].as_array().unwrap().iter().find(|c| c["alg"] == alg).unwrap();
        let token = case["token"].as_str().unwrap().to_string();
        let key = match case.get("secret_b64") {
            Some(s) => keys::secret(&STANDARD.decode(s.as_str().unwrap()).unwrap(), "k").unwrap(),
            None => keys::pem(case["public_pem"].as_str().unwrap(), "k").unwrap(),
        };
        let opts = Options { at, key: Some(key), ..Default::default() };
        assert_eq!(analyze(&token, &opts).inspection.verdict, keyden_core::protocol::Verdict::Valid);
        g.bench_function(alg, |b| b.iter(|| analyze(&token, &opts)));
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
