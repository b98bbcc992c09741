//! What the app's search index (`store::KeyIndex`) keeps in memory for 10,000 keys, counted by the
//! allocator: the Rust heap that stays live while the index is loaded, beside a floor — the bytes of
//! the text it holds, as SQLite has it (the searched, shown and sorted columns of every key).
//! SQLite's own memory (its page cache, the watching connection) is C's malloc, not counted here: it
//! is the same for SQL's answer.
//!   cargo bench -p keyden-core --bench index_memory

// A global allocator that counts, forwarding each call unchanged to the system's: only this measuring
// binary has it.
#![allow(unsafe_code)]

use keyden_core::clock::SystemClock;
use keyden_core::protocol::KeyQuery;
use keyden_core::secret_store::MemoryStore;
use keyden_core::store::KeyIndex;
use keyden_core::vault::Vault;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};
use std::sync::Arc;

const KEYS: usize = 10_000;

/// Live heap bytes: what is allocated and not yet freed.
struct Counting;
static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(new_size as isize - layout.size() as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let dir = tempfile::tempdir().unwrap();
    rt.block_on(async {
        let (vault, _) =
            Vault::open(dir.path(), Arc::new(MemoryStore::default()), Arc::new(SystemClock), "bench").await.unwrap();
        keyden_core::vault::seed::seed(&vault, KEYS).await.unwrap();
        let file = dir.path().join("keyden.sqlite3");
        let bare = sqlx::SqlitePool::connect(&format!("sqlite://{}", file.display())).await.unwrap();
        let text: i64 = sqlx::query_scalar(
            "SELECT sum(length(CAST(id AS BLOB)) + length(CAST(title AS BLOB)) + length(CAST(provider AS BLOB)) \
             + length(CAST(environment AS BLOB)) + length(CAST(status AS BLOB)) + length(CAST(redacted AS BLOB))) FROM keys",
        )
        .fetch_one(&bare)
        .await
        .unwrap();
        bare.close().await;
        let q = KeyQuery { search: Some("stripe prod".into()), limit: Some(100), ..Default::default() };
        // A first index, loaded and closed, so that what is allocated once per process (the watching
        // connection's statement cache, tokio's task slab) is not counted as the index's.
        for round in 0..2 {
            let index = KeyIndex::default();
            let before = live();
            loop {
                if let Some(page) = index.page(vault.database(), &q, 0).await.unwrap() {
                    drop(page);
                    break;
                }
                tokio::task::yield_now().await;
            }
            let held = live() - before;
            index.close().await;
            let after_close = live() - before;
            if round == 1 {
                println!("search index over {KEYS} keys: {:.2} MiB live while loaded", held as f64 / 1048576.0);
                println!("  per key: {} bytes; the text it holds, as stored: {} bytes a key", held / KEYS as isize, text / KEYS as i64);
                println!("  ratio to the text: {:.2}", held as f64 / text as f64);
                println!("  after close: {after_close} bytes still live (of {held})");
            }
        }
        vault.close().await;
    });
}
