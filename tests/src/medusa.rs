//! Helpers for the tests that run against the real Medusa server `scripts/test.sh` starts.

use crate::Sandbox;

pub const EMAIL: &str = "admin@example.com";
pub const PASSWORD: &str = "supersecret";

/// `KEYDEN_MEDUSA_URL`, set by scripts/test.sh once the server is healthy.
pub fn url() -> String {
    std::env::var("KEYDEN_MEDUSA_URL").expect("KEYDEN_MEDUSA_URL: run through scripts/test.sh")
}

/// A sandbox with one Medusa account named `shop`, signed in; returns the account id too.
pub fn signed_in() -> (Sandbox, String) {
    let s = Sandbox::new();
    let a = s.add_medusa_account("shop", &url(), EMAIL, PASSWORD).ok().json();
    (s, a["id"].as_str().unwrap().to_string())
}

/// Revokes every active secret key the admin owns (through `s`'s account `shop`), so the one-active
/// rule starts from a clean slate whatever an earlier run left behind.
pub fn clean_slate(s: &Sandbox) {
    s.run(&["sync", "shop"]).ok();
    let active = s.run(&["--json", "keys", "list", "--provider", "medusa", "--status", "active"]).ok().json();
    for k in active.as_array().unwrap() {
        if k["kind"] == "secret" && k["remote_state"] == "present" {
            s.run(&["keys", "revoke", k["id"].as_str().unwrap(), "--yes"]).ok();
        }
    }
}

/// What another Keyden (a fresh mirror of the same server) sees for a remote id, if it is there.
pub fn seen_elsewhere(remote_id: &str) -> Option<serde_json::Value> {
    let (other, _) = signed_in();
    other.run(&["sync"]).ok();
    let list = other.run(&["--json", "keys", "list"]).ok().json();
    list.as_array().unwrap().iter().find(|k| k["remote_id"] == remote_id && k["remote_state"] == "present").cloned()
}
