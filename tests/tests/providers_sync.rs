//! The mirror sync through the CLI against a fake that pages exactly like Medusa's `GET /admin/api-keys`
//! (limit/offset/count): paging, incremental syncs, keys gone remotely, a sync that fails half way
//! (mirror untouched, failure recorded), and working offline once the server is gone.

use keyden_tests::fakes::{MedusaPager, PAGER_EMAIL, PAGER_PASSWORD};
use keyden_tests::Sandbox;

fn sandbox() -> Sandbox {
    Sandbox::new().with_env("KEYDEN_HTTP_TIMEOUT_MS", "800").with_env("KEYDEN_HTTP_RETRY_BASE_MS", "20")
}

fn add_account(s: &Sandbox, url: &str) {
    s.add_medusa_account("pager", url, PAGER_EMAIL, PAGER_PASSWORD).ok();
}

fn account(s: &Sandbox) -> serde_json::Value {
    s.run(&["--json", "accounts", "list"]).ok().json()[0].clone()
}

#[test]
fn a_sync_pages_through_everything_then_changes_only_what_changed() {
    let pager = MedusaPager::start(1234);
    let s = sandbox();
    add_account(&s, pager.url());
    let first = s.run(&["--json", "sync", "pager"]).ok().json()[0].clone();
    assert_eq!(first["remote_count"], 1234);
    assert_eq!((first["added"].as_u64(), first["pages"].as_u64()), (Some(1234), Some(3)), "{first}");

    let keys = s.run(&["--json", "keys", "list", "--provider", "medusa"]).ok().json();
    assert_eq!(keys.as_array().unwrap().len(), 1234);
    let k0 = keys.as_array().unwrap().iter().find(|k| k["remote_id"] == "apk_00000000000000000001").unwrap();
    assert_eq!((k0["title"].as_str(), k0["kind"].as_str()), (Some("Pager key 1"), Some("secret")));
    assert_eq!((k0["has_secret"].as_bool(), k0["remote_state"].as_str()), (Some(false), Some("present")));
    assert_eq!(k0["owner"], "user_other");
    let revoked = s.run(&["--json", "keys", "list", "--provider", "medusa", "--status", "revoked"]).ok().json();
    assert_eq!(revoked.as_array().unwrap().len(), 123, "every 10th key is revoked remotely");

    let again = s.run(&["--json", "sync"]).ok().json()[0].clone();
    assert_eq!(
        (again["added"].as_u64(), again["updated"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(0), Some(1234))
    );

    // Ten keys deleted at the provider: marked gone, never silently dropped.
    pager.remove_first(10);
    let after = s.run(&["--json", "sync"]).ok().json()[0].clone();
    assert_eq!((after["gone"].as_u64(), after["remote_count"].as_u64()), (Some(10), Some(1224)), "{after}");
    let gone = s.run(&["--json", "keys", "show", "Pager key 3"]).ok().json();
    assert_eq!(gone["key"]["remote_state"], "gone");
    assert!(s.run(&["keys", "list", "--search", "Pager key 3"]).ok().stdout.contains("gone remotely"));
    assert_eq!(s.run(&["--json", "keys", "list"]).ok().json().as_array().unwrap().len(), 1234);
    assert_eq!(account(&s)["remote_count"], 1224);
}

#[test]
fn a_failed_sync_leaves_the_mirror_as_it_was_and_says_when_the_last_one_worked() {
    let pager = MedusaPager::start(1200);
    let s = sandbox();
    add_account(&s, pager.url());
    s.run(&["sync"]).ok();
    let good = account(&s);
    let before = s.run(&["--json", "keys", "list"]).ok().stdout;

    pager.remove_first(600);
    pager.fail_at_offset(Some(500));
    let failed = s.run(&["--json", "sync", "pager"]);
    assert_eq!((failed.code, failed.error_code().as_str()), (1, "provider_error"), "{failed:?}");
    assert_eq!(s.run(&["--json", "keys", "list"]).ok().stdout, before, "the first page changed nothing on its own");
    let a = account(&s);
    assert_eq!(a["last_sync_at"], good["last_sync_at"]);
    assert!(a["last_sync_error"].as_str().unwrap().contains("HTTP 500"), "{a}");
    assert_eq!(a["last_sync_failure"], "server", "the kind is kept beside the message: {a}");
    assert!(s.run(&["accounts", "list"]).ok().stdout.contains("last sync failed"));

    pager.fail_at_offset(None);
    let ok = s.run(&["--json", "sync"]).ok().json()[0].clone();
    assert_eq!(ok["gone"], 600);
    assert!(account(&s)["last_sync_error"].is_null());
    assert!(account(&s)["last_sync_failure"].is_null());
}

#[test]
fn offline_everything_reads_from_the_mirror() {
    let pager = MedusaPager::start(50);
    let s = sandbox();
    add_account(&s, pager.url());
    s.run(&["sync"]).ok();
    let synced_at = account(&s)["last_sync_at"].as_i64().unwrap();
    drop(pager);

    let list = s.run(&["--json", "keys", "list", "--search", "pager key 4"]).ok().json();
    assert_eq!(list.as_array().unwrap().len(), 11, "4 and 40–49");
    let show = s.run(&["keys", "show", "Pager key 42"]).ok().stdout;
    assert!(show.contains("apk_00000000000000000042") && show.contains("mirrored"), "{show}");
    let get = s.run(&["--json", "get", "Pager key 42"]);
    assert_eq!(get.error_code(), "secret_never_held", "a mirrored key has no secret to hand out: {get:?}");
    let sync = s.run(&["--json", "sync"]);
    assert_eq!(sync.error_code(), "provider_unreachable", "{sync:?}");
    assert!(sync.error()["hint"].as_str().unwrap().contains("offline"));
    let a = account(&s);
    assert_eq!(a["last_sync_at"].as_i64(), Some(synced_at));
    assert!(a["last_sync_error"].as_str().unwrap().contains("cannot connect"), "{a}");
    assert_eq!(a["last_sync_failure"], "unreachable", "what the app shows as Offline: {a}");
}

#[test]
fn wrong_credentials_and_bad_urls_are_refused_when_the_account_is_added() {
    let pager = MedusaPager::start(1);
    let s = sandbox();
    let wrong = s.add_medusa_account("p", pager.url(), PAGER_EMAIL, "wrong");
    assert_eq!(wrong.error_code(), "provider_unauthorized", "{wrong:?}");
    assert!(wrong.error()["message"].as_str().unwrap().contains("Invalid email or password"));
    let nowhere = s.add_medusa_account("p", "http://127.0.0.1:9", "a@b", "x");
    assert_eq!(nowhere.error_code(), "provider_unreachable", "{nowhere:?}");
    assert!(s.run(&["--json", "accounts", "list"]).ok().json().as_array().unwrap().is_empty());
    let no_creds = s.run(&["--json", "accounts", "add", "medusa", "--name", "p", "--url", pager.url()]);
    assert_eq!(no_creds.code, 2, "{no_creds:?}");
}

#[test]
fn the_server_s_own_refusal_is_shown_as_it_said_it_and_nothing_is_kept() {
    let pager = MedusaPager::start(3);
    let s = sandbox();
    add_account(&s, pager.url());
    // Keyden's policy is per user: the active secret keys belong to another admin, so it asks the server,
    // which (like Medusa <= 2.10) allows one active secret key store-wide.
    let r = s.run(&["--json", "keys", "create", "--account", "pager", "--title", "Mine"]);
    assert_eq!((r.code, r.error_code().as_str()), (1, "provider_refused"), "{r:?}");
    let message = r.error()["message"].as_str().unwrap().to_string();
    assert!(message.contains("HTTP 400") && message.contains("You can only have one active secret key"), "{message}");
    assert!(s.run(&["--json", "keys", "list", "--search", "Mine"]).ok().json().as_array().unwrap().is_empty());
}

#[test]
fn removing_an_account_forgets_its_credentials_and_keeps_its_keys() {
    let pager = MedusaPager::start(5);
    let s = sandbox();
    add_account(&s, pager.url());
    s.run(&["sync"]).ok();
    let id = account(&s)["id"].as_str().unwrap().to_string();
    let (password, session) = (format!("account:{id}:password"), format!("account:{id}:jwt"));
    assert_eq!(keyden_tests::keyring_lookup(&password).as_deref(), Some(PAGER_PASSWORD));
    assert!(keyden_tests::keyring_lookup(&session).is_some(), "the admin session is cached");

    let removed = s.run(&["--json", "accounts", "remove", "pager"]).ok().json();
    assert_eq!(removed["name"], "pager");
    assert_eq!(keyden_tests::keyring_lookup(&password), None);
    assert_eq!(keyden_tests::keyring_lookup(&session), None);
    assert!(s.run(&["--json", "accounts", "list"]).ok().json().as_array().unwrap().is_empty());
    assert_eq!(s.ids().len(), 5, "the mirrored keys stay, as local records");
    assert_eq!(s.run(&["--json", "sync", "pager"]).error_code(), "account_not_found");
    assert_eq!(s.run(&["--json", "accounts", "remove", "pager"]).error_code(), "account_not_found");
}
