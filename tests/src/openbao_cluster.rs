//! A real three-node OpenBao Raft cluster on 127.0.0.1: three `bao server` processes with
//! `storage "raft"`, initialised (one unseal key), unsealed and joined by the test, KV v2 at
//! `secret/`, a file audit device (declared in each node's configuration, one file for the three) so a test can see requests arrive. Nodes
//! can be killed one by one; the rest are stopped when dropped.

use crate::openbao::bao_bin;
use crate::wait_until;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct Node {
    child: Option<Child>,
    pub addr: String,
}

pub struct BaoCluster {
    pub nodes: Vec<Node>,
    pub root: String,
    unseal_key: String,
    bin: PathBuf,
    dir: tempfile::TempDir,
}

impl BaoCluster {
    pub fn start() -> Self {
        let bin = bao_bin();
        let dir = tempfile::tempdir().unwrap();
        let mut nodes = Vec::new();
        for i in 1..=3 {
            let (api, cluster) = (free_port(), free_port());
            let data = dir.path().join(format!("node{i}"));
            std::fs::create_dir_all(&data).unwrap();
            let config = format!(
                r#"storage "raft" {{
  path = "{data}"
  node_id = "node{i}"
  performance_multiplier = 1
}}
listener "tcp" {{
  address = "127.0.0.1:{api}"
  cluster_address = "127.0.0.1:{cluster}"
  tls_disable = true
}}
api_addr = "http://127.0.0.1:{api}"
cluster_addr = "http://127.0.0.1:{cluster}"
disable_mlock = true
audit "file" "file" {{
  options {{
    file_path = "{audit}"
  }}
}}
"#,
                data = data.display(),
                audit = dir.path().join("audit.log").display()
            );
            let file = dir.path().join(format!("node{i}.hcl"));
            std::fs::write(&file, config).unwrap();
            let log = std::fs::File::create(dir.path().join(format!("node{i}.log"))).unwrap();
            let child = Command::new(&bin)
                .args(["server", &format!("-config={}", file.display())])
                .env("HOME", dir.path())
                .stdout(Stdio::null())
                .stderr(log)
                .spawn()
                .expect("bao server starts");
            nodes.push(Node { child: Some(child), addr: format!("http://127.0.0.1:{api}") });
        }
        let mut cluster = BaoCluster { nodes, root: String::new(), unseal_key: String::new(), bin, dir };
        let first = cluster.nodes[0].addr.clone();
        // `bao status` exits 2 for a sealed (but answering) server.
        assert!(
            wait_until(Duration::from_secs(60), || cluster.bao_at(&first, &["status"]).status.code() == Some(2)),
            "node 1 did not come up"
        );
        let init = cluster.bao_at(&first, &["operator", "init", "-key-shares=1", "-key-threshold=1", "-format=json"]);
        assert!(init.status.success(), "{}", String::from_utf8_lossy(&init.stderr));
        let init: serde_json::Value = serde_json::from_slice(&init.stdout).unwrap();
        cluster.root = init["root_token"].as_str().unwrap().to_string();
        cluster.unseal_key = init["unseal_keys_b64"][0].as_str().unwrap().to_string();
        cluster.unseal(0);
        assert!(wait_until(Duration::from_secs(60), || cluster.leader().is_some()), "no leader");
        for i in 1..3 {
            let addr = cluster.nodes[i].addr.clone();
            assert!(
                wait_until(Duration::from_secs(60), || cluster.bao_at(&addr, &["status"]).status.code() == Some(2)),
                "node {} did not come up",
                i + 1
            );
            let joined = cluster.bao_at(&addr, &["operator", "raft", "join", &first]);
            assert!(joined.status.success(), "{}", String::from_utf8_lossy(&joined.stderr));
            cluster.unseal(i);
        }
        assert!(
            wait_until(Duration::from_secs(60), || cluster.voters() == 3),
            "the three nodes never became voters: {}",
            String::from_utf8_lossy(&cluster.bao(&["operator", "raft", "list-peers"]).stdout)
        );
        cluster.ok(&["secrets", "enable", "-path=secret", "-version=2", "kv"]);
        cluster
    }

    fn unseal(&self, i: usize) {
        let addr = &self.nodes[i].addr;
        let ok = wait_until(Duration::from_secs(30), || {
            self.bao_at(addr, &["operator", "unseal", &self.unseal_key]).status.success()
                && self.bao_at(addr, &["status"]).status.success()
        });
        assert!(ok, "node {} did not unseal", i + 1);
    }

    /// The `bao` CLI as root against node `addr`.
    pub fn bao_at(&self, addr: &str, args: &[&str]) -> Output {
        Command::new(&self.bin)
            .args(args)
            .env("BAO_ADDR", addr)
            .env("BAO_TOKEN", &self.root)
            .env("HOME", self.dir.path())
            .stdin(Stdio::null())
            .output()
            .expect("bao runs")
    }

    /// Against the first node still running.
    pub fn bao(&self, args: &[&str]) -> Output {
        let node = self.nodes.iter().find(|n| n.child.is_some()).expect("a running node");
        self.bao_at(&node.addr, args)
    }

    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.bao(args);
        assert!(out.status.success(), "bao {args:?}: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// The index of the active node, as the running nodes see it.
    pub fn leader(&self) -> Option<usize> {
        let out = self.bao(&["read", "-format=json", "sys/leader"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).ok()?;
        let addr = v["data"]["leader_address"].as_str()?;
        self.nodes.iter().position(|n| n.addr == addr && n.child.is_some())
    }

    fn voters(&self) -> usize {
        let out = self.bao(&["operator", "raft", "list-peers", "-format=json"]);
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        v["data"]["config"]["servers"].as_array().map_or(0, |s| s.iter().filter(|p| p["voter"] == true).count())
    }

    /// Every URL, comma-separated: what Keyden is given.
    pub fn urls(&self) -> String {
        self.nodes.iter().map(|n| n.addr.as_str()).collect::<Vec<_>>().join(",")
    }

    pub fn audit_log(&self) -> PathBuf {
        self.dir.path().join("audit.log")
    }

    /// SIGKILL, no goodbye to the cluster.
    pub fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.nodes[i].child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// `n` KV v2 entries written straight over HTTP (python3's urllib; the `bao` CLI would take a
    /// process per entry): `prefix/<name>` with data {value} and Keyden's custom metadata.
    pub fn seed(&self, prefix: &str, entries: &[(String, String)]) {
        let script = r#"
import json, sys, urllib.request
addr, token, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
def call(path, body):
    req = urllib.request.Request(addr + "/v1/" + path, data=json.dumps(body).encode(), method="POST",
                                 headers={"X-Vault-Token": token, "Content-Type": "application/json"})
    urllib.request.urlopen(req).read()
for line in sys.stdin:
    name, value = line.rstrip("\n").split("\t")
    call("secret/data/%s/%s" % (prefix, name), {"data": {"value": value}})
    call("secret/metadata/%s/%s" % (prefix, name),
         {"custom_metadata": {"title": "Cluster key " + name, "status": "active", "type": "token"}})
"#;
        let leader = self.leader().expect("a leader");
        let mut child = Command::new("python3")
            .args(["-c", script, &self.nodes[leader].addr, &self.root, prefix])
            .stdin(Stdio::piped())
            .spawn()
            .expect("python3 runs");
        {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            for (name, value) in entries {
                writeln!(stdin, "{name}\t{value}").unwrap();
            }
        }
        assert!(child.wait().unwrap().success(), "seeding the cluster failed");
    }
}

impl Drop for BaoCluster {
    fn drop(&mut self) {
        for i in 0..self.nodes.len() {
            self.kill(i);
        }
    }
}
