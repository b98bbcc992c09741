//! The team vault against a real OpenBao server: two members — two data dirs, two HOMEs, two private
//! Secret Services — and the `bao` CLI as a third, independent client. Ignored by default (it needs
//! the `bao` binary, which `tests/openbao/setup.sh` installs); `scripts/test.sh` runs it.

use keyden_tests::keyring::PrivateKeyring;
use keyden_tests::openbao::BaoServer;
use keyden_tests::{occurrences, unique_secret, wait_until, Run, Sandbox};
use std::time::Duration;

struct Member {
    sandbox: Sandbox,
    _home: tempfile::TempDir,
    _keyring: Option<PrivateKeyring>,
    /// Everything printed by every command but `get`, for the canary.
    printed: std::cell::RefCell<Vec<(String, String)>>,
}

impl Member {
    /// A member on this machine; `own_keyring`: a Secret Service of their own (else the session's).
    fn new(own_keyring: bool) -> Self {
        let home = tempfile::tempdir().unwrap();
        let keyring = own_keyring.then(PrivateKeyring::start);
        let mut sandbox = Sandbox::new()
            .with_env("HOME", home.path().to_str().unwrap())
            .with_env("KEYDEN_HTTP_RETRY_BASE_MS", "20")
            .with_env("KEYDEN_HTTP_TIMEOUT_MS", "3000")
            .with_env("KEYDEN_BAO_FAILOVER_MS", "2000");
        if let Some(k) = &keyring {
            sandbox = sandbox.with_env("DBUS_SESSION_BUS_ADDRESS", &k.address);
        }
        Member { sandbox, _home: home, _keyring: keyring, printed: Default::default() }
    }

    fn join(&self, server: &BaoServer, user: &str, password: &str) {
        let args = ["--json", "accounts", "add", "openbao", "--name", "team", "--url", &server.addr];
        let args = [&args[..], &["--userpass", user, "--password-stdin"]].concat();
        self.sandbox.run_with_stdin(&args, password.as_bytes()).ok();
    }

    fn record(&self, args: &[&str], run: Run) -> Run {
        self.printed.borrow_mut().push((format!("{args:?}"), format!("{}\n{}", run.stdout, run.stderr)));
        run
    }

    fn run(&self, args: &[&str]) -> Run {
        self.record(args, self.sandbox.run(args))
    }

    fn run_with_stdin(&self, args: &[&str], stdin: &str) -> Run {
        self.record(args, self.sandbox.run_with_stdin(args, stdin.as_bytes()))
    }

    fn run_in(&self, dir: &std::path::Path, args: &[&str]) -> Run {
        self.record(args, self.sandbox.run_in(dir, args))
    }

    fn get(&self, key: &str) -> Run {
        self.sandbox.run(&["get", key])
    }

    fn sync(&self) -> serde_json::Value {
        let r = self.run(&["--json", "sync", "team"]).ok().json();
        r[0].clone()
    }
}

