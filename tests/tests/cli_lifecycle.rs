//! The lifecycle, told as a user's day, through the real `keyden` binary and a real Secret Service.

use keyden_tests::{keyring_label, keyring_lookup, unique_secret, Sandbox};

#[test]
fn a_keys_life_add_refuse_second_revoke_delete() {
    let s = Sandbox::new();
    let scope = ["--provider", "medusa", "--account", "acme", "--owner", "ana"];
    let first = s.add("Medusa prod backend", &unique_secret("first"), &scope);

    // A second active secret key for the same account and owner is refused, naming the first.
    let second = s.run_with_stdin(
        &[&["--json", "keys", "add", "--title", "Second", "--secret-stdin"][..], &scope[..]].concat(),
        unique_secret("second").as_bytes(),
    );
    assert_eq!(second.code, 1, "{second:?}");
    let err = second.error();
    assert_eq!(err["code"], "one_active_key");
    assert!(err["message"].as_str().unwrap().contains("Medusa prod backend"), "{err}");
    assert!(err["message"].as_str().unwrap().contains(&first), "{err}");
    assert!(err["hint"].as_str().unwrap().contains("revoke"), "{err}");
    assert_eq!(s.ids(), [first.as_str()]);

    // Delete of an active key is refused.
    let del = s.run(&["--json", "keys", "delete", &first, "--yes"]);
    assert_eq!((del.code, del.error_code()), (1, "key_not_revoked".to_string()));

    // Revoke without --yes is a usage error and changes nothing.
    let unconfirmed = s.run(&["keys", "revoke", &first]);
    assert_eq!(unconfirmed.code, 2, "{unconfirmed:?}");
    assert_eq!(s.run(&["--json", "keys", "show", &first]).ok().json()["key"]["status"], "active");

    // Revoke; then revoke again is refused: revoke is final.
    let revoked = s.run(&["--json", "keys", "revoke", &first, "--yes"]).ok().json();
    assert_eq!(revoked["status"], "revoked");
    let again = s.run(&["--json", "keys", "revoke", &first, "--yes"]);
    assert_eq!((again.code, again.error_code()), (1, "key_already_revoked".to_string()));

    // A revoked key's value is never handed out again.
    let get = s.run(&["--json", "get", &first]);
    assert_eq!((get.code, get.error_code()), (1, "key_revoked".to_string()));

    // The slot is free: a new active secret key is accepted.
    let rotated = s.add("Medusa prod backend (rotated)", &unique_secret("rotated"), &scope);

    // Delete of the revoked key removes its row and its keyring entry.
    assert!(keyring_lookup(&first).is_some());
    s.run(&["--json", "keys", "delete", &first, "--yes"]).ok();
    assert!(keyring_lookup(&first).is_none(), "keyring entry left behind");
    assert_eq!(s.ids(), [rotated]);
    let show = s.run(&["--json", "keys", "show", &first]);
    assert_eq!((show.code, show.error_code()), (1, "key_not_found".to_string()));

    // The audit trail tells the story, in order.
    let audit = s.run(&["--json", "audit", &s.ids()[0]]).ok().json();
    assert_eq!(audit.as_array().unwrap().len(), 1);
    let all = s.run(&["--json", "audit"]).ok().json();
    let actions: Vec<_> =
        all.as_array().unwrap().iter().rev().map(|e| e["action"].as_str().unwrap().to_string()).collect();
    assert_eq!(actions, ["create", "revoke", "create", "delete"]);
}

#[test]
fn a_secret_stored_by_keyden_is_found_by_secret_tool() {
    let s = Sandbox::new();
    let value = unique_secret("interop");
    let id = s.add("Interop", &value, &["--type", "token"]);
    assert_eq!(keyring_lookup(&id).as_deref(), Some(value.as_str()));
    // Seahorse and `secret-tool search` (Credential Manager on Windows) show the key's title beside it.
    if let Some(label) = keyring_label(&id) {
        assert_eq!(label, "Keyden: Interop");
    }
}

#[test]
fn edit_changes_title_and_notes_only() {
    let s = Sandbox::new();
    let id = s.add("Old title", &unique_secret("edit"), &["--provider", "stripe", "--env", "prod"]);
    let edited =
        s.run(&["--json", "keys", "edit", &id, "--title", "New 🔑 title", "--notes", "rotates monthly"]).ok().json();
    assert_eq!(edited["title"], "New 🔑 title");
    assert_eq!(edited["notes"], "rotates monthly");
    assert_eq!(edited["provider"], "stripe");
    assert_eq!(edited["environment"], "prod");
    let by_title = s.run(&["--json", "keys", "show", "New 🔑 title"]).ok().json();
    assert_eq!(by_title["key"]["id"], id.as_str());
    assert_eq!(by_title["audit"][0]["action"], "edit");
    let nothing = s.run(&["keys", "edit", &id]);
    assert_eq!(nothing.code, 2);
}

