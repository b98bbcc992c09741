//! Why bulk writes go into packs: gnome-keyring's cost per item write grows with the items it already
//! holds (it rewrites its collection file each time). Writes N values one item each (in sessions of 50,
//! below the packing size), printing the cost per write as the keyring fills, then the same N values
//! as one packed bulk write, and reads all of them back both ways.
//!   scripts/with-keyring.sh cargo run --release -p keyden-core --example keyring_writes -- 1000
use keyden_core::secret::SecretValue;
use keyden_core::secret_store::{NewEntry, OsKeyring, SecretStore};
use std::time::Instant;

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|v| v.parse().ok()).unwrap_or(1000);
    let store = OsKeyring::default();
    let values: Vec<SecretValue> =
        (0..n).map(|i| SecretValue::from_input(format!("sk_{i:040x}").into_bytes()).unwrap()).collect();
    let item_ids: Vec<String> = (0..n).map(|i| format!("bench-item-{i:06}")).collect();
    let pack_ids: Vec<String> = (0..n).map(|i| format!("bench-pack-{i:06}")).collect();

    let report = (n / 4).max(50);
    let t = Instant::now();
    let mut last = (0, Instant::now());
    for start in (0..n).step_by(50) {
        let end = (start + 50).min(n);
        let chunk: Vec<NewEntry<'_>> =
            (start..end).map(|i| NewEntry { id: &item_ids[i], label: "bench", secret: &values[i] }).collect();
        store.put_many(&chunk).map_err(|(at, e)| format!("at {at}: {e}")).unwrap();
        if end - last.0 >= report || end == n {
            let per = last.1.elapsed().as_secs_f64() * 1e3 / (end - last.0) as f64;
            println!("one item per value, items {:>5}..{end:>5}: {per:6.2} ms per write", last.0);
            last = (end, Instant::now());
        }
    }
    let items = t.elapsed();

    let t = Instant::now();
    let all: Vec<NewEntry<'_>> =
        pack_ids.iter().zip(&values).map(|(id, secret)| NewEntry { id, label: "bench", secret }).collect();
    store.put_many(&all).map_err(|(at, e)| format!("at {at}: {e}")).unwrap();
    let packed = t.elapsed();
    println!(
        "{n} values: one item each {:.1} s; packed in one bulk write (beside those {n} items) {:.2} s; ratio {:.0}x",
        items.as_secs_f64(),
        packed.as_secs_f64(),
        items.as_secs_f64() / packed.as_secs_f64()
    );
    for (what, ids) in [("items", &item_ids), ("packed", &pack_ids)] {
        let t = Instant::now();
        let got = store.get_many(ids).unwrap();
        assert!(got.iter().zip(&values).all(|(g, v)| g.as_ref().map(|g| g.expose()) == Some(v.expose())));
        println!("read back all {n} {what}: {:.0} ms", t.elapsed().as_secs_f64() * 1e3);
    }
}