#[test]
#[ignore = "needs the OpenBao server binary (tests/openbao/setup.sh); scripts/test.sh runs it"]
fn two_members_share_rotate_and_revoke_through_openbao() {
    let server = BaoServer::dev();
    server.team_setup();
    // Alice's tokens live 2 s and cannot be renewed past 3 s: they die several times during the story.
    server.user("alice", "alice-pw", "team-rw", Some(("2s", "3s")));
    server.user("bob", "bob-pw", "team-rw", None);
    server.user("carol", "carol-pw", "team-ro", None);

    let alice = Member::new(false);
    let bob = Member::new(true);
    alice.join(&server, "alice", "alice-pw");
    bob.join(&server, "bob", "bob-pw");

    // Alice shares a key; the `bao` CLI reads its value and title.
    let v1 = unique_secret("team_v1");
    let id = alice.sandbox.add("Stripe live (team)", &v1, &["--provider", "stripe", "--env", "prod"]);
    let shared = alice.run(&["--json", "share", &id, "--account", "team"]).ok().json();
    assert_eq!(shared["team"]["version"], 1, "{shared}");
    assert_eq!(shared["team"]["shared_by"], "alice", "{shared}");
    let path = format!("secret/keyden/{id}");
    let got = server.json(&["kv", "get", &path]);
    assert_eq!(got["data"]["data"]["value"], v1.as_str());
    assert_eq!(got["data"]["metadata"]["custom_metadata"]["title"], "Stripe live (team)");
    assert_eq!(got["data"]["metadata"]["custom_metadata"]["status"], "active");

    // Sharing it again is refused: a new value is a rotation.
    let again = alice.run(&["--json", "share", &id, "--account", "team"]);
    assert_eq!((again.code, again.error_code()), (1, "already_shared".to_string()), "{again:?}");

    // Bob syncs and gets it, under the same id, from his own keyring.
    let report = bob.sync();
    assert_eq!((report["added"].as_u64(), report["remote_count"].as_u64()), (Some(1), Some(1)), "{report}");
    assert_eq!(bob.get(&id).ok().stdout, v1);
    let shown = bob.run(&["--json", "keys", "show", &id]).ok().json();
    assert_eq!(shown["key"]["title"], "Stripe live (team)");
    assert_eq!(shown["key"]["environment"], "prod");

    // A teammate's new version written with the bao CLI reaches Bob.
    let v2 = unique_secret("team_v2");
    server.ok(&["kv", "patch", &path, &format!("value={v2}")]);
    let report = bob.sync();
    assert_eq!(report["updated"], 1, "{report}");
    assert_eq!(bob.get(&id).ok().stdout, v2);

    // Alice still stands at version 1: her rotation is a conflict that names version 2, and changes nothing.
    let v3 = unique_secret("team_v3");
    let stale = alice.run_with_stdin(&["--json", "keys", "rotate", &id, "--secret-stdin"], &v3);
    assert_eq!((stale.code, stale.error_code()), (1, "conflict".to_string()), "{stale:?}");
    assert!(stale.error()["message"].as_str().unwrap().contains("version 2"), "{stale:?}");
    assert_eq!(server.json(&["kv", "get", &path])["data"]["data"]["value"], v2.as_str());
    assert_eq!(alice.get(&id).ok().stdout, v1, "a refused rotation changes nothing here either");

    // Alice's token has died by now (2 s TTL, 3 s max): she syncs, rotates, and notices nothing.
    assert!(
        wait_until(Duration::from_secs(30), || server.live_tokens("userpass-alice") == 0),
        "alice's tokens never expired"
    );
    assert_eq!(alice.sync()["updated"], 1);
    assert_eq!(alice.get(&id).ok().stdout, v2);
    let rotated = alice.run_with_stdin(&["--json", "keys", "rotate", &id, "--secret-stdin"], &v3);
    assert_eq!(rotated.ok().json()["team"]["version"], 3);
    assert_eq!(bob.sync()["updated"], 1);
    assert_eq!(bob.get(&id).ok().stdout, v3);

    // The history lists the three versions, Bob's marked as his.
    let history = bob.run(&["--json", "keys", "history", &id]).ok().json();
    let versions: Vec<u64> =
        history["versions"].as_array().unwrap().iter().map(|v| v["version"].as_u64().unwrap()).collect();
    assert_eq!(versions, [3, 2, 1], "{history}");
    assert_eq!(history["versions"][0]["current"], true);

    // A rename reaches the team.
    alice.run(&["keys", "edit", &id, "--title", "Stripe live (shared)"]).ok();
    bob.sync();
    assert_eq!(bob.run(&["--json", "keys", "show", &id]).ok().json()["key"]["title"], "Stripe live (shared)");

    // A read-only member syncs, but cannot share.
    let carol = Member::new(true);
    carol.join(&server, "carol", "carol-pw");
    assert_eq!(carol.sync()["added"], 1);
    let own = carol.sandbox.add("Carol's own", &unique_secret("carol"), &[]);
    let refused = carol.run(&["--json", "share", &own, "--account", "team"]);
    assert_eq!((refused.code, refused.error_code()), (1, "permission_denied".to_string()), "{refused:?}");
    assert_eq!(server.json(&["kv", "list", "secret/keyden"]).as_array().unwrap().len(), 1);

    // Bob's project holds a reference to the shared key; `run` fills it in for the child.
    let project = tempfile::tempdir().unwrap();
    std::fs::write(project.path().join(".env"), format!("STRIPE=keyden://{id}\n")).unwrap();
    let check = format!("test \"$STRIPE\" = '{v3}' && echo filled");
    let ran = bob.run_in(project.path(), &["run", "--", "sh", "-c", &check]).ok();
    assert_eq!(ran.stdout, "filled\n");

    // Alice revokes: after his next sync Bob's get, exec and run stop serving it.
    alice.run(&["keys", "revoke", &id, "--yes"]).ok();
    assert_eq!(server.json(&["kv", "metadata", "get", &path])["data"]["custom_metadata"]["status"], "revoked");
    assert_eq!(bob.get(&id).ok().stdout, v3, "before his sync Bob's mirror still serves it");
    bob.sync();
    let stopped = bob.run(&["--json", "get", &id]);
    assert_eq!((stopped.code, stopped.error_code()), (1, "key_revoked".to_string()), "{stopped:?}");
    let exec = bob.run(&["--json", "exec", "--env", &format!("STRIPE={id}"), "--", "true"]);
    assert_eq!((exec.code, exec.error_code()), (1, "key_revoked".to_string()), "{exec:?}");
    let refused = bob.run_in(project.path(), &["--json", "run", "--", "sh", "-c", &check]);
    assert_eq!((refused.code, refused.error_code()), (1, "key_revoked".to_string()), "{refused:?}");

    // Delete after revoke takes the entry and every version off the server; Bob's copy is marked gone.
    alice.run(&["keys", "delete", &id, "--yes"]).ok();
    assert!(!server.bao(&["kv", "metadata", "get", &path]).status.success(), "the entry is still there");
    assert_eq!(bob.sync()["gone"], 1);
    assert_eq!(bob.run(&["--json", "keys", "show", &id]).ok().json()["key"]["remote_state"], "gone");

    // Sealed, then stopped: clear errors, the mirror intact.
    server.seal();
    let sealed = bob.run(&["--json", "sync", "team"]);
    assert_eq!((sealed.code, sealed.error_code()), (1, "provider_sealed".to_string()), "{sealed:?}");
    let mut server = server;
    server.stop();
    let down = bob.run(&["--json", "sync", "team"]);
    assert_eq!((down.code, down.error_code()), (1, "provider_unreachable".to_string()), "{down:?}");
    let listed = bob.run(&["--json", "keys", "list"]).ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    // The history lives on the server: offline it is the same clear error, and the key still shows.
    let history = bob.run(&["--json", "keys", "history", &id]);
    assert_eq!((history.code, history.error_code()), (1, "provider_unreachable".to_string()), "{history:?}");
    assert!(history.error()["hint"].as_str().is_some_and(|h| !h.is_empty()), "{history:?}");
    bob.run(&["--json", "keys", "show", &id]).ok();

    // The canary: no shared value in any member's data dir, nor in anything a command printed but
    // `get` (there is no log file: Keyden writes none).
    for m in [&alice, &bob, &carol] {
        for f in m.sandbox.files() {
            let bytes = std::fs::read(&f).unwrap();
            for v in [&v1, &v2, &v3] {
                assert_eq!(occurrences(&bytes, v.as_bytes()), 0, "{v} in {}", f.display());
            }
        }
        m.run(&["keys", "list"]);
        m.run(&["--json", "keys", "list"]);
        for (args, printed) in m.printed.borrow().iter() {
            for v in [&v1, &v2, &v3] {
                assert!(!printed.contains(v.as_str()), "{args} printed a shared value: {printed}");
            }
        }
    }
}
