//! The team vault's sync against a real OpenBao dev server holding KEYS (10,000) entries, side by side
//! with its floor: the same KV reads by a bare HTTP client (reqwest, no parsing) at the same
//! concurrency, against the same server.
//!
//! - first sync: `keyden sync` as a process (release CLI, real Secret Service, a fresh data dir) —
//!   floor: LIST + one data read per entry;
//! - incremental sync after 10 entries changed — floor: LIST + one metadata read per entry + 10 data
//!   reads (the KV v2 API has no "changed since": a version is only seen by asking each entry).
//!
//! Also printed: the peak RSS of Keyden (GNU time), the bao server's RSS (from /proc), and the CPU
//! seconds Keyden, the server and gnome-keyring-daemon spent on each sync and floor — on a small
//! machine the three share the cores, so a sync's wall time is mostly theirs added up.
//! Needs `KEYDEN_BAO_BIN` and a private Secret Service; scripts/bench.sh runs it:
//!   KEYDEN_BIN=target/release/keyden KEYDEN_BAO_BIN=$(tests/openbao/setup.sh) \
//!     scripts/with-keyring.sh cargo bench -p keyden-core --bench team_sync     (KEYS=…, RUNS=…)

use futures_util::stream::{self, StreamExt};
use keyden_core::team::SYNC_CONCURRENCY;
use keyden_tests::openbao::{BaoServer, ROOT_TOKEN};
use keyden_tests::Sandbox;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const PREFIX: &str = "keyden";

