//! Lifecycle rules against a real SQLite file and an in-memory keyring (the real Secret Service is
//! exercised by `tests/vault_story.rs`).

use super::*;
use crate::clock::FixedClock;
use crate::secret_store::MemoryStore;
use crate::store::Pending;
use keyden_protocol::SortField;

struct Fixture {
    vault: Vault,
    store: Arc<MemoryStore>,
    clock: FixedClock,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(MemoryStore::default());
    let clock = FixedClock::at(1_700_000_000);
    let (vault, _) = Vault::open(dir.path(), store.clone(), Arc::new(clock.clone()), "test").await.unwrap();
    Fixture { vault, store, clock, _dir: dir }
}

fn secret(v: &str) -> SecretValue {
    SecretValue::from_input(v.as_bytes().to_vec()).unwrap()
}

fn meta(title: &str) -> NewKeyMeta {
    NewKeyMeta {
        title: title.into(),
        provider: "medusa".into(),
        account: "shop".into(),
        owner: "ana".into(),
        ..Default::default()
    }
}

#[tokio::test]
async fn a_second_active_secret_key_is_refused_naming_the_first() {
    let f = fixture().await;
    let first = f.vault.add(meta("Prod backend"), secret("sk_first_0000000000")).await.unwrap();
    let err = f.vault.add(meta("Another"), secret("sk_second_000000000")).await.unwrap_err();
    match err {
        VaultError::OneActiveKey { active_id, active_title } => {
            assert_eq!(active_id, first.id);
            assert_eq!(active_title, "Prod backend");
        }
        other => panic!("unexpected {other:?}"),
    }
    // A publishable key, or a secret key for another owner, is fine.
    let mut publishable = meta("Storefront");
    publishable.kind = Some(KeyKind::Publishable);
    f.vault.add(publishable, secret("pk_0000000000000000")).await.unwrap();
    let mut other_owner = meta("Bob's key");
    other_owner.owner = "bob".into();
    f.vault.add(other_owner, secret("sk_bob_00000000000000")).await.unwrap();
    // Revoking the first frees the slot.
    f.vault.revoke(&first.id).await.unwrap();
    f.vault.add(meta("Rotated"), secret("sk_rotated_0000000000")).await.unwrap();
}

#[tokio::test]
async fn revoke_is_final_and_delete_needs_it() {
    let f = fixture().await;
    let k = f.vault.add(meta("K"), secret("sk_k_0000000000000000")).await.unwrap();
    assert!(matches!(f.vault.delete(&k.id).await, Err(VaultError::NotRevoked(_))));
    f.clock.advance(60);
    let revoked = f.vault.revoke(&k.id).await.unwrap();
    assert_eq!(revoked.revoked_at, Some(1_700_000_060));
    assert!(matches!(f.vault.revoke(&k.id).await, Err(VaultError::AlreadyRevoked(_))));
    assert!(matches!(f.vault.use_secret(&k.id, Use::Reveal, "").await, Err(VaultError::Revoked(_))));
    f.vault.delete(&k.id).await.unwrap();
    assert!(matches!(f.vault.resolve(&k.id).await, Err(VaultError::NotFound(_))));
    assert_eq!(f.store.len(), 1, "only the fingerprint key is left in the keyring");
}

#[tokio::test]
async fn an_unavailable_keyring_writes_no_row() {
    let f = fixture().await;
    f.store.set_failing(true);
    let err = f.vault.add(meta("K"), secret("sk_k_0000000000000000")).await.unwrap_err();
    assert_eq!(crate::Coded::code(&err), "keyring_locked");
    assert!(crate::Coded::hint(&err).unwrap().contains("unlock"));
    f.store.set_failing(false);
    assert_eq!(f.vault.list(&KeyQuery::default()).await.unwrap().facets.total, 0);
}

#[tokio::test]
async fn a_keyring_failure_after_the_fingerprint_rolls_the_row_back() {
    let f = fixture().await;
    f.vault.fingerprinter().await.unwrap(); // the key is cached; now the keyring dies
    f.store.set_failing(true);
    assert!(f.vault.add(meta("K"), secret("sk_k_0000000000000000")).await.is_err());
    assert!(KeyRows(&f.vault.db).pending().await.unwrap().is_empty());
    assert_eq!(f.vault.list(&KeyQuery::default()).await.unwrap().facets.total, 0);
}

