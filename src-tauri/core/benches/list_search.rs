//! `keys list --search` over 10,000 keys, against two floors on the same SQLite file:
//! - the bare `instr` scan of the titles (the floor this search was first measured against);
//! - the bare query through the trigram index (migration 0009), returning the same rows.
//!
//! Measured as the CLI asks (every match, `cli_search`: SQL), and as the app asks, from the search
//! index in memory (`store::KeyIndex`): every match with the total and the filter menus
//! (`vault_search`), and a screenful of 100 (`vault_search_page_100`); beside each, SQL's answer to the
//! same query, as the app had it before the index (`sql_search`, `sql_search_page_100`): what a search
//! costs while the index loads, after any commit. The load itself, done by a task meanwhile, is
//! `index_load_and_first_page`.
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
    // As the CLI asks (`Vault::keys`: every match, no total, no filter menus; SQL), and its floors.
    g.bench_function("cli_search", |b| b.iter(|| rt.block_on(vault.keys(&search)).unwrap()));
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
    // As the app asks: from the index, and the same answer from SQL.
    let rows = keyden_core::store::KeyRows(vault.database());
    let sql = |q: &KeyQuery| rt.block_on(async { (rows.page(q, 0).await.unwrap(), rows.facets().await.unwrap()) });
    let page = KeyQuery { limit: Some(100), ..search.clone() };
    g.bench_function("vault_search", |b| b.iter(|| rt.block_on(vault.list(&search)).unwrap()));
    g.bench_function("sql_search", |b| b.iter(|| sql(&search)));
    g.bench_function("vault_search_page_100", |b| b.iter(|| rt.block_on(vault.list(&page)).unwrap()));
    g.bench_function("sql_search_page_100", |b| b.iter(|| sql(&page)));
    // After any commit the index is loaded again, by a task, while SQL answers the search that found
    // it stale: what that load costs, from a new index to its first answer.
    g.bench_function("index_load_and_first_page", |b| {
        b.iter(|| {
            rt.block_on(async {
                let index = keyden_core::store::KeyIndex::default();
                loop {
                    if let Some(page) = index.page(vault.database(), &page, 0).await.unwrap() {
                        index.close().await;
                        break page;
                    }
                    tokio::task::yield_now().await;
                }
            })
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
