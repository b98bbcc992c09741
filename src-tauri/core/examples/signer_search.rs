//! How long naming the signer takes among N vault secrets, cold (every secret read from the OS
//! keyring) and warm (the vault's in-memory copy), against the floor of N bare HMAC checks.
//! Run inside a Secret Service session (scripts/bench.sh does):
//!   cargo run --release -p keyden-core --example signer_search -- 1000

use keyden_core::clock::SystemClock;
use keyden_core::inspect::{analyze, keys, mint, Options};
use keyden_core::secret::SecretValue;
use keyden_core::secret_store::OsKeyring;
use keyden_core::vault::{NewKeyMeta, Vault};
use std::sync::Arc;
use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let n: usize = std::env::args().nth(1).and_then(|v| v.parse().ok()).unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    let open = || async {
        Vault::open(dir.path(), Arc::new(OsKeyring::default()), Arc::new(SystemClock), "bench").await.unwrap().0
    };
    let vault = open().await;
    let t = Instant::now();
    for i in 0..n {
        let meta = NewKeyMeta {
            title: format!("app {i} client secret"),
            account: format!("client-{i}"),
            kind: Some(keyden_core::protocol::KeyKind::ClientSecret),
            ..Default::default()
        };
        vault.add(meta, SecretValue::from_input(format!("shpss_{i:032x}").into_bytes()).unwrap()).await.unwrap();
    }
    println!("seeded {n} secrets into the keyring in {:.1} s", t.elapsed().as_secs_f64());
    // Signed by the last one: the search has to try (almost) all of them.
    let signer = format!("shpss_{:032x}", n - 1);
    let claims = mint::shopify_session_claims("client-x", "demo.myshopify.com", "1", 1_000, 60).unwrap();
    let token = mint::hs256(signer.as_bytes(), &claims).unwrap();
    let analysis = analyze(&token, &Options { at: 1_010, ..Default::default() });

    let fresh = open().await; // a new process's view: nothing cached
    let t = Instant::now();
    let (found, tried) = fresh.find_signer(&analysis).await.unwrap();
    let cold = t.elapsed();
    assert_eq!(found.map(|m| m.title), Some(format!("app {} client secret", n - 1)));
    let t = Instant::now();
    let runs = 20;
    for _ in 0..runs {
        fresh.find_signer(&analysis).await.unwrap();
    }
    let warm = t.elapsed() / runs;

    // The path before bulk reads: one keyring-crate call (one Secret Service session) per key.
    let ids: Vec<String> = fresh.list(&Default::default()).await.unwrap().keys.into_iter().map(|k| k.id).collect();
    let keyring = OsKeyring::default();
    let t = Instant::now();
    for id in &ids {
        keyden_core::secret_store::SecretStore::get(&keyring, id).unwrap();
    }
    let one_by_one = t.elapsed();
    let t = Instant::now();
    keyden_core::secret_store::SecretStore::get_many(&keyring, &ids).unwrap();
    let bulk = t.elapsed();
    let again = open().await;
    let t = Instant::now();
    again.find_signer(&analysis).await.unwrap();
    let second = t.elapsed();
    // The floor of a cold search: the secrets have to come out of the keyring; one session is the
    // least that takes. Read again right after, so both meet the same warmed-up keyring daemon.
    let t = Instant::now();
    keyden_core::secret_store::SecretStore::get_many(&keyring, &ids).unwrap();
    let bulk_again = t.elapsed();
    println!(
        "a second cold search (new vault, after the reads above): {:.1} ms; floor, the same {} secrets read in \
         one Secret Service session right after: {:.1} ms; cold/floor {:.2}",
        second.as_secs_f64() * 1e3,
        ids.len(),
        bulk_again.as_secs_f64() * 1e3,
        second.as_secs_f64() / bulk_again.as_secs_f64()
    );
    println!(
        "reading {} secrets: one by one {:.0} ms, in one session {:.0} ms",
        ids.len(),
        one_by_one.as_secs_f64() * 1e3,
        bulk.as_secs_f64() * 1e3
    );

    // Floor: the same number of HMAC verifications with keys already in memory, nothing else.
    let secrets: Vec<_> = (0..n).map(|i| keys::secret(format!("shpss_{i:032x}").as_bytes(), "k").unwrap()).collect();
    let t = Instant::now();
    for k in &secrets {
        let _ = analyze(&token, &Options { at: 1_010, key: Some(k.clone()), ..Default::default() });
    }
    let floor = t.elapsed();
    println!("signer among {tried} secrets: cold {:.1} ms, warm {:.2} ms; floor ({n} full analyses with in-memory keys) {:.2} ms; warm/floor {:.2}",
        cold.as_secs_f64() * 1e3, warm.as_secs_f64() * 1e3, floor.as_secs_f64() * 1e3, warm.as_secs_f64() / floor.as_secs_f64());
}