/// Writes a pending row as a process that has since died would have left it.
async fn abandoned_row(f: &Fixture, pending: Pending, value: &str) -> KeyRow {
    let fp = f.vault.fingerprinter().await.unwrap().of(&secret(value));
    let record = KeyRecord {
        id: new_key_id(),
        title: "Interrupted".into(),
        provider: "generic".into(),
        account: String::new(),
        environment: String::new(),
        owner: String::new(),
        kind: KeyKind::Token,
        redacted: secret(value).redacted(),
        status: if pending == Pending::Delete { KeyStatus::Revoked } else { KeyStatus::Active },
        created_at: f.clock.now(),
        revoked_at: None,
        expires_at: None,
        last_verified_at: None,
        remote_id: None,
        notes: String::new(),
        remote_state: None,
        synced_at: None,
        has_secret: true,
        last_checked_at: None,
        last_check: None,
        probe_url: None,
        probe_header: None,
        team: None,
    };
    let row = KeyRow { record, fingerprint: fp, pending: None, pending_pid: None, pending_at: None };
    // pid 0 is never a user process: the step is abandoned.
    KeyRows(&f.vault.db).insert_pending(&row, 0, f.clock.now()).await.unwrap();
    if pending == Pending::Delete {
        KeyRows(&f.vault.db).finalise(&row.record.id).await.unwrap();
        assert!(KeyRows(&f.vault.db).mark_pending_delete(&row.record.id, 0, f.clock.now()).await.unwrap());
    }
    row
}

#[tokio::test]
async fn recovery_completes_a_create_whose_secret_reached_the_keyring() {
    let f = fixture().await;
    let row = abandoned_row(&f, Pending::Create, "tok_reached_keyring_1").await;
    f.store.put(&row.record.id, "x", &secret("tok_reached_keyring_1")).unwrap();
    let report = f.vault.recover().await.unwrap();
    assert_eq!(report.completed, vec![row.record.id.clone()]);
    let (_, value) = f.vault.use_secret(&row.record.id, Use::Reveal, "").await.unwrap();
    assert_eq!(value.expose(), "tok_reached_keyring_1");
}

#[tokio::test]
async fn recovery_rolls_back_a_create_that_never_reached_the_keyring() {
    let f = fixture().await;
    let row = abandoned_row(&f, Pending::Create, "tok_lost_000000000").await;
    let report = f.vault.recover().await.unwrap();
    assert_eq!(report.rolled_back, vec![row.record.id.clone()]);
    assert!(KeyRows(&f.vault.db).get(&row.record.id).await.unwrap().is_none());
}

#[tokio::test]
async fn recovery_finishes_an_interrupted_delete_without_orphans() {
    let f = fixture().await;
    let row = abandoned_row(&f, Pending::Delete, "tok_deleting_00000000").await;
    f.store.put(&row.record.id, "x", &secret("tok_deleting_00000000")).unwrap();
    let before = f.store.len();
    let report = f.vault.recover().await.unwrap();
    assert_eq!(report.completed, vec![row.record.id.clone()]);
    assert_eq!(f.store.len(), before - 1);
    assert!(KeyRows(&f.vault.db).get(&row.record.id).await.unwrap().is_none());
}

#[tokio::test]
async fn recovery_leaves_steps_of_live_processes_alone() {
    let f = fixture().await;
    let fp = f.vault.fingerprinter().await.unwrap().of(&secret("tok_live_0000000000"));
    let mut row = abandoned_row(&f, Pending::Create, "tok_other_000000000").await;
    KeyRows(&f.vault.db).remove(&row.record.id).await.unwrap();
    row.record.id = new_key_id();
    row.fingerprint = fp;
    KeyRows(&f.vault.db).insert_pending(&row, std::process::id(), f.clock.now()).await.unwrap();
    let report = f.vault.recover().await.unwrap();
    assert_eq!(report.deferred, vec![row.record.id.clone()]);
    // …until it is old enough to be abandoned whatever the pid says.
    f.clock.advance(journal_age());
    let report = f.vault.recover().await.unwrap();
    assert_eq!(report.rolled_back, vec![row.record.id]);
}

