//! `keys list --search` over 10,000 keys, against the floor: the same `instr` scan as a bare query on
//! the same SQLite file. Prints criterion's figures for both; the ratio is the price of the vault's
//! full query (filters, sort, row decoding, facets).
//!   cargo bench -p keyden-core --bench list_search

use criterion::{criterion_group, criterion_main, Criterion};
use keyden_core::clock::SystemClock;
use keyden_core::protocol::{KeyQuery, SortField};
use keyden_core::secret_store::MemoryStore;
use keyden_core::vault::Vault;
use std::sync::Arc;

const KEYS: usize = 10_000;

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let vault = rt.block_on(async {
        let (vault, _) =
            Vault::open(dir.path(), Arc::new(MemoryStore::default()), Arc::new(SystemClock), "bench").await.unwrap();
        keyden_core::vault::seed::seed(&vault, KEYS).await.unwrap();
        vault
    });
    let bare = rt
        .block_on(sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.path().join("keyden.sqlite3").display())))
        .unwrap();

    let mut g = c.benchmark_group(format!("list_{KEYS}_keys"));
    let search = KeyQuery { search: Some("stripe prod".into()), sort: SortField::Title, ..Default::default() };
    let hits = rt.block_on(vault.list(&search)).unwrap().keys.len();
    println!("search 'stripe prod' matches {hits} of {KEYS} keys");
    g.bench_function("vault_search", |b| b.iter(|| rt.block_on(vault.list(&search)).unwrap()));
    g.bench_function("floor_bare_instr_scan", |b| {
        b.iter(|| {
            rt.block_on(
                sqlx::query_scalar::<_, String>("SELECT id FROM keys WHERE instr(lower(title), ?) > 0 ORDER BY title")
                    .bind("stripe prod")
                    .fetch_all(&bare),
            )
            .unwrap()
        })
    });
    let all = KeyQuery::default();
    g.bench_function("vault_list_all", |b| b.iter(|| rt.block_on(vault.list(&all)).unwrap()));
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
