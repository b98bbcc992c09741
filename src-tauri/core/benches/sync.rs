//! The mirror sync of 10,000 keys from a local server that pages exactly like Medusa's
//! `GET /admin/api-keys` (tests' `MedusaPager`), end to end through the providers layer (login, 20 pages
//! of 500 over HTTP, parsing, one transaction), side by side with its floor: a bare bulk insert of the
//! same 10,000 rows into the same SQLite schema in one transaction. Also the incremental sync, when
//! nothing changed remotely. Runs alternate; medians and ratios are printed.
//!   cargo bench -p keyden-core --bench sync            (RUNS=7 for more runs)

use keyden_core::clock::SystemClock;
use keyden_core::protocol::{AccountAuth, NewAccount, ProviderKind};
use keyden_core::providers::accounts::AccountSpec;
use keyden_core::providers::http::Http;
use keyden_core::providers::Providers;
use keyden_core::secret_store::MemoryStore;
use keyden_core::vault::Vault;
use keyden_tests::fakes::{MedusaPager, PAGER_EMAIL, PAGER_PASSWORD};
use std::sync::Arc;
use std::time::{Duration, Instant};

const KEYS: usize = 10_000;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

async fn vault_with_account(url: &str) -> (tempfile::TempDir, Vault) {
    let dir = tempfile::tempdir().unwrap();
    let (vault, _) =
        Vault::open(dir.path(), Arc::new(MemoryStore::default()), Arc::new(SystemClock), "bench").await.unwrap();
    let http = Http::from_env();
    let new = NewAccount {
        name: "pager".into(),
        provider: ProviderKind::Medusa,
        base_url: url.into(),
        auth: AccountAuth::Emailpass,
        login: PAGER_EMAIL.into(),
        secret: PAGER_PASSWORD.into(),
        team: None,
    };
    let (spec, secret) = AccountSpec::from_wire(new).unwrap();
    Providers::new(&vault, &http).add_account(spec, secret, true).await.unwrap();
    (dir, vault)
}

/// The floor: the same rows inserted in one transaction, `rows` to a statement, then indexed for the
/// search in one statement (the cheapest way this schema allows, migration 0010). With one row to a
/// statement, every row is a round trip to sqlx's database thread: shown beside, for what that costs.
async fn bulk_insert(rows: usize) -> Duration {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("floor.sqlite3").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    keyden_core::store::migrator().run(&pool).await.unwrap();
    let t = Instant::now();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("INSERT INTO keys_search_deferred (since) VALUES (0)").execute(&mut *tx).await.unwrap();
    let all: Vec<usize> = (0..KEYS).collect();
    for chunk in all.chunks(rows) {
        let mut insert: sqlx::QueryBuilder<sqlx::Sqlite> = sqlx::QueryBuilder::new(
            "INSERT INTO keys (id, title, provider, account, owner, kind, redacted, fingerprint, status, created_at, \
             remote_id, remote_state, synced_at, has_secret) ",
        );
        insert.push_values(chunk, |mut row, &i| {
            row.push_bind(format!("key_{i:016x}"))
                .push_bind(format!("Pager key {i}"))
                .push_bind("medusa")
                .push_bind("pager")
                .push_bind("user_pager")
                .push_bind(if i % 4 != 0 { "secret" } else { "publishable" })
                .push_bind(format!("sk_{:03x}***{:03x}", i % 4096, (i * 7) % 4096))
                .push_bind("")
                .push_bind(if i % 10 == 9 { "revoked" } else { "active" })
                .push_bind(1_700_000_000 + i as i64)
                .push_bind(format!("apk_{i:020}"))
                .push_bind("present")
                .push_bind(1_700_000_000i64)
                .push_bind(false);
        });
        insert.build().execute(&mut *tx).await.unwrap();
    }
    sqlx::query(
        "INSERT INTO keys_search (rowid, title, provider, id, redacted) SELECT rowid, title, provider, id, redacted FROM keys",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query("DELETE FROM keys_search_deferred").execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    t.elapsed()
}

fn main() {
    let runs: usize = std::env::var("RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(5);
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    let pager = MedusaPager::start(KEYS);
    let http = Http::from_env();
    let (mut full, mut incremental, mut floor, mut per_row) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    rt.block_on(async {
        for _ in 0..runs {
            floor.push(bulk_insert(500).await);
            per_row.push(bulk_insert(1).await);

            let (_dir, vault) = vault_with_account(pager.url()).await;
            let p = Providers::new(&vault, &http);
            let t = Instant::now();
            let report = p.sync("pager", |_, _| {}).await.unwrap();
            full.push(t.elapsed());
            assert_eq!(report.added as usize, KEYS);

            let t = Instant::now();
            let again = p.sync("pager", |_, _| {}).await.unwrap();
            incremental.push(t.elapsed());
            assert_eq!(again.unchanged as usize, KEYS);
        }
    });
    let (full, incremental, floor, per_row) = (median(full), median(incremental), median(floor), median(per_row));
    let ratio = |d: Duration| d.as_secs_f64() / floor.as_secs_f64();
    println!("mirror sync of {KEYS} keys from a local Medusa-paging server, median of {runs} alternating runs:");
    println!("  floor: bare bulk insert, one transaction   {:>10}   (500 rows a statement)", ms(floor));
    println!("  the same, one row a statement              {:>10}   x{:.2} the floor", ms(per_row), ratio(per_row));
    println!("  full sync (login, 20 pages, one tx)        {:>10}   x{:.2} the floor", ms(full), ratio(full));
    println!(
        "  incremental sync, nothing changed          {:>10}   x{:.2} the floor",
        ms(incremental),
        ratio(incremental)
    );
    println!(
        "  per key: full {:.1} µs, incremental {:.1} µs",
        full.as_secs_f64() * 1e6 / KEYS as f64,
        incremental.as_secs_f64() * 1e6 / KEYS as f64
    );
}