/// The titles a query lists, the same by both paths: the app's (with the total and the filter menus)
/// and the CLI's (`Vault::keys`, without them).
async fn titles(vault: &Vault, q: KeyQuery) -> Vec<String> {
    let listed: Vec<String> = vault.list(&q).await.unwrap().keys.into_iter().map(|k| k.title).collect();
    let keys: Vec<String> = vault.keys(&q).await.unwrap().into_iter().map(|k| k.title).collect();
    assert_eq!(keys, listed, "{q:?}");
    listed
}

fn journal_age() -> i64 {
    601
}

#[tokio::test]
async fn search_treats_sql_metacharacters_as_text() {
    let f = fixture().await;
    for (i, t) in ["100% done", "a_b", "it's", "plain"].iter().enumerate() {
        let mut m = meta(t);
        m.kind = Some(KeyKind::Token);
        f.vault.add(m, secret(&format!("token_value_{i}_0000000"))).await.unwrap();
    }
    let search = |s: &str| KeyQuery { search: Some(s.into()), sort: SortField::Title, ..Default::default() };
    assert_eq!(titles(&f.vault, search("%")).await, vec!["100% done"]);
    assert_eq!(titles(&f.vault, search("_")).await, vec!["a_b"]);
    assert_eq!(titles(&f.vault, search("'")).await, vec!["it's"]);
    assert_eq!(titles(&f.vault, search("' OR 1=1 --")).await, Vec::<String>::new());
    assert_eq!(titles(&f.vault, search("PLAIN")).await, vec!["plain"]);
    assert_eq!(f.vault.list(&KeyQuery::default()).await.unwrap().keys.len(), 4);
}

#[tokio::test]
async fn filters_and_sorts_work_offline() {
    let f = fixture().await;
    let now = f.clock.now();
    let mut a = meta("Alpha");
    a.kind = Some(KeyKind::Token);
    a.environment = "prod".into();
    a.expires_at = Some(now + 3 * 86_400);
    let mut b = meta("beta");
    b.kind = Some(KeyKind::Token);
    b.provider = "stripe".into();
    b.expires_at = Some(now + 40 * 86_400);
    let mut c = meta("Gamma");
    c.kind = Some(KeyKind::Token);
    f.vault.add(a, secret("tok_alpha_000000000")).await.unwrap();
    f.clock.advance(1);
    f.vault.add(b, secret("tok_beta_0000000000")).await.unwrap();
    f.clock.advance(1);
    let g = f.vault.add(c, secret("tok_gamma_000000000")).await.unwrap();
    f.vault.revoke(&g.id).await.unwrap();
    assert_eq!(
        titles(&f.vault, KeyQuery { sort: SortField::Title, ..Default::default() }).await,
        ["Alpha", "beta", "Gamma"]
    );
    assert_eq!(
        titles(&f.vault, KeyQuery { sort: SortField::Created, desc: true, ..Default::default() }).await,
        ["Gamma", "beta", "Alpha"]
    );
    assert_eq!(
        titles(&f.vault, KeyQuery { sort: SortField::Expires, ..Default::default() }).await,
        ["Alpha", "beta", "Gamma"]
    );
    assert_eq!(
        titles(&f.vault, KeyQuery { sort: SortField::Expires, desc: true, ..Default::default() }).await,
        ["beta", "Alpha", "Gamma"]
    );
    assert_eq!(titles(&f.vault, KeyQuery { status: Some(KeyStatus::Revoked), ..Default::default() }).await, ["Gamma"]);
    assert_eq!(titles(&f.vault, KeyQuery { provider: Some("stripe".into()), ..Default::default() }).await, ["beta"]);
    assert_eq!(titles(&f.vault, KeyQuery { environment: Some("prod".into()), ..Default::default() }).await, ["Alpha"]);
    assert_eq!(titles(&f.vault, KeyQuery { expiring_within_days: Some(7), ..Default::default() }).await, ["Alpha"]);
    let facets = f.vault.list(&KeyQuery::default()).await.unwrap().facets;
    assert_eq!(facets.providers, ["medusa", "stripe"]);
    assert_eq!(facets.environments, ["prod"]);
}

