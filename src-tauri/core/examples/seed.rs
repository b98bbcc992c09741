//! Seeds a data directory with N keys of varied metadata, for benches and screenshots:
//!   cargo run --release -p keyden-core --example seed -- DIR N
//! Values go to an in-memory keyring (list and search never read values), so seeding 10,000 keys
//! takes seconds instead of the minutes a real Secret Service needs.

use keyden_core::clock::SystemClock;
use keyden_core::secret_store::MemoryStore;
use keyden_core::vault::Vault;
use std::sync::Arc;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let mut args = std::env::args().skip(1);
    let dir = std::path::PathBuf::from(args.next().expect("usage: seed DIR N"));
    let n: usize = args.next().and_then(|v| v.parse().ok()).expect("usage: seed DIR N");
    std::fs::create_dir_all(&dir).unwrap();
    let (vault, _) = Vault::open(&dir, Arc::new(MemoryStore::default()), Arc::new(SystemClock), "seed").await.unwrap();
    keyden_core::vault::seed::seed(&vault, n).await.unwrap();
    // Closed, so SQLite folds the WAL (~4 MB for 1,000 keys) into the file: the app opening this
    // directory next then starts as it would on a vault it closed itself, not by reading that back.
    vault.close().await;
    println!("seeded {n} keys into {}", dir.display());
}
