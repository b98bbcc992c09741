//! `keys list --search` over 10,000 keys, against two floors on the same SQLite file:
//! - the bare `instr` scan of the titles (the floor this search was first measured against);
//! - the bare query through the trigram index (migration 0009), returning the same rows.
//!
//! Measured as the CLI asks (every match, `cli_search`), the same with the total and the filter menus
//! (`vault_search`), and as the app asks (a screenful of 100, with the total), and that page's two halves: the rows with their total (`rows_page_100`) and the filter
//! menus (`facets`). Prints criterion's figures; the ratios are the price of the vault's full query
//! (exact rule, filters, sort, row decoding, facets). The bare index query hands its 556 rows over one
//! by one, as the vault did before it read a page as one JSON value.
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
    // As the CLI asks (`Vault::keys`: every match, no total, no filter menus), and the same search with
    // the total and the filter menus the app's list adds.
    g.bench_function("cli_search", |b| b.iter(|| rt.block_on(vault.keys(&search)).unwrap()));
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
    let page = KeyQuery { limit: Some(100), ..search.clone() };
    g.bench_function("vault_search_page_100", |b| b.iter(|| rt.block_on(vault.list(&page)).unwrap()));
    g.bench_function("floor_bare_index_query", |b| {
        b.iter(|| {
            rt.block_on(
                sqlx::query(
                    "SELECT * FROM keys WHERE rowid IN \
                     (SELECT rowid FROM keys_search WHERE keys_search MATCH ?) ORDER BY title",
                )
                .bind("\"stripe prod\"")
                .fetch_all(&bare),
            )
            .unwrap()
        })
    });
    // The two halves of the vault's answer: the page (with its total) and the filter menus.
    let rows = keyden_core::store::KeyRows(vault.database());
    g.bench_function("rows_page_100", |b| b.iter(|| rt.block_on(rows.page(&page, 0)).unwrap()));
    g.bench_function("facets", |b| b.iter(|| rt.block_on(rows.facets()).unwrap()));
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