#[tokio::test]
async fn keys_are_named_by_id_prefix_or_exact_title() {
    let f = fixture().await;
    let mut m = meta("Same");
    m.kind = Some(KeyKind::Token);
    let k = f.vault.add(m.clone(), secret("tok_same_1_000000000")).await.unwrap();
    assert_eq!(f.vault.resolve("Same").await.unwrap().id, k.id);
    assert_eq!(f.vault.resolve(&k.id[..10]).await.unwrap().id, k.id);
    assert!(matches!(f.vault.resolve("same").await, Err(VaultError::NotFound(_))));
    f.vault.add(m, secret("tok_same_2_000000000")).await.unwrap();
    assert!(matches!(f.vault.resolve("Same").await, Err(VaultError::Ambiguous { .. })));
    assert_eq!(f.vault.resolve(&k.id).await.unwrap().id, k.id);
}

#[tokio::test]
async fn every_use_is_audited_without_the_value() {
    let f = fixture().await;
    let k = f.vault.add(meta("Audited"), secret("sk_audited_value_123456")).await.unwrap();
    f.vault.use_secret(&k.id, Use::Reveal, "").await.unwrap();
    f.vault.use_secret(&k.id, Use::Copy, "").await.unwrap();
    f.vault.use_secret(&k.id, Use::Inject, "env API_KEY").await.unwrap();
    f.vault.edit(&k.id, KeyEdit { title: Some("Audited 2".into()), notes: Some("n".into()) }).await.unwrap();
    f.vault.revoke(&k.id).await.unwrap();
    f.vault.delete(&k.id).await.unwrap();
    let log = f.vault.audit_log(None, 100).await.unwrap();
    let actions: Vec<_> = log.iter().rev().map(|e| e.action).collect();
    use AuditAction::*;
    assert_eq!(actions, [Create, Reveal, Copy, Inject, Edit, Revoke, Delete]);
    let dump = format!("{log:?}");
    assert!(!dump.contains("sk_audited_value_123456"));
}

#[tokio::test]
async fn a_pasted_value_is_recognised_by_fingerprint() {
    let f = fixture().await;
    let k = f.vault.add(meta("Known"), secret("sk_known_0000000000")).await.unwrap();
    let found = f.vault.find_by_value(&secret("sk_known_0000000000\n")).await.unwrap();
    assert_eq!(found.into_iter().map(|r| r.id).collect::<Vec<_>>(), [k.id]);
    assert!(f.vault.find_by_value(&secret("sk_unknown_000000000")).await.unwrap().is_empty());
}

#[tokio::test]
async fn repeated_verifications_share_one_audit_line_a_minute() {
    let f = fixture().await;
    let k = f.vault.add(meta("Verifier"), secret("sk_verifier_000000000")).await.unwrap();
    for _ in 0..5 {
        f.vault.verification_secret(&k.id).await.unwrap();
    }
    f.clock.advance(61);
    f.vault.verification_secret(&k.id).await.unwrap();
    let log = f.vault.audit_log(Some(&k.id), 50).await.unwrap();
    assert_eq!(log.iter().filter(|e| e.action == AuditAction::Verify).count(), 2);
}

#[tokio::test]
async fn a_limited_list_returns_the_first_keys_and_counts_them_all() {
    let f = fixture().await;
    for i in 0..7 {
        let mut m = meta(&format!("Key {i}"));
        m.kind = Some(KeyKind::Token);
        f.vault.add(m, secret(&format!("value-{i}"))).await.unwrap();
    }
    let q = KeyQuery { sort: SortField::Title, limit: Some(3), ..Default::default() };
    let page = f.vault.list(&q).await.unwrap();
    let titles: Vec<_> = page.keys.iter().map(|k| k.title.as_str()).collect();
    assert_eq!(titles, ["Key 0", "Key 1", "Key 2"]);
    assert_eq!((page.matched, page.facets.total), (7, 7));
    let searched = f.vault.list(&KeyQuery { search: Some("key 6".into()), limit: Some(3), ..q }).await.unwrap();
    assert_eq!((searched.keys.len(), searched.matched), (1, 1));
    assert_eq!(f.vault.list(&KeyQuery::default()).await.unwrap().matched, 7);
}

