//! A real OpenBao server for the team-vault tests: `bao server -dev` on a free port of 127.0.0.1,
//! configured through the real `bao` CLI (a third client, independent of Keyden), stopped when
//! dropped. The binary is `KEYDEN_BAO_BIN`, else what `tests/openbao/setup.sh` installs.

use crate::wait_until;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

pub const ROOT_TOKEN: &str = "keyden-test-root";

pub fn bao_bin() -> PathBuf {
    if let Some(p) = std::env::var_os("KEYDEN_BAO_BIN") {
        return PathBuf::from(p);
    }
    let setup = Path::new(env!("CARGO_MANIFEST_DIR")).join("openbao/setup.sh");
    let out = Command::new(setup).stderr(Stdio::inherit()).output().expect("tests/openbao/setup.sh runs");
    assert!(out.status.success(), "tests/openbao/setup.sh failed");
    PathBuf::from(String::from_utf8(out.stdout).unwrap().trim())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct BaoServer {
    child: Option<Child>,
    pub addr: String,
    bin: PathBuf,
    home: tempfile::TempDir,
}

impl BaoServer {
    /// A dev server: in memory, unsealed, KV v2 at `secret/`, root token [`ROOT_TOKEN`].
    pub fn dev() -> Self {
        let bin = bao_bin();
        let home = tempfile::tempdir().unwrap();
        let port = free_port();
        let addr = format!("http://127.0.0.1:{port}");
        let child = Command::new(&bin)
            .args(["server", "-dev", &format!("-dev-root-token-id={ROOT_TOKEN}")])
            .arg(format!("-dev-listen-address=127.0.0.1:{port}"))
            .env("HOME", home.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("bao server starts");
        let server = BaoServer { child: Some(child), addr, bin, home };
        assert!(
            wait_until(Duration::from_secs(60), || server.bao(&["status"]).status.success()),
            "the OpenBao dev server did not come up"
        );
        server
    }

    /// The `bao` CLI against this server as root.
    pub fn bao(&self, args: &[&str]) -> Output {
        self.bao_in(args, None)
    }

    pub fn bao_in(&self, args: &[&str], stdin: Option<&str>) -> Output {
        let mut c = Command::new(&self.bin);
        c.args(args)
            .env("BAO_ADDR", &self.addr)
            .env("BAO_TOKEN", ROOT_TOKEN)
            .env("HOME", self.home.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        match stdin {
            None => c.stdin(Stdio::null()).output().expect("bao runs"),
            Some(input) => {
                use std::io::Write;
                let mut child = c.stdin(Stdio::piped()).spawn().expect("bao runs");
                child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
                child.wait_with_output().unwrap()
            }
        }
    }

    /// Runs `bao` and returns its stdout; panics with its stderr when it fails.
    #[track_caller]
    pub fn ok(&self, args: &[&str]) -> String {
        let out = self.bao(args);
        assert!(out.status.success(), "bao {args:?} failed: {}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    }

    /// `bao … -format=json PATH`, parsed (the flag goes before the last argument, after every subcommand).
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        let (last, rest) = args.split_last().expect("a path");
        let mut all = rest.to_vec();
        all.extend_from_slice(&["-format=json", last]);
        serde_json::from_str(&self.ok(&all)).unwrap()
    }

    /// userpass enabled; policies `team-rw` (everything under secret/keyden) and `team-ro` (read, list).
    pub fn team_setup(&self) {
        self.ok(&["auth", "enable", "userpass"]);
        let rw = r#"path "secret/data/keyden/*" { capabilities = ["create", "read", "update", "delete", "list"] }
path "secret/metadata/keyden*" { capabilities = ["create", "read", "update", "delete", "list"] }"#;
        let ro = r#"path "secret/data/keyden/*" { capabilities = ["read", "list"] }
path "secret/metadata/keyden*" { capabilities = ["read", "list"] }"#;
        for (name, policy) in [("team-rw", rw), ("team-ro", ro)] {
            let out = self.bao_in(&["policy", "write", name, "-"], Some(policy));
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        }
    }

    /// A userpass user with `policy`; `ttl` = (token_ttl, token_max_ttl) such as ("2s", "3s").
    pub fn user(&self, name: &str, password: &str, policy: &str, ttl: Option<(&str, &str)>) {
        let path = format!("auth/userpass/users/{name}");
        let mut args =
            vec!["write".to_string(), path, format!("password={password}"), format!("token_policies={policy}")];
        if let Some((t, m)) = ttl {
            args.push(format!("token_ttl={t}"));
            args.push(format!("token_max_ttl={m}"));
        }
        self.ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    }

    /// How many live tokens the server holds for `display_name` (e.g. `userpass-alice`).
    pub fn live_tokens(&self, display_name: &str) -> usize {
        self.tokens(display_name).len()
    }

    /// The live tokens for `display_name`: each one's accessor and its `token lookup` data.
    pub fn tokens(&self, display_name: &str) -> Vec<(String, serde_json::Value)> {
        let list = self.bao(&["list", "-format=json", "auth/token/accessors"]);
        let accessors: Vec<String> = serde_json::from_slice(&list.stdout).unwrap_or_default();
        accessors
            .into_iter()
            .filter_map(|a| {
                let out = self.bao(&["token", "lookup", "-format=json", "-accessor", a.as_str()]);
                let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
                (v["data"]["display_name"] == display_name).then(|| (a, v["data"].clone()))
            })
            .collect()
    }

    /// The server's process id (its memory is read from `/proc`).
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    pub fn seal(&self) {
        self.ok(&["operator", "seal"]);
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

impl Drop for BaoServer {
    fn drop(&mut self) {
        self.stop();
    }
}