fn env_num(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn name(i: usize) -> String {
    format!("team_{i:05}")
}

/// A field of /proc/PID/status in MiB.
fn proc_mib(pid: u32, field: &str) -> f64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let kb: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.trim().strip_suffix("kB")?.trim().parse().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

/// CPU seconds (user + system) a process has used so far.
fn cpu(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    // Fields after the command name, which is in parentheses and may hold spaces.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    let ticks = f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0);
    ticks / clock_ticks()
}

fn clock_ticks() -> f64 {
    static TICKS: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TICKS.get_or_init(|| {
        let out = Command::new("getconf").arg("CLK_TCK").output().expect("getconf runs");
        String::from_utf8_lossy(&out.stdout).trim().parse().unwrap_or(100.0)
    })
}

/// This session's gnome-keyring-daemon: the one whose keyring files are under KEYDEN_KEYRING_HOME.
fn keyring_daemon() -> Option<u32> {
    let home = std::env::var("KEYDEN_KEYRING_HOME").ok()?;
    std::fs::read_dir("/proc").ok()?.flatten().find_map(|e| {
        let pid: u32 = e.file_name().to_str()?.parse().ok()?;
        let comm = std::fs::read_to_string(format!("/proc/{pid}/comm")).ok()?;
        let environ = std::fs::read(format!("/proc/{pid}/environ")).ok()?;
        (comm.trim() == "gnome-keyring-d" && String::from_utf8_lossy(&environ).contains(&home)).then_some(pid)
    })
}

/// CPU seconds used while `f` ran: (this process, the server, the keyring daemon).
fn cpu_during<T>(server: u32, f: impl FnOnce() -> T) -> (T, [f64; 3]) {
    let me = std::process::id();
    let daemon = keyring_daemon();
    let before = [cpu(me), cpu(server), daemon.map_or(0.0, cpu)];
    let out = f();
    let after = [cpu(me), cpu(server), daemon.map_or(0.0, cpu)];
    (out, [after[0] - before[0], after[1] - before[1], after[2] - before[2]])
}

struct Client {
    http: reqwest::Client,
    addr: String,
}

impl Client {
    fn url(&self, path: &str) -> String {
        format!("{}/v1/secret/{path}", self.addr)
    }

    async fn send(&self, req: reqwest::RequestBuilder) -> Vec<u8> {
        let resp = req.header("X-Vault-Token", ROOT_TOKEN).send().await.expect("the server answers");
        assert!(resp.status().is_success(), "{}", resp.status());
        resp.bytes().await.expect("a whole body").to_vec()
    }

    async fn write(&self, i: usize, version: u32) {
        let value = format!("tv_{i:05}_v{version}_{}", "x".repeat(32));
        let body = serde_json::json!({ "data": { "value": value } });
        self.send(self.http.post(self.url(&format!("data/{PREFIX}/{}", name(i)))).json(&body)).await;
        if version == 1 {
            let meta = serde_json::json!({ "custom_metadata": {
                "title": format!("Team key {i}"), "status": "active", "type": "token", "provider": "stripe" } });
            self.send(self.http.post(self.url(&format!("metadata/{PREFIX}/{}", name(i)))).json(&meta)).await;
        }
    }

    async fn list(&self) -> usize {
        let body = self.send(self.http.get(self.url(&format!("metadata/{PREFIX}/?list=true")))).await;
        let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
        v["data"]["keys"].as_array().map_or(0, Vec::len)
    }

    /// LIST, then `paths` read SYNC_CONCURRENCY at a time; the time it took.
    async fn floor(&self, paths: Vec<String>) -> Duration {
        let t = Instant::now();
        self.list().await;
        stream::iter(paths)
            .map(|p| async move { self.send(self.http.get(self.url(&p))).await.len() })
            .buffer_unordered(SYNC_CONCURRENCY)
            .for_each(|_| async {})
            .await;
        t.elapsed()
    }
}

/// `keyden --json sync team` in `s` under GNU time: (wall time, peak RSS in MiB, CPU seconds); its
/// report's `field` must be `expect`.
fn keyden_sync(s: &Sandbox, field: &str, expect: usize) -> (Duration, f64, f64) {
    let inner = s.command(&["--json", "sync", "team"]);
    let rss = tempfile::NamedTempFile::new().unwrap();
    let mut c = Command::new("/usr/bin/time");
    c.args(["-f", "%M %U %S", "-o"]).arg(rss.path()).arg(inner.get_program()).args(inner.get_args());
    for (k, v) in inner.get_envs() {
        match v {
            Some(v) => c.env(k, v),
            None => c.env_remove(k),
        };
    }
    let t = Instant::now();
    let out = c.stdin(Stdio::null()).output().expect("keyden runs");
    let took = t.elapsed();
    assert!(out.status.success(), "keyden sync failed: {}", String::from_utf8_lossy(&out.stderr));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    assert_eq!(report[0][field].as_u64(), Some(expect as u64), "unexpected report: {report}");
    let figures: Vec<f64> =
        std::fs::read_to_string(rss.path()).unwrap().split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    (took, figures[0] / 1024.0, figures[1] + figures[2])
}

/// Deletes every Keyden item from the (private) keyring, so each run starts from the same keyring:
/// gnome-keyring's cost per write grows with what it holds.
#[cfg(target_os = "linux")]
fn clear_keyring() {
    use dbus_secret_service::{EncryptionType, SecretService};
    let ss = SecretService::connect(EncryptionType::Dh).unwrap();
    let found = ss.search_items(std::collections::HashMap::from([("service", "keyden")])).unwrap();
    for item in found.unlocked.iter().chain(&found.locked) {
        item.delete().unwrap();
    }
}

/// The benchmark measures a Secret Service; elsewhere it compiles (the Windows type-check) but has
/// no keyring of its own to clear.
#[cfg(not(target_os = "linux"))]
fn clear_keyring() {}

/// One sync's figures beside its floor's.
fn report(took: Duration, peak: f64, own: f64, cpu: [f64; 3], floor: Duration, floor_cpu: [f64; 3]) -> String {
    format!(
        "{} (peak RSS {peak:.1} MiB; CPU s: keyden {own:.2}, bao {:.2}, gnome-keyring {:.2}), floor {} (CPU s: \
         client {:.2}, bao {:.2})",
        secs(took),
        cpu[1],
        cpu[2],
        secs(floor),
        floor_cpu[0],
        floor_cpu[1]
    )
}

fn secs(d: Duration) -> String {
    format!("{:.2} s", d.as_secs_f64())
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let keys = env_num("KEYS", 10_000);
    let runs = env_num("RUNS", 1).max(1);
    let changed = 10.min(keys);
    let rt = tokio::runtime::Runtime::new().unwrap();
    let bao = BaoServer::dev();
    let pid = bao.pid().unwrap();
    let client = Client { http: reqwest::Client::new(), addr: bao.addr.clone() };
    let idle = proc_mib(pid, "VmRSS:");

    let t = Instant::now();
    rt.block_on(
        stream::iter(0..keys).map(|i| client.write(i, 1)).buffer_unordered(SYNC_CONCURRENCY).for_each(|_| async {}),
    );
    println!("seeded {keys} entries (value + custom metadata) in {}", secs(t.elapsed()));
    assert_eq!(rt.block_on(client.list()), keys);
    let seeded = proc_mib(pid, "VmRSS:");

    let data: Vec<String> = (0..keys).map(|i| format!("data/{PREFIX}/{}", name(i))).collect();
    let meta: Vec<String> = (0..keys).map(|i| format!("metadata/{PREFIX}/{}", name(i))).collect();
    let (mut first, mut first_floor, mut incr, mut incr_floor, mut rss) = (vec![], vec![], vec![], vec![], vec![]);
    for run in 0..runs {
        let s = Sandbox::new();
        let add = ["--json", "accounts", "add", "openbao", "--name", "team", "--url", &bao.addr, "--token-stdin"];
        s.run_with_stdin(&add, ROOT_TOKEN.as_bytes()).ok();

        let (floor, floor_cpu) = cpu_during(pid, || rt.block_on(client.floor(data.clone())));
        first_floor.push(floor);
        let ((took, peak, own), cpu) = cpu_during(pid, || keyden_sync(&s, "added", keys));
        first.push(took);
        rss.push(peak);
        println!("run {run}: first sync {}", report(took, peak, own, cpu, floor, floor_cpu));

        // Ten entries get a new version from another client; the mirror must pick up exactly those.
        let version = 2 + run as u32;
        let changed_ids: Vec<usize> = (0..changed).map(|k| (k * keys / changed + run) % keys).collect();
        rt.block_on(stream::iter(changed_ids.iter()).for_each(|&i| client.write(i, version)));
        let mut paths = meta.clone();
        paths.extend(changed_ids.iter().map(|&i| format!("data/{PREFIX}/{}", name(i))));
        let (floor, floor_cpu) = cpu_during(pid, || rt.block_on(client.floor(paths)));
        incr_floor.push(floor);
        let ((took, peak, own), cpu) = cpu_during(pid, || keyden_sync(&s, "updated", changed));
        incr.push(took);
        println!("run {run}: incremental sync ({changed} changed) {}", report(took, peak, own, cpu, floor, floor_cpu));
        let got = s.run(&["get", &format!("Team key {}", changed_ids[0])]).ok().stdout;
        assert!(got.contains(&format!("_v{version}_")), "the changed value did not arrive");
        clear_keyring();
    }

    let (f, ff, i, fi) = (median(first), median(first_floor), median(incr), median(incr_floor));
    println!();
    println!("team sync of {keys} entries, {SYNC_CONCURRENCY} requests in flight, medians of {runs} run(s):");
    println!(
        "  first sync:       keyden {:>9}   floor ({} + 1 reads) {:>9}   ratio {:.2}",
        secs(f),
        keys,
        secs(ff),
        f.as_secs_f64() / ff.as_secs_f64()
    );
    println!(
        "  incremental sync: keyden {:>9}   floor ({} + {changed} + 1 reads) {:>9}   ratio {:.2}",
        secs(i),
        keys,
        secs(fi),
        i.as_secs_f64() / fi.as_secs_f64()
    );
    rss.sort_by(f64::total_cmp);
    println!("  keyden peak RSS (first sync): {:.1} MiB", rss[rss.len() / 2]);
    println!(
        "  bao server RSS: {idle:.1} MiB idle, {seeded:.1} MiB seeded, {:.1} MiB now, peak {:.1} MiB",
        proc_mib(pid, "VmRSS:"),
        proc_mib(pid, "VmHWM:")
    );
}