#[tokio::test]
async fn a_wrongly_typed_column_is_a_corrupt_database_error_not_a_panic() {
    let f = fixture().await;
    let key = f.vault.add(meta("Damaged"), secret("sk_damaged_0000000000")).await.unwrap();
    // SQLite stores what it is given: a hand edit or a damaged page can leave text where a number was.
    for (sql, read) in [
        ("UPDATE keys SET created_at = 'yesterday'", "list"),
        ("UPDATE keys SET created_at = 1, has_secret = 'maybe'", "detail"),
        ("UPDATE keys SET has_secret = 1, title = x'ff00'", "list"),
    ] {
        sqlx::query(sql).execute(&f.vault.database().pool).await.unwrap();
        let err = match read {
            "list" => f.vault.list(&KeyQuery::default()).await.map(|_| ()).unwrap_err(),
            _ => f.vault.detail(&key.id).await.map(|_| ()).unwrap_err(),
        };
        assert_eq!(crate::Coded::code(&err), "database_corrupt", "{sql}: {err:?}");
    }
    sqlx::query("UPDATE keys SET title = 'Damaged'").execute(&f.vault.database().pool).await.unwrap();
    sqlx::query("UPDATE audit SET at = 'noon'").execute(&f.vault.database().pool).await.unwrap();
    let err = f.vault.audit_log(None, 10).await.unwrap_err();
    assert_eq!(crate::Coded::code(&err), "database_corrupt", "{err:?}");
}

#[tokio::test]
async fn the_search_index_follows_every_change_and_its_syntax_is_plain_text() {
    let f = fixture().await;
    let search = |s: &str| KeyQuery { search: Some(s.into()), sort: SortField::Title, ..Default::default() };
    let only = |k: &KeyRecord| vec![k.title.clone()];
    let mut m = meta("Payments \"live\" (EU) OR NOT");
    m.kind = Some(KeyKind::Token);
    m.provider = "stripe".into();
    let k = f.vault.add(m, secret("tok_payments_live_0000")).await.unwrap();
    // FTS5 query syntax in the search box is text: quotes, parentheses, operators, a lone asterisk.
    for text in ["\"live\"", "(eu)", "or not", "\"", "s \"l", "*"] {
        let want: Vec<String> = if text == "*" { vec![] } else { only(&k) };
        assert_eq!(titles(&f.vault, search(text)).await, want, "search {text:?}");
    }
    // Three characters and more go through the index; fewer do not: the same answers either way.
    assert_eq!(titles(&f.vault, search("EU")).await, only(&k));
    assert!(k.redacted.starts_with("tok_…"), "{}", k.redacted);
    assert_eq!(titles(&f.vault, search("tok_…")).await, only(&k), "the redacted prefix");
    assert_eq!(titles(&f.vault, search(&k.id[..8])).await, only(&k), "the id prefix");
    assert!(titles(&f.vault, search("ok_…")).await.is_empty(), "redacted matches a prefix only");
    // A rename: the old words are gone from the index, the new ones found.
    f.vault.edit(&k.id, KeyEdit { title: Some("Billing webhook".into()), notes: None }).await.unwrap();
    assert!(titles(&f.vault, search("payments")).await.is_empty());
    assert_eq!(titles(&f.vault, search("webhook")).await, ["Billing webhook"]);
    assert_eq!(titles(&f.vault, search("stripe")).await, ["Billing webhook"], "the provider is still there");
    // Revoked keys stay searchable; a deleted one is gone.
    f.vault.revoke(&k.id).await.unwrap();
    assert_eq!(titles(&f.vault, search("webhook")).await, ["Billing webhook"]);
    f.vault.delete(&k.id).await.unwrap();
    assert!(titles(&f.vault, search("webhook")).await.is_empty());
    assert!(titles(&f.vault, search("stripe")).await.is_empty());
    // The index agrees with its table: SQLite's own check.
    sqlx::query("INSERT INTO keys_search (keys_search, rank) VALUES ('integrity-check', 1)")
        .execute(&f.vault.database().pool)
        .await
        .unwrap();
}
