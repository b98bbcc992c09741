//! Runs one search N times on a seeded data directory, for counting its instructions with callgrind
//! (no noise, unlike a timer on a busy machine): the cost of one search is the difference between
//! N = 21 and N = 1, divided by 20.
//!   cargo run --release -p keyden-core --example seed -- /tmp/s10k 10000
//!   valgrind --tool=callgrind target/release/examples/search_loop /tmp/s10k 21 cli   (and 1; `app`, `floor`)
//! `cli` is the CLI's `keys list --search` (`Vault::keys`), `app` the same with the total and the
//! filter menus (`Vault::list`), `floor` the bare `instr` scan of the titles the bench compares with.

use keyden_core::clock::SystemClock;
use keyden_core::protocol::{KeyQuery, SortField};
use keyden_core::secret_store::MemoryStore;
use keyden_core::vault::Vault;
use std::sync::Arc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let usage = "usage: search_loop DIR N cli|app|floor";
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect(usage));
    let n: usize = args.next().and_then(|v| v.parse().ok()).expect(usage);
    let mode = args.next().expect(usage);
    let (vault, _) = Vault::open(&dir, Arc::new(MemoryStore::default()), Arc::new(SystemClock), "bench").await.unwrap();
    let bare = sqlx::SqlitePool::connect(&format!("sqlite://{}", dir.join("keyden.sqlite3").display())).await.unwrap();
    let search = KeyQuery { search: Some("stripe prod".into()), sort: SortField::Title, ..Default::default() };
    let mut found = 0;
    for _ in 0..n {
        found += match mode.as_str() {
            "cli" => vault.keys(&search).await.unwrap().len(),
            "app" => vault.list(&search).await.unwrap().keys.len(),
            "floor" => {
                sqlx::query_scalar::<_, String>("SELECT id FROM keys WHERE instr(lower(title), ?) > 0 ORDER BY title")
                    .bind("stripe prod")
                    .fetch_all(&bare)
                    .await
                    .unwrap()
                    .len()
            }
            _ => panic!("{usage}"),
        };
    }
    println!("{} matches a search", found / n.max(1));
    vault.close().await;
}