#[test]
fn list_searches_filters_and_sorts() {
    let s = Sandbox::new();
    let a = s.add(
        "Alpha storefront",
        &unique_secret("a"),
        &["--provider", "shopify", "--env", "prod", "--type", "token", "--expires", "2020-01-01"],
    );
    let b =
        s.add("beta backend", &unique_secret("b"), &["--provider", "medusa", "--env", "staging", "--type", "token"]);
    let c = s.add("Gamma 100% legacy", &unique_secret("c"), &["--provider", "stripe", "--type", "token"]);
    s.run(&["keys", "revoke", &c, "--yes"]).ok();
    let list = |args: &[&str]| -> Vec<String> {
        let run = s.run(&[&["--json", "keys", "list"][..], args].concat()).ok();
        run.json().as_array().unwrap().iter().map(|k| k["id"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(list(&["--sort", "title"]), [a.clone(), b.clone(), c.clone()]);
    assert_eq!(list(&["--sort", "title", "--desc"]), [c.clone(), b.clone(), a.clone()]);
    assert_eq!(list(&["--search", "BACKEND"]), [b.as_str()]);
    assert_eq!(list(&["--search", "medusa"]), [b.as_str()]);
    assert_eq!(list(&["--search", "sk_can"]).len(), 3, "redacted prefix matches");
    assert_eq!(list(&["--search", "100%"]), [c.as_str()]);
    assert_eq!(list(&["--search", "%"]), [c.as_str()]);
    assert!(list(&["--search", "x' OR '1'='1"]).is_empty());
    assert!(list(&["--search", "\"; DROP TABLE keys; --"]).is_empty());
    assert_eq!(list(&["--status", "revoked"]), [c.as_str()]);
    assert_eq!(list(&["--provider", "shopify"]), [a.as_str()]);
    assert_eq!(list(&["--env", "staging"]), [b.as_str()]);
    assert_eq!(list(&["--expiring-within", "30"]), [a.as_str()], "already expired counts as expiring");
    assert_eq!(s.ids().len(), 3, "the table survived the search");
    let human = s.run(&["keys", "list", "--sort", "title"]).ok().stdout;
    assert!(human.contains("expired") && human.contains("revoked") && human.contains("Alpha storefront"), "{human}");
}

#[test]
fn keys_are_named_by_exact_title_or_unique_id_prefix() {
    let s = Sandbox::new();
    let id = s.add("Named", &unique_secret("n"), &["--type", "token"]);
    assert_eq!(s.run(&["--json", "keys", "show", "Named"]).ok().json()["key"]["id"], id.as_str());
    assert_eq!(s.run(&["--json", "keys", "show", &id[..10]]).ok().json()["key"]["id"], id.as_str());
    let unknown = s.run(&["--json", "keys", "show", "no such key"]);
    assert_eq!((unknown.code, unknown.error_code()), (1, "key_not_found".to_string()));
    s.add("Named", &unique_secret("n2"), &["--type", "token"]);
    let ambiguous = s.run(&["--json", "keys", "show", "Named"]);
    assert_eq!((ambiguous.code, ambiguous.error_code()), (1, "key_ambiguous".to_string()));
}

#[test]
fn exec_puts_values_only_in_the_childs_environment_and_passes_its_exit_code() {
    let s = Sandbox::new();
    let value = unique_secret("exec");
    let id = s.add("Exec", &value, &["--type", "token"]);
    let env = format!("API_KEY={id}");
    let run = s.run_child(&["exec", "--env", &env], &["out:${API_KEY}"]).ok();
    assert_eq!(run.stdout.trim_end(), value);
    let failing = s.run_child(&["exec", "--env", &env], &["exit:7"]);
    assert_eq!(failing.code, 7);
    let bad_var = s.run_child(&["--json", "exec", "--env", "1BAD=Exec"], &[]);
    assert_eq!(bad_var.code, 2);
    let unknown = s.run_child(&["--json", "exec", "--env", "X=missing"], &[]);
    assert_eq!((unknown.code, unknown.error_code()), (1, "key_not_found".to_string()));
    let audit = s.run(&["--json", "audit", &id]).ok().json();
    assert_eq!(audit[0]["action"], "inject");
    assert!(audit[0]["detail"].as_str().unwrap().contains("API_KEY"));
}

#[test]
fn get_prints_the_trimmed_value_and_is_audited() {
    let s = Sandbox::new();
    let value = unique_secret("get");
    let id = s.add("Get", &format!("{value}\n"), &["--type", "token"]);
    assert_eq!(s.run(&["get", &id]).ok().stdout, value, "trailing newline trimmed, none added for pipes");
    assert_eq!(s.run(&["--json", "audit", &id]).ok().json()[0]["action"], "reveal");
}
